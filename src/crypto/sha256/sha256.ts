/**
 * @module crypto/sha256/sha256
 * SHA-256 (FIPS 180-4 §6.2) in TypeScript, made for the short messages of HMAC in the key schedule
 * (hmac.ts): a stream that can start from a saved state (HMAC's hashed key block), absorbs a few
 * dozen bytes and pads (FIPS 180-4 §5.1.1). There a node:crypto call costs more than the one or
 * two blocks it hashes (bench/keyschedule.ts); long messages belong to the provider's native
 * hash. Constant time: no branch or table index depends on the data.
 */

/** FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);

/** FIPS 180-4 §5.3.3: the initial hash value H(0). */
const IV = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);

export const SHA256_BLOCK_LEN = 64;
export const SHA256_OUTPUT_LEN = 32;
/** Words in a saved state (H0..H7). */
export const SHA256_STATE_WORDS = 8;

/**
 * One SHA-256 computation at a time over reusable buffers: `start`, `update`..., `finishInto`.
 * The state words are 32-bit two's complement (Int32Array): `| 0` keeps every sum in range.
 */
export class Sha256Stream {
  readonly #h = new Int32Array(SHA256_STATE_WORDS);
  /** FIPS 180-4 §6.2.2 step 1: the message schedule W0..W63. */
  readonly #w = new Int32Array(64);
  readonly #block = new Uint8Array(SHA256_BLOCK_LEN);
  #fill = 0;
  #length = 0;

  /** Starts a message from H(0). */
  start(): void {
    this.#h.set(IV);
    this.#fill = 0;
    this.#length = 0;
  }

  /**
   * Continues a message whose first `length` bytes (whole blocks) were hashed into `state`
   * (`SHA256_STATE_WORDS` words from `offset`): HMAC's key block, hashed once per key.
   */
  resume(state: Int32Array, offset: number, length: number): void {
    for (let i = 0; i < SHA256_STATE_WORDS; i++) this.#h[i] = state[offset + i]!;
    this.#fill = 0;
    this.#length = length;
  }

  /** Copies the state after the whole blocks absorbed so far into `state` at `offset`. */
  saveState(state: Int32Array, offset: number): void {
    for (let i = 0; i < SHA256_STATE_WORDS; i++) state[offset + i] = this.#h[i]!;
  }

  update(data: Uint8Array): void {
    const block = this.#block;
    let fill = this.#fill;
    for (let i = 0; i < data.length; i++) {
      block[fill++] = data[i]!;
      if (fill === SHA256_BLOCK_LEN) {
        this.#compress();
        fill = 0;
      }
    }
    this.#fill = fill;
    this.#length += data.length;
  }

  updateByte(byte: number): void {
    this.#block[this.#fill++] = byte;
    this.#length++;
    if (this.#fill === SHA256_BLOCK_LEN) {
      this.#compress();
      this.#fill = 0;
    }
  }

  /** FIPS 180-4 §5.1.1 padding (a 1 bit, zeros, the 64-bit bit length), then H(N) to `out` at `offset`. */
  finishInto(out: Uint8Array, offset: number): void {
    const block = this.#block;
    const bits = this.#length * 8;
    block[this.#fill++] = 0x80;
    if (this.#fill > SHA256_BLOCK_LEN - 8) {
      block.fill(0, this.#fill);
      this.#compress();
      this.#fill = 0;
    }
    block.fill(0, this.#fill, SHA256_BLOCK_LEN - 8);
    writeBigEndian(block, SHA256_BLOCK_LEN - 8, Math.floor(bits / 2 ** 32));
    writeBigEndian(block, SHA256_BLOCK_LEN - 4, bits >>> 0);
    this.#compress();
    for (let i = 0; i < SHA256_STATE_WORDS; i++) writeBigEndian(out, offset + 4 * i, this.#h[i]!);
  }

  /** FIPS 180-4 §6.2.2: one block into the state. */
  #compress(): void {
    const w = this.#w;
    const b = this.#block;
    for (let i = 0; i < 16; i++) w[i] = (b[4 * i]! << 24) | (b[4 * i + 1]! << 16) | (b[4 * i + 2]! << 8) | b[4 * i + 3]!;
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      const sigma0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3); // §4.1.2 (4.6)
      const sigma1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10); // (4.7)
      w[i] = (sigma1 + w[i - 7]! + sigma0 + w[i - 16]!) | 0;
    }
    const h = this.#h;
    let a = h[0]!, bb = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
    for (let i = 0; i < 64; i++) {
      const sum1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7)); // (4.5)
      const ch = (e & f) ^ (~e & g); // (4.2)
      const t1 = (hh + sum1 + ch + K[i]! + w[i]!) | 0;
      const sum0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10)); // (4.4)
      const maj = (a & bb) ^ (a & c) ^ (bb & c); // (4.3)
      const t2 = (sum0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + bb) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
    h[4] = (h[4]! + e) | 0;
    h[5] = (h[5]! + f) | 0;
    h[6] = (h[6]! + g) | 0;
    h[7] = (h[7]! + hh) | 0;
  }
}

/** SHA-256 of `data` (HMAC keys longer than a block, RFC 2104 §2; tests). */
export function sha256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(SHA256_OUTPUT_LEN);
  const s = new Sha256Stream();
  s.start();
  s.update(data);
  s.finishInto(out, 0);
  return out;
}

function writeBigEndian(out: Uint8Array, offset: number, word: number): void {
  out[offset] = word >>> 24;
  out[offset + 1] = word >>> 16;
  out[offset + 2] = word >>> 8;
  out[offset + 3] = word;
}
