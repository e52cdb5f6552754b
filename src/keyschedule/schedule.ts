/**
 * @module schedule
 * The RFC 8446 §7.1 key schedule as a chain of typed secrets: `EarlySecret` →
 * `HandshakeSecret` → `MasterSecret`. Each stage can derive only the secrets the RFC derives
 * from it, so a secret cannot be computed at the wrong time (STYLE §4.2).
 */
/*
 * RFC 8446 §7.1:
 *
 *             0
 *             |
 *             v
 *   PSK ->  HKDF-Extract = Early Secret
 *             |
 *             +-----> Derive-Secret(., "ext binder" | "res binder", "")
 *             |                     = binder_key
 *             |
 *             +-----> Derive-Secret(., "c e traffic", ClientHello)
 *             |                     = client_early_traffic_secret
 *             |
 *             +-----> Derive-Secret(., "e exp master", ClientHello)
 *             |                     = early_exporter_master_secret
 *             v
 *       Derive-Secret(., "derived", "")
 *             |
 *             v
 *   (EC)DHE -> HKDF-Extract = Handshake Secret
 *             |
 *             +-----> Derive-Secret(., "c hs traffic",
 *             |                     ClientHello...ServerHello)
 *             |                     = client_handshake_traffic_secret
 *             |
 *             +-----> Derive-Secret(., "s hs traffic",
 *             |                     ClientHello...ServerHello)
 *             |                     = server_handshake_traffic_secret
 *             v
 *       Derive-Secret(., "derived", "")
 *             |
 *             v
 *   0 -> HKDF-Extract = Master Secret
 *             |
 *             +-----> Derive-Secret(., "c ap traffic",
 *             |                     ClientHello...server Finished)
 *             |                     = client_application_traffic_secret_0
 *             |
 *             +-----> Derive-Secret(., "s ap traffic",
 *             |                     ClientHello...server Finished)
 *             |                     = server_application_traffic_secret_0
 *             |
 *             +-----> Derive-Secret(., "exp master",
 *             |                     ClientHello...server Finished)
 *             |                     = exporter_master_secret
 *             |
 *             +-----> Derive-Secret(., "res master",
 *                                   ClientHello...client Finished)
 *                                   = resumption_master_secret
 *
 * Transcript hashes are passed in by the caller (`src/transcript.ts` owns the transcript).
 */
import type { HashAlgorithm, HmacKey } from '../crypto/provider.ts';
import { deriveSecret } from './hkdf-label.ts';

/**
 * What every stage of the schedule has: its secret as an `HmacKey` (`hash.hmacKey`: every value
 * derived from it is an HMAC under it, and the provider may hash the key's pad blocks once for
 * all of them), the secret's bytes for traces, and `Derive-Secret` under it (RFC 8446 §7.1).
 */
export abstract class StageSecret {
  protected readonly hash: HashAlgorithm;
  readonly #secret: HmacKey;
  readonly #bytes: Uint8Array;

  /** Made only by the stage before (or `EarlySecret.create`); not part of the public API. */
  constructor(hash: HashAlgorithm, secret: Uint8Array) {
    this.hash = hash;
    this.#secret = hash.hmacKey(secret);
    this.#bytes = secret;
  }

  /**
   * The secret itself, for key-schedule traces; derive from it with the methods (they use the
   * `HmacKey`, so these bytes are never read back).
   */
  get bytes(): Uint8Array {
    return this.#bytes;
  }

  /** `Derive-Secret(this secret, label, transcriptHash)`. */
  protected derive(label: string, transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.hash, this.#secret, label, transcriptHash);
  }
}

/** The Early Secret: HKDF-Extract(0, PSK). */
export class EarlySecret extends StageSecret {
  /** `Derive-Secret(., "derived", "")` as an HMAC key, made on first use. */
  #derived: HmacKey | undefined;

  /** Use `EarlySecret.create`. */
  private constructor(hash: HashAlgorithm, secret: Uint8Array) {
    super(hash, secret);
  }

  /**
   * `PSK -> HKDF-Extract = Early Secret` with salt `0`.
   * RFC 8446 §7.1: "If a given secret is not available, then the 0-value consisting of a string
   * of Hash.length bytes set to zeros is used" — so no PSK means IKM = zeros. That Early Secret
   * (and the salt of the Handshake Secret it gives) is the same for every full handshake: one
   * instance per hash algorithm serves them all.
   */
  static create(hash: HashAlgorithm, psk?: Uint8Array): EarlySecret {
    const zeros = new Uint8Array(hash.outputLen);
    if (psk !== undefined) return new EarlySecret(hash, hash.hkdfExtract(zeros, psk));
    let early = NO_PSK_EARLY_SECRETS.get(hash);
    if (early === undefined) {
      early = new EarlySecret(hash, hash.hkdfExtract(zeros, zeros));
      NO_PSK_EARLY_SECRETS.set(hash, early);
    }
    return early;
  }

  /** `Derive-Secret(., "res binder", "") = binder_key` for a resumption PSK (RFC 8446 §4.2.11.2). */
  resumptionBinderKey(): Uint8Array {
    return this.derive(LABEL_RES_BINDER, emptyHash(this.hash));
  }

  /** `Derive-Secret(., "ext binder", "") = binder_key` for an external PSK (RFC 8446 §4.2.11.2). */
  externalBinderKey(): Uint8Array {
    return this.derive(LABEL_EXT_BINDER, emptyHash(this.hash));
  }

