/**
 * @module lists
 * Shared helpers for the RFC 8446 §3 vectors of fixed-width integers that recur in handshake
 * messages and extensions (`CipherSuite cipher_suites<2..2^16-2>`, `NamedGroup
 * named_group_list<2..2^16-1>`, ...). A vector whose byte length is not a multiple of the element
 * size fails with decode_error (the Reader reports the truncated last element).
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';

/** `uint16 x<min..max>` (bounds in bytes, as in the RFC struct). */
export function readU16List(r: Reader, min: number, max: number): number[] {
  const v = r.vec16(min, max);
  const out: number[] = [];
  while (!v.isEmpty) out.push(v.u16());
  return out;
}

/** `uint16 x<min..max>` with a 1-byte length prefix (`ProtocolVersion versions<2..254>`). */
export function readU16ListVec8(r: Reader, min: number, max: number): number[] {
  const v = r.vec8(min, max);
  const out: number[] = [];
  while (!v.isEmpty) out.push(v.u16());
  return out;
}

/** `uint8 x<min..max>` with a 1-byte length prefix. */
export function readU8List(r: Reader, min: number, max: number): number[] {
  const v = r.vec8(min, max);
  const out: number[] = [];
  while (!v.isEmpty) out.push(v.u8());
  return out;
}

/** Writes `uint16 x<..2^16-1>`. */
export function writeU16List(w: Writer, list: readonly number[]): void {
  w.block16(() => {
    for (const x of list) w.u16(x);
  });
}

/** Writes `uint8 x<..2^8-1>`. */
export function writeU8List(w: Writer, list: readonly number[]): void {
  w.block8(() => {
    for (const x of list) w.u8(x);
  });
}
