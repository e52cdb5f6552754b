/**
 * @module bytes
 * Byte helpers used everywhere below the adapter: concatenation, constant-time comparison,
 * hex/UTF-8 conversion and big-endian integer access. Plain `Uint8Array`, never `Buffer`.
 */

/** Concatenates byte arrays into one new array. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * Compares two byte arrays in time that depends only on their lengths.
 * Used for Finished verify_data, PSK binders and ticket MACs (a timing oracle on these
 * would let an attacker forge them byte by byte).
 */
export function equalConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Plain (not constant-time) equality, for public values. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const HEX = '0123456789abcdef';

/** Lower-case hex of `b`. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += (HEX[x >> 4] as string) + (HEX[x & 15] as string);
  return s;
}

/** Parses hex; whitespace is ignored. Throws RangeError on odd length or a non-hex digit. */
export function fromHex(hex: string): Uint8Array {
  const h = hex.replace(/\s+/g, '');
  if (h.length % 2 !== 0) throw new RangeError('fromHex: odd number of digits');
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) {
    const v = Number.parseInt(h.slice(2 * i, 2 * i + 2), 16);
    if (!/^[0-9a-fA-F]{2}$/.test(h.slice(2 * i, 2 * i + 2))) throw new RangeError('fromHex: not a hex digit');
    out[i] = v;
  }
  return out;
}

// Created on first use, so that importing puretls never fails on a runtime without them.
let encoder: InstanceType<typeof TextEncoder> | undefined;
let strictDecoder: InstanceType<typeof TextDecoder> | undefined;

/** UTF-8 encoding of `s`. */
export function utf8(s: string): Uint8Array {
  encoder ??= new TextEncoder();
  return encoder.encode(s);
}

/** Strict UTF-8 decoding; returns undefined for invalid UTF-8. */
export function fromUtf8(b: Uint8Array): string | undefined {
  strictDecoder ??= new TextDecoder('utf-8', { fatal: true });
  try {
    return strictDecoder.decode(b);
  } catch {
    return undefined;
  }
}

/** Reads a big-endian u16 at `off` (caller guarantees bounds). */
export function readU16(b: Uint8Array, off: number): number {
  return (((b[off] as number) << 8) | (b[off + 1] as number)) >>> 0;
}

/** Reads a big-endian u24 at `off` (caller guarantees bounds). */
export function readU24(b: Uint8Array, off: number): number {
  return (((b[off] as number) << 16) | ((b[off + 1] as number) << 8) | (b[off + 2] as number)) >>> 0;
}

/** Writes `v` as a big-endian u16 at `off`. */
export function writeU16(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 8) & 0xff;
  b[off + 1] = v & 0xff;
}

/** Writes `v` as a big-endian u24 at `off`. */
export function writeU24(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 16) & 0xff;
  b[off + 1] = (v >>> 8) & 0xff;
  b[off + 2] = v & 0xff;
}

/** Writes `v` as a big-endian u32 at `off`. */
export function writeU32(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 24) & 0xff;
  b[off + 1] = (v >>> 16) & 0xff;
  b[off + 2] = (v >>> 8) & 0xff;
  b[off + 3] = v & 0xff;
}

/** Overwrites `b` with zeros (best effort: a JS engine may have copied it; see docs/07). */
export function wipe(b: Uint8Array): void {
  b.fill(0);
}