  /** `Derive-Secret(., "c e traffic", ClientHello) = client_early_traffic_secret`. */
  clientEarlyTrafficSecret(clientHelloHash: Uint8Array): Uint8Array {
    return this.derive(LABEL_C_E_TRAFFIC, clientHelloHash);
  }

  /** `Derive-Secret(., "e exp master", ClientHello) = early_exporter_master_secret`. */
  earlyExporterMasterSecret(clientHelloHash: Uint8Array): Uint8Array {
    return this.derive(LABEL_E_EXP_MASTER, clientHelloHash);
  }

  /**
   * `Derive-Secret(., "derived", "")`, then `(EC)DHE -> HKDF-Extract = Handshake Secret`.
   * @param sharedSecret the (EC)DHE/KEM shared secret; undefined for psk_ke (RFC 8446 §4.2.9),
   *   where the 0-value is used
   */
  handshakeSecret(sharedSecret: Uint8Array | undefined): HandshakeSecret {
    this.#derived ??= this.hash.hmacKey(this.derive(LABEL_DERIVED, emptyHash(this.hash)));
    const ikm = sharedSecret ?? new Uint8Array(this.hash.outputLen);
    // RFC 5869 §2.2: HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM).
    return new HandshakeSecret(this.hash, this.#derived.mac(ikm));
  }
}

/** The Handshake Secret: HKDF-Extract(Derive-Secret(Early Secret, "derived", ""), (EC)DHE). */
export class HandshakeSecret extends StageSecret {
  /** `Derive-Secret(., "c hs traffic", ClientHello...ServerHello) = client_handshake_traffic_secret`. */
  clientHandshakeTrafficSecret(helloHash: Uint8Array): Uint8Array {
    return this.derive(LABEL_C_HS_TRAFFIC, helloHash);
  }

  /** `Derive-Secret(., "s hs traffic", ClientHello...ServerHello) = server_handshake_traffic_secret`. */
  serverHandshakeTrafficSecret(helloHash: Uint8Array): Uint8Array {
    return this.derive(LABEL_S_HS_TRAFFIC, helloHash);
  }

  /** `Derive-Secret(., "derived", "")`, then `0 -> HKDF-Extract = Master Secret`. */
  masterSecret(): MasterSecret {
    const salt = this.derive(LABEL_DERIVED, emptyHash(this.hash));
    return new MasterSecret(this.hash, this.hash.hkdfExtract(salt, new Uint8Array(this.hash.outputLen)));
  }
}

/** The Master Secret: HKDF-Extract(Derive-Secret(Handshake Secret, "derived", ""), 0). */
export class MasterSecret extends StageSecret {
  /** `Derive-Secret(., "c ap traffic", ClientHello...server Finished) = client_application_traffic_secret_0`. */
  clientApplicationTrafficSecret0(handshakeHash: Uint8Array): Uint8Array {
    return this.derive(LABEL_C_AP_TRAFFIC, handshakeHash);
  }

  /** `Derive-Secret(., "s ap traffic", ClientHello...server Finished) = server_application_traffic_secret_0`. */
  serverApplicationTrafficSecret0(handshakeHash: Uint8Array): Uint8Array {
    return this.derive(LABEL_S_AP_TRAFFIC, handshakeHash);
  }

  /** `Derive-Secret(., "exp master", ClientHello...server Finished) = exporter_master_secret`. */
  exporterMasterSecret(handshakeHash: Uint8Array): Uint8Array {
    return this.derive(LABEL_EXP_MASTER, handshakeHash);
  }

  /** `Derive-Secret(., "res master", ClientHello...client Finished) = resumption_master_secret`. */
  resumptionMasterSecret(clientFinishedHash: Uint8Array): Uint8Array {
    return this.derive(LABEL_RES_MASTER, clientFinishedHash);
  }
}

/** The Early Secret without a PSK, per hash algorithm object. */
const NO_PSK_EARLY_SECRETS = new WeakMap<HashAlgorithm, EarlySecret>();

/** Transcript-Hash("") for the `Derive-Secret(., label, "")` lines. */
function emptyHash(hash: HashAlgorithm): Uint8Array {
  // Hash("") is a constant per algorithm object: computed once (the result is never mutated).
  let h = EMPTY_HASHES.get(hash);
  if (h === undefined) {
    h = hash.digest(new Uint8Array(0));
    EMPTY_HASHES.set(hash, h);
  }
  return h;
}

const EMPTY_HASHES = new WeakMap<HashAlgorithm, Uint8Array>();

// RFC 8446 §7.1 labels (HKDF-Expand-Label adds the "tls13 " prefix).
const LABEL_EXT_BINDER = 'ext binder';
const LABEL_RES_BINDER = 'res binder';
const LABEL_C_E_TRAFFIC = 'c e traffic';
const LABEL_E_EXP_MASTER = 'e exp master';
const LABEL_DERIVED = 'derived';
const LABEL_C_HS_TRAFFIC = 'c hs traffic';
const LABEL_S_HS_TRAFFIC = 's hs traffic';
const LABEL_C_AP_TRAFFIC = 'c ap traffic';
const LABEL_S_AP_TRAFFIC = 's ap traffic';
const LABEL_EXP_MASTER = 'exp master';
const LABEL_RES_MASTER = 'res master';
