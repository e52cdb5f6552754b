/**
 * @module crypto/p256/der
 * The DER encoding of an ECDSA signature (RFC 3279 §2.2.3, SEC 1 §C.5, as TLS 1.3 carries it:
 * RFC 8446 §4.2.3):
 *
 *   Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }
 *
 * The decoder is strict DER (X.690 §8.1.3 shortest length form, §8.3.2 minimal INTEGER): it
 * refuses BER length forms, padded or negative integers and trailing bytes, so one signature
 * has one encoding (Wycheproof's BER and malleability cases).
 */

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const SCALAR_LEN = 32;

/** Encodes (r, s), each 32 big-endian bytes, as a DER Ecdsa-Sig-Value. */
export function encodeEcdsaSignature(r: Uint8Array, s: Uint8Array): Uint8Array {
  const ri = derInteger(r);
  const si = derInteger(s);
  // At most 2 · (2 + 33) = 70 content bytes: always the short length form.
  const out = new Uint8Array(2 + ri.length + si.length);
  out[0] = SEQUENCE;
  out[1] = ri.length + si.length;
  out.set(ri, 2);
  out.set(si, 2 + ri.length);
  return out;
}

/** INTEGER TLV of a non-negative big-endian value: leading zeros dropped, 0x00 added before a set top bit. */
function derInteger(v: Uint8Array): Uint8Array {
  let start = 0;
  while (start < v.length - 1 && v[start] === 0) start++;
  const pad = ((v[start] as number) & 0x80) !== 0 ? 1 : 0;
  const len = v.length - start + pad;
  const out = new Uint8Array(2 + len);
  out[0] = INTEGER;
  out[1] = len;
  out.set(v.subarray(start), 2 + pad);
  return out;
}

/**
 * Decodes a DER Ecdsa-Sig-Value into r and s as 32 big-endian bytes each (range checks against
 * n are the verifier's).
 * @returns undefined for anything that is not exactly one strict-DER signature with
 *   non-negative integers below 2^256
 */
export function decodeEcdsaSignature(der: Uint8Array): { r: Uint8Array; s: Uint8Array } | undefined {
  // Short form only: the content (≤ 70 bytes) is below 128, and X.690 §10.1 requires the
  // shortest form.
  if (der.length < 2 || der[0] !== SEQUENCE || der[1] !== der.length - 2 || (der[1] as number) >= 0x80) return undefined;
  const r = readInteger(der, 2);
  if (r === undefined) return undefined;
  const s = readInteger(der, r.end);
  if (s === undefined || s.end !== der.length) return undefined;
  return { r: r.value, s: s.value };
}

function readInteger(der: Uint8Array, off: number): { value: Uint8Array; end: number } | undefined {
  if (off + 2 > der.length || der[off] !== INTEGER) return undefined;
  const len = der[off + 1] as number;
  const start = off + 2;
  const end = start + len;
  if (len === 0 || len >= 0x80 || end > der.length) return undefined;
  const first = der[start] as number;
  if (first & 0x80) return undefined; // negative
  // X.690 §8.3.2: no leading 0x00 unless the next byte has its top bit set.
  if (first === 0 && len > 1 && ((der[start + 1] as number) & 0x80) === 0) return undefined;
  const digits = first === 0 && len > 1 ? der.subarray(start + 1, end) : der.subarray(start, end);
  if (digits.length > SCALAR_LEN) return undefined;
  const value = new Uint8Array(SCALAR_LEN);
  value.set(digits, SCALAR_LEN - digits.length);
  return { value, end };
}
