/**
 * @module test/fuzz/mutate
 * Byte-level mutations of fuzz inputs (in the style of libFuzzer's): bit flips, byte
 * substitutions with interesting values, 16-bit length-like fields, insertions, deletions,
 * duplications, truncations and splices with other corpus entries; and the seeded generator
 * every driver draws from.
 */

/** One random mutation of `input` (a new array; `input` is not modified). */
export function mutate(input: Uint8Array, rng: Rng, corpus: readonly Uint8Array[]): Uint8Array {
  const n = input.length;
  switch (rng.below(n === 0 ? 2 : 9)) {
    case 0: {
      // Insert 1..8 random bytes.
      const k = 1 + rng.below(8);
      const at = rng.below(n + 1);
      const out = new Uint8Array(n + k);
      out.set(input.subarray(0, at));
      for (let i = 0; i < k; i++) out[at + i] = rng.below(256);
      out.set(input.subarray(at), at + k);
      return out;
    }
    case 1: {
      // Splice: a prefix of this input and a suffix of another corpus entry.
      const other = corpus[rng.below(corpus.length)] as Uint8Array;
      const a = rng.below(n + 1);
      const b = rng.below(other.length + 1);
      const out = new Uint8Array(a + other.length - b);
      out.set(input.subarray(0, a));
      out.set(other.subarray(b), a);
      return out;
    }
    case 2: {
      const out = input.slice();
      const at = rng.below(n);
      out[at] = (out[at] as number) ^ (1 << rng.below(8));
      return out;
    }
    case 3: {
      const out = input.slice();
      out[rng.below(n)] = INTERESTING[rng.below(INTERESTING.length)] as number;
      return out;
    }
    case 4: {
      // Overwrite a 16- or 24-bit length-like field with an interesting value.
      const out = input.slice();
      const at = rng.below(n);
      const v = INTERESTING_16[rng.below(INTERESTING_16.length)] as number;
      out[at] = v >> 8;
      if (at + 1 < n) out[at + 1] = v & 0xff;
      return out;
    }
    case 5: {
      // Delete a range.
      const at = rng.below(n);
      const k = 1 + rng.below(Math.min(16, n - at));
      const out = new Uint8Array(n - k);
      out.set(input.subarray(0, at));
      out.set(input.subarray(at + k), at);
      return out;
    }
    case 6:
      // Truncate.
      return input.slice(0, rng.below(n));
    case 7: {
      // Duplicate a range in place.
      const at = rng.below(n);
      const k = 1 + rng.below(Math.min(64, n - at));
      const out = new Uint8Array(n + k);
      out.set(input.subarray(0, at + k));
      out.set(input.subarray(at), at + k);
      return out;
    }
    default: {
      // Add a small delta to one byte.
      const out = input.slice();
      const at = rng.below(n);
      out[at] = ((out[at] as number) + 1 + rng.below(8) - 4 + 256) & 0xff;
      return out;
    }
  }
}

/** xorshift32: deterministic, not cryptographic. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let s = this.s;
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    this.s = s;
    return s;
  }
  /** Uniform-ish integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }
}

const INTERESTING: readonly number[] = [0x00, 0x01, 0x02, 0x03, 0x04, 0x0f, 0x10, 0x14, 0x15, 0x16, 0x17, 0x18, 0x20, 0x7f, 0x80, 0xfe, 0xff];
const INTERESTING_16: readonly number[] = [0x0000, 0x0001, 0x00ff, 0x0100, 0x0303, 0x0304, 0x3fff, 0x4000, 0x4001, 0x4100, 0x4101, 0x7fff, 0xffff];
