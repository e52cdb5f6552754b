/**
 * @module reader
 * A bounds-checked cursor over hostile bytes, reading the RFC 8446 §3 presentation language:
 * fixed-width big-endian integers and `<floor..ceiling>` length-prefixed vectors. Every read
 * past the end and every vector length outside its bounds is a decode_error; `end()` rejects
 * trailing bytes.
 */
import { decodeError } from '../errors.ts';

/** Cursor over a byte array; sub-vectors are new Readers over a subarray (no copy). */
export class Reader {
  private readonly buf: Uint8Array;
  private pos = 0;
  /** Name used in error messages (`client_hello`, `key_share` ...). */
  readonly what: string;

  constructor(buf: Uint8Array, what = 'message') {
    this.buf = buf;
    this.what = what;
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** True when every byte has been read. */
  get isEmpty(): boolean {
    return this.pos === this.buf.length;
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }

  u16(): number {
    this.need(2);
    const b = this.buf;
    const v = ((b[this.pos] as number) << 8) | (b[this.pos + 1] as number);
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const b = this.buf;
    const v = ((b[this.pos] as number) << 16) | ((b[this.pos + 1] as number) << 8) | (b[this.pos + 2] as number);
    this.pos += 3;
    return v;
  }

  u32(): number {
    this.need(4);
    const b = this.buf;
    const v =
      (((b[this.pos] as number) << 24) |
        ((b[this.pos + 1] as number) << 16) |
        ((b[this.pos + 2] as number) << 8) |
        (b[this.pos + 3] as number)) >>>
      0;
    this.pos += 4;
    return v;
  }

  /** The next `n` bytes as a subarray (no copy: callers that keep it past the input's life copy). */
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** The rest of the input. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /** `opaque x<min..max>` with a 1-byte length: the contents. */
  opaque8(min = 0, max = 0xff): Uint8Array {
    return this.bytes(this.len(this.u8(), min, max));
  }
  /** `opaque x<min..max>` with a 2-byte length: the contents. */
  opaque16(min = 0, max = 0xffff): Uint8Array {
    return this.bytes(this.len(this.u16(), min, max));
  }
  /** `opaque x<min..max>` with a 3-byte length: the contents. */
  opaque24(min = 0, max = 0xffffff): Uint8Array {
    return this.bytes(this.len(this.u24(), min, max));
  }

  /** A vector with a 1-byte length prefix, as a sub-reader. */
  vec8(min = 0, max = 0xff): Reader {
    return new Reader(this.opaque8(min, max), this.what);
  }
  /** A vector with a 2-byte length prefix, as a sub-reader. */
  vec16(min = 0, max = 0xffff): Reader {
    return new Reader(this.opaque16(min, max), this.what);
  }
  /** A vector with a 3-byte length prefix, as a sub-reader. */
  vec24(min = 0, max = 0xffffff): Reader {
    return new Reader(this.opaque24(min, max), this.what);
  }

  /** Asserts that every byte was consumed (RFC 8446 §4: no trailing data in any structure). */
  end(): void {
    if (this.pos !== this.buf.length) {
      throw decodeError(`${this.what}: ${this.buf.length - this.pos} trailing bytes`);
    }
  }

  private need(n: number): void {
    if (this.buf.length - this.pos < n) throw decodeError(`${this.what}: truncated`);
  }

  private len(n: number, min: number, max: number): number {
    if (n < min || n > max) throw decodeError(`${this.what}: vector length ${n} outside ${min}..${max}`);
    return n;
  }
}
