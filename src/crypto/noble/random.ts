/**
 * @module crypto/noble/random
 * The default CSPRNG: `crypto.getRandomValues` from the Web Crypto global, present in Node 20+
 * and every browser. The engine never calls it directly; it is the default `RandomSource`
 * injected through the config (STYLE §4.4, determinism).
 */

/** The Web Crypto global, typed locally so this file does not need DOM lib types. */
interface WebCryptoGlobal {
  readonly crypto?: { getRandomValues(array: Uint8Array): Uint8Array };
}

/**
 * Cryptographically secure random bytes from `globalThis.crypto.getRandomValues`.
 * @throws Error when the runtime has no Web Crypto global
 */
export function randomBytes(length: number): Uint8Array {
  const webCrypto = (globalThis as WebCryptoGlobal).crypto;
  if (webCrypto === undefined) throw new Error('randomBytes: globalThis.crypto.getRandomValues is not available');
  const out = new Uint8Array(length);
  // Web Crypto fills at most 65536 bytes per call (QuotaExceededError above that).
  for (let off = 0; off < length; off += MAX_GET_RANDOM_VALUES_LEN) {
    webCrypto.getRandomValues(out.subarray(off, Math.min(length, off + MAX_GET_RANDOM_VALUES_LEN)));
  }
  return out;
}

const MAX_GET_RANDOM_VALUES_LEN = 65536;
