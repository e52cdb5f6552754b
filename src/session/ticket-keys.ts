/**
 * @module ticket-keys
 * Ticket sealing keys that rotate by time epoch with no shared mutable state (issue 4): the key of
 * epoch `e` is HKDF-Expand(HKDF-Extract("puretls ticket keys", master), "epoch" ‖ u32(e)), so every
 * worker, process or machine holding the same master secret derives the same keys without
 * coordination. A ticket sealed under the previous epoch's key is still opened, so rotation does
 * not drop resumption. Tickets are AES-256-GCM with a random 96-bit nonce (RFC 5116 §3.2; the
 * random-nonce usage limit of 2^32 seals per key is far above what one epoch issues).
 *
 * Sealed ticket layout: `uint32 epoch ‖ opaque nonce[12] ‖ AEAD(plaintext, aad = epoch)`.
 */
import { utf8, writeU32 } from '../bytes/bytes.ts';
import type { Aead, CryptoProvider, HashAlgorithm, RandomSource } from '../crypto/provider.ts';

/** Seals and opens ticket plaintexts under the key of the current (or previous) epoch. */
export class TicketKeys {
  readonly #provider: CryptoProvider;
  readonly #hash: HashAlgorithm;
  readonly #prk: Uint8Array;
  readonly #epochMs: number;
  #recent: readonly { readonly epoch: number; readonly aead: Aead }[] = [];

  /**
   * @param masterSecret at least 32 bytes, shared by every server that must accept the tickets
   * @param epochSeconds how long one key seals new tickets (default 6 hours)
   * @throws RangeError for a short secret or a bad epoch length
   */
  constructor(provider: CryptoProvider, masterSecret: Uint8Array, epochSeconds: number = DEFAULT_EPOCH_S) {
    if (!(masterSecret instanceof Uint8Array) || masterSecret.length < MIN_MASTER_LEN) {
      throw new RangeError(`ticket keys: master secret must be at least ${MIN_MASTER_LEN} bytes`);
    }
    if (!Number.isInteger(epochSeconds) || epochSeconds < 1) throw new RangeError('ticket keys: epoch must be >= 1 second');
    this.#provider = provider;
    this.#hash = provider.hash('sha256');
    this.#prk = this.#hash.hkdfExtract(utf8(SALT), masterSecret);
    this.#epochMs = epochSeconds * 1000;
  }

  /** The epoch number at time `nowMs`. */
  epochAt(nowMs: number): number {
    return Math.floor(nowMs / this.#epochMs) >>> 0;
  }

  /** Seals `plaintext` under the key of the epoch at `nowMs`. */
  seal(plaintext: Uint8Array, nowMs: number, random: RandomSource): Uint8Array {
    const epoch = this.epochAt(nowMs);
    const header = new Uint8Array(4);
    writeU32(header, 0, epoch);
    const nonce = random(NONCE_LEN);
    const sealed = this.#aeadFor(epoch).seal(nonce, header, plaintext);
    const out = new Uint8Array(4 + NONCE_LEN + sealed.length);
    out.set(header, 0);
    out.set(nonce, 4);
    out.set(sealed, 4 + NONCE_LEN);
    return out;
  }

  /**
   * Opens a sealed ticket if it was sealed in the current or the previous epoch at `nowMs`.
   * Anything else (older epoch, foreign key, tampering, garbage) gives undefined: the caller falls
   * back to a full handshake, never an error (issue 4).
   */
  open(sealed: Uint8Array, nowMs: number): Uint8Array | undefined {
    if (sealed.length < 4 + NONCE_LEN + TAG_LEN) return undefined;
    const epoch = ((sealed[0] as number) * 2 ** 24 + ((sealed[1] as number) << 16) + ((sealed[2] as number) << 8) + (sealed[3] as number));
    const current = this.epochAt(nowMs);
    if (epoch !== current && epoch !== current - 1) return undefined;
    const aead = this.#aeadFor(epoch);
    return aead.open(sealed.subarray(4, 4 + NONCE_LEN), sealed.subarray(0, 4), sealed.subarray(4 + NONCE_LEN));
  }

  /**
   * The AEAD of `epoch`'s key. A key is a pure function of the master secret and the epoch, so
   * the last two are memoised per instance (no coordination: each process derives its own).
   */
  #aeadFor(epoch: number): Aead {
    const hit = this.#recent.find((e) => e.epoch === epoch);
    if (hit) return hit.aead;
    const aead = this.#provider.aead('aes-256-gcm', this.#keyFor(epoch));
    this.#recent = [{ epoch, aead }, ...this.#recent.slice(0, 1)];
    return aead;
  }

  #keyFor(epoch: number): Uint8Array {
    const prefix = utf8(INFO_PREFIX);
    const info = new Uint8Array(prefix.length + 4);
    info.set(prefix, 0);
    writeU32(info, prefix.length, epoch);
    return this.#hash.hkdfExpand(this.#prk, info, KEY_LEN);
  }
}

/** Default key rotation period: 6 hours (issue 4). */
export const DEFAULT_EPOCH_S: number = 6 * 3600;
const MIN_MASTER_LEN = 32;
const NONCE_LEN = 12;
const TAG_LEN = 16;
const KEY_LEN = 32;
const SALT = 'puretls ticket keys';
/** Encoded when used, not at module load (importing must not need TextEncoder). */
const INFO_PREFIX = 'puretls ticket key epoch';
