/**
 * @module crypto/sha256/hmac
 * HMAC-SHA-256 (RFC 2104) with the key's two padded blocks hashed once, and HKDF-Expand
 * (RFC 5869 §2.3) on it: the `HmacKey` of the providers' SHA-256. The TLS 1.3 key schedule derives
 * two to four values from most secrets (RFC 8446 §7.1, §7.3), each an HMAC of under 56 bytes:
 * with the key blocks saved, one costs two compressions.
 */
import { SHA256_BLOCK_LEN, SHA256_OUTPUT_LEN, SHA256_STATE_WORDS, Sha256Stream, sha256 } from './sha256.ts';

/** RFC 2104 §2: ipad = 0x36 and opad = 0x5C, repeated B times. */
const IPAD = 0x36;
const OPAD = 0x5c;

/** Shared scratch: every computation runs to completion synchronously, so one stream serves all. */
const STREAM = new Sha256Stream();
const INNER = new Uint8Array(SHA256_OUTPUT_LEN);
const KEY_BLOCK = new Uint8Array(SHA256_BLOCK_LEN);

/** HMAC-SHA-256 under one key. */
export class HmacSha256 {
  /** H(K ⊕ ipad) then H(K ⊕ opad), each a state after one block (RFC 2104 §2 steps 1-2, 5). */
  readonly #keyStates = new Int32Array(2 * SHA256_STATE_WORDS);

  /** Copies nothing of `key`: only the two hashed key blocks are kept. */
  constructor(key: Uint8Array) {
    // RFC 2104 §2: a key longer than the block is hashed first; a shorter one is zero-padded.
    const k = key.length > SHA256_BLOCK_LEN ? sha256(key) : key;
    this.#hashKeyBlock(k, IPAD, 0);
    this.#hashKeyBlock(k, OPAD, SHA256_STATE_WORDS);
  }

  /** HMAC-SHA-256(K, data) (RFC 2104 §2: H(K ⊕ opad, H(K ⊕ ipad, data))). */
  mac(data: Uint8Array): Uint8Array {
    STREAM.resume(this.#keyStates, 0, SHA256_BLOCK_LEN);
    STREAM.update(data);
    const out = new Uint8Array(SHA256_OUTPUT_LEN);
    this.#outer(out, 0);
    return out;
  }

  /**
   * RFC 5869 §2.3 HKDF-Expand(PRK = K, info, L): T(i) = HMAC(PRK, T(i-1) | info | i), the first
   * L octets of T(1) | T(2) | ...
   * @throws RangeError unless 0 <= L <= 255 * 32
   */
  expand(info: Uint8Array, length: number): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 0 || length > 255 * SHA256_OUTPUT_LEN) {
      throw new RangeError(`hkdfExpand: length must be 0..${255 * SHA256_OUTPUT_LEN}`);
    }
    const blocks = Math.ceil(length / SHA256_OUTPUT_LEN);
    const okm = new Uint8Array(blocks * SHA256_OUTPUT_LEN);
    for (let i = 1; i <= blocks; i++) {
      STREAM.resume(this.#keyStates, 0, SHA256_BLOCK_LEN);
      if (i > 1) STREAM.update(okm.subarray((i - 2) * SHA256_OUTPUT_LEN, (i - 1) * SHA256_OUTPUT_LEN));
      STREAM.update(info);
      STREAM.updateByte(i);
      this.#outer(okm, (i - 1) * SHA256_OUTPUT_LEN);
    }
    return okm.length === length ? okm : okm.slice(0, length);
  }

  /** Saves the state after hashing the block K ⊕ (`pad` repeated) at `offset` of the key states. */
  #hashKeyBlock(k: Uint8Array, pad: number, offset: number): void {
    for (let j = 0; j < SHA256_BLOCK_LEN; j++) KEY_BLOCK[j] = (j < k.length ? k[j]! : 0) ^ pad;
    STREAM.start();
    STREAM.update(KEY_BLOCK);
    STREAM.saveState(this.#keyStates, offset);
  }

  /** Finishes the inner hash in STREAM, then writes H(K ⊕ opad, inner) to `out` at `offset`. */
  #outer(out: Uint8Array, offset: number): void {
    STREAM.finishInto(INNER, 0);
    STREAM.resume(this.#keyStates, SHA256_STATE_WORDS, SHA256_BLOCK_LEN);
    STREAM.update(INNER);
    STREAM.finishInto(out, offset);
  }
}
