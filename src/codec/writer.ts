/**
 * @module writer
 * A growable big-endian writer for the RFC 8446 §3 presentation language. `block8/16/24(fn)`
 * write a length-prefixed vector by running `fn` and back-patching the length, and throw a
 * RangeError if the contents overflow the prefix (an encoder bug, never peer input).
 */
import { writeU16, writeU24, writeU32 } from '../bytes/bytes.ts';

export class Writer {
  private buf: Uint8Array;
  private len = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.len;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.len++] = v & 0xff;
  }
  u16(v: number): void {
    this.reserve(2);
    writeU16(this.buf, this.len, v);
    this.len += 2;
  }
  u24(v: number): void {
    this.reserve(3);
    writeU24(this.buf, this.len, v);
    this.len += 3;
  }
  u32(v: number): void {
    this.reserve(4);
    writeU32(this.buf, this.len, v);
    this.len += 4;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** `opaque x<..2^8-1>`: 1-byte length then `b`. */
  opaque8(b: Uint8Array): void {
    this.block8(() => this.bytes(b));
  }
  /** `opaque x<..2^16-1>`: 2-byte length then `b`. */
  opaque16(b: Uint8Array): void {
    this.block16(() => this.bytes(b));
  }
  /** `opaque x<..2^24-1>`: 3-byte length then `b`. */
  opaque24(b: Uint8Array): void {
    this.block24(() => this.bytes(b));
  }

  block8(fn: () => void): void {
    this.block(1, 0xff, fn);
  }
  block16(fn: () => void): void {
    this.block(2, 0xffff, fn);
  }
  block24(fn: () => void): void {
    this.block(3, 0xffffff, fn);
  }

  /** A copy of the bytes written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private block(prefixLen: number, max: number, fn: () => void): void {
    this.reserve(prefixLen);
    const at = this.len;
    this.len += prefixLen;
    fn();
    const n = this.len - at - prefixLen;
    if (n > max) throw new RangeError(`writer: vector of ${n} bytes overflows its ${prefixLen}-byte length`);
    if (prefixLen === 1) this.buf[at] = n;
    else if (prefixLen === 2) writeU16(this.buf, at, n);
    else writeU24(this.buf, at, n);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

/** Runs `fn` on a fresh Writer and returns the bytes. */
export function encodeWith(fn: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  fn(w);
  return w.finish();
}
