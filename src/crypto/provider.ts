/**
 * @module provider
 * The `CryptoProvider` interface: every primitive the engine uses, behind one synchronous
 * interface, so the pure provider (noble + our bigint RSA, `src/crypto/noble/`) and the
 * node:crypto provider (`src/node/crypto-provider.ts`) are interchangeable, and a fuzz provider
 * can stand in for both. Keys cross this boundary as plain data (`PrivateKey`, `PublicKey`).
 */

/** A source of random bytes. Injected from the config so runs can be made deterministic. */
export type RandomSource = (length: number) => Uint8Array;

export type HashName = 'sha256' | 'sha384' | 'sha512';
export type AeadName = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm' | 'aes-128-ccm-8';

/** A running hash; `clone()` lets the transcript take intermediate digests. */
export interface IncrementalHash {
  update(data: Uint8Array): void;
  /** The digest of everything so far; the hash is finished and must not be used again. */
  digest(): Uint8Array;
  clone(): IncrementalHash;
}

/**
 * HMAC (RFC 2104) under one key, prepared once for several messages: the TLS 1.3 key schedule
 * derives two to four values from most secrets (RFC 8446 §7.1, §7.3), and a provider may keep
 * the key's hashed pad blocks instead of hashing them again for each.
 */
export interface HmacKey {
  /** HMAC-Hash(key, data); equals `hmac(key, data)`. */
  mac(data: Uint8Array): Uint8Array;
  /**
   * RFC 5869 §2.3 HKDF-Expand(PRK = key, info, L); equals `hkdfExpand(key, info, L)`.
   * @throws RangeError unless 0 <= L <= 255 * Hash.length
   */
  expand(info: Uint8Array, length: number): Uint8Array;
}

/** A hash function with its HMAC and HKDF (RFC 2104, RFC 5869). */
export interface HashAlgorithm {
  readonly name: HashName;
  /** Output length in bytes (RFC 8446 §7.1 Hash.length). */
  readonly outputLen: number;
  digest(data: Uint8Array): Uint8Array;
  create(): IncrementalHash;
  hmac(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** `key` prepared for several HMACs or HKDF-Expands (a copy: later changes to `key` do not count). */
  hmacKey(key: Uint8Array): HmacKey;
  /** RFC 5869 §2.2 HKDF-Extract(salt, IKM). */
  hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** RFC 5869 §2.3 HKDF-Expand(PRK, info, L). */
  hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
}

/**
 * An AEAD bound to one key (RFC 5116 interface, 12-byte nonce; 16-byte tag, 8 bytes for
 * aes-128-ccm-8: `AEAD_TAG_LEN_OF`).
 */
export interface Aead {
  /** Returns ciphertext ‖ tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /**
   * Seals `plaintext ‖ trailer` into `out` at `offset` (ciphertext, then the tag): the
   * record layer's copy-saving path, where the trailer is TLSInnerPlaintext's content type and
   * padding (RFC 8446 §5.2) and `out` already holds the record header.
   * @returns the bytes written: plaintext.length + trailer.length + the tag length
   */
  sealInto(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, trailer: Uint8Array, out: Uint8Array, offset: number): number;
  /** Returns the plaintext, or undefined when authentication fails. Never throws on bad input. */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined;
  /**
   * `open` that may write the plaintext over `ciphertext` itself (the record layer's decrypt-in-
   * place path, for received bytes the engine owns). Returns the plaintext: a view of the start
   * of `ciphertext`, or a new buffer where the provider cannot decrypt in place (node:crypto).
   * Authentication is checked first: when it fails, `ciphertext` is left as it was.
   */
  openInPlace(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined;
}

/** The client's ephemeral key pair for one group (RFC 8446 §4.2.8). */
export interface KeyShareKeyPair {
  readonly group: number;
  /** The key_exchange bytes to send. */
  readonly publicKey: Uint8Array;
  /**
   * The (EC)DHE / KEM shared secret from the server's key_exchange.
   * @throws TlsError illegal_parameter when the peer share is malformed or invalid (RFC 8446 §4.2.8.2)
   */
  complete(peerShare: Uint8Array): Uint8Array;
}

/** One key-exchange group. */
export interface KeyExchangeGroup {
  readonly group: number;
  /** Client side: a fresh key pair drawn from `random`. */
  generate(random: RandomSource): KeyShareKeyPair;
  /**
   * Server side: answers the client's share with ours and the shared secret (for ECDH a fresh
   * key pair; for a KEM, encapsulation).
   * @throws TlsError illegal_parameter when the client's share is malformed or invalid
   */
  respond(clientShare: Uint8Array, random: RandomSource): { share: Uint8Array; sharedSecret: Uint8Array };
}

/** The NIST curves of ECDSA keys (RFC 8446 §4.2.3 ecdsa_secp256r1/384r1/521r1). */
export type EcCurve = 'P-256' | 'P-384' | 'P-521';

/**
 * The restriction of an RSA key carried under the id-RSASSA-PSS OID (RFC 4055 §1.2, RFC 8446
 * §4.2.3 rsa_pss_pss_*): the key signs only RSASSA-PSS, and with `hash` only when its parameters
 * name one (they then also fix MGF1 to that hash and the salt to the hash length; keys whose
 * parameters TLS cannot honour are refused when parsed). Absent on rsaEncryption keys.
 */
export interface RsaPssKeyRestriction {
  readonly hash?: HashName;
}

/** Private keys as plain data; big integers are big-endian unsigned bytes. */
export type PrivateKey =
  | { readonly type: 'ec'; readonly curve: EcCurve; readonly d: Uint8Array }
  | { readonly type: 'ed25519'; readonly seed: Uint8Array }
  | { readonly type: 'ed448'; readonly seed: Uint8Array }
  | {
      readonly type: 'rsa';
      readonly n: Uint8Array;
      readonly e: Uint8Array;
      readonly d: Uint8Array;
      readonly p: Uint8Array;
      readonly q: Uint8Array;
      readonly dp: Uint8Array;
      readonly dq: Uint8Array;
      readonly qi: Uint8Array;
      readonly pss?: RsaPssKeyRestriction;
    };

/** Public keys as plain data (as found in a certificate's SubjectPublicKeyInfo). */
export type PublicKey =
  | { readonly type: 'ec'; readonly curve: EcCurve; readonly point: Uint8Array }
  | { readonly type: 'ed25519'; readonly key: Uint8Array }
  | { readonly type: 'ed448'; readonly key: Uint8Array }
  | { readonly type: 'rsa'; readonly n: Uint8Array; readonly e: Uint8Array; readonly pss?: RsaPssKeyRestriction };

/** A private key loaded into a provider (imported once, used for many handshakes). */
export interface SigningKey {
  /** The signature schemes this key can produce, in our preference order. */
  readonly schemes: readonly number[];
  readonly publicKey: PublicKey;
  /**
   * Signs `message` with `scheme` (which must be in `schemes`). RSA-PSS draws its salt from
   * `random`; ECDSA and Ed25519 are deterministic where the provider allows.
   */
  sign(scheme: number, message: Uint8Array, random: RandomSource): Uint8Array;
}

/** All the primitives the engine needs. Synchronous by design (STYLE §2). */
export interface CryptoProvider {
  readonly name: string;
  /** The hash algorithm `name`. */
  hash(name: HashName): HashAlgorithm;
  /** An AEAD bound to `key`. */
  aead(name: AeadName, key: Uint8Array): Aead;
  /** Supported key-exchange groups in preference order. */
  readonly groups: readonly number[];
  keyExchange(group: number): KeyExchangeGroup | undefined;
  /** Signature schemes this provider can verify (RFC 8446 §4.2.3), in preference order. */
  readonly verifySchemes: readonly number[];
  /** Imports a private key. @throws Error if the key type is unsupported or malformed */
  signingKey(key: PrivateKey): SigningKey;
  /**
   * Verifies `signature` over `message` under `scheme` and `key`. Returns false (never throws)
   * when the signature is wrong, malformed, or the scheme does not fit the key.
   */
  verify(scheme: number, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * Verifies a certificate's signature (RFC 5280 §4.1.1.3) as `verify` does, except that an
   * ECDSA scheme names only its hash: X.509's ecdsa-with-SHA256/384/512 (RFC 5758 §3.2) carry no
   * curve, so a P-384 CA may sign with SHA-256 and a P-256 CA with SHA-384 or SHA-512.
   * ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384 and ecdsa_secp521r1_sha512 stand for ECDSA
   * with SHA-256, SHA-384 and SHA-512 on the key's curve. CertificateVerify uses `verify`, where
   * RFC 8446 §4.2.3 binds the curve. An RSASSA-PSS certificate signature by an id-RSASSA-PSS key
   * is passed as rsa_pss_pss_* (the verifier maps it). Never throws.
   */
  verifyCertificateSignature(scheme: number, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean;
  /** Cryptographically secure random bytes. */
  randomBytes(length: number): Uint8Array;
  /**
   * SHA-1 of `data`, only for identifiers RFC 6960 fixes to it (the OCSP CertID hash responders
   * use by default, §4.1.1; a byKey ResponderID, §4.2.1), never for signatures. Optional: without
   * it, SHA-1 CertIDs cannot be matched (x509/ocsp.ts).
   */
  readonly sha1?: (data: Uint8Array) => Uint8Array;
  /** Password-based primitives for encrypted PKCS#8 private keys (RFC 8018 PBES2); optional. */
  readonly passwordBased?: PasswordBasedCrypto;
  /**
   * True when AES runs in software here (no AES instructions), so this provider's
   * ChaCha20-Poly1305 is the faster AEAD: servers then prefer it (`ServerConfigInput.preferChaCha20`).
   */
  readonly softwareAes?: boolean;
}

/**
 * What decrypting an RFC 8018 / RFC 5958 EncryptedPrivateKeyInfo needs: PBKDF2 (RFC 8018 §5.2),
 * scrypt (RFC 7914) and AES-CBC decryption (with PKCS#7 padding removal, RFC 8018 §6.2.2).
 */
export interface PasswordBasedCrypto {
  pbkdf2(hash: 'sha1' | HashName, password: Uint8Array, salt: Uint8Array, iterations: number, dkLen: number): Uint8Array;
  scrypt(password: Uint8Array, salt: Uint8Array, n: number, r: number, p: number, dkLen: number): Uint8Array;
  /** @throws Error when the padding is wrong (wrong passphrase or corrupt data) */
  aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array;
}

/** RFC 8446 §7.3: the write key and IV derived from one traffic secret. */
export interface TrafficKeys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}
