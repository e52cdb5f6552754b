/**
 * @module der
 * A minimal strict DER walker (ITU-T X.690 §8.1, §10.1: definite, minimal-length encodings) and
 * TLV encoder: all the ASN.1 of certificates, private keys, PKCS#12 and self-signed generation is
 * read and written with it (no schema library at run time: the lenient @peculiar schemas, which
 * accept BER and trailing bytes, are test oracles only). It hands out the raw bytes that
 * signatures and chaining need (tbsCertificate, issuer and subject Names, RFC 5280 §4.1).
 */
import { concat } from '../bytes/bytes.ts';
import { TlsError } from '../errors.ts';
import { AlertDescription } from '../protocol/registry.ts';

/** One tag-length-value element; `raw` is the whole encoding, `value` its contents. */
export interface Tlv {
  /** The identifier octet (class, constructed bit and tag number < 31). */
  readonly tag: number;
  readonly value: Uint8Array;
  readonly raw: Uint8Array;
}

/** Universal and context tags used by the certificate and key codecs (X.690 §8). */
export const DerTag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/**
 * Reads one TLV at `offset` in `buf`, which must lie entirely inside `buf`.
 * @throws TlsError bad_certificate on a truncated or non-DER header
 */
export function readTlv(buf: Uint8Array, offset: number, what: string): Tlv {
  const tag = buf[offset];
  if (tag === undefined) throw derError(`${what}: truncated (no tag)`);
  // X.690 §8.1.5: end-of-contents octets only close indefinite-length encodings, which DER
  // forbids (§10.1). (Lenient BER readers take 0x00 anywhere as end-of-contents and skip its
  // length octets: issue 8's oracle disagreement.)
  if (tag === 0) throw derError(`${what}: end-of-contents octets (tag 0x00), a form DER does not allow`);
  // X.690 §8.1.2.4: high tag numbers are not used by any structure we read.
  if ((tag & 0x1f) === 0x1f) throw derError(`${what}: high tag number form`);
  const first = buf[offset + 1];
  if (first === undefined) throw derError(`${what}: truncated (no length)`);
  let len: number;
  let pos = offset + 2;
  if (first < 0x80) {
    len = first;
  } else {
    const n = first & 0x7f;
    // X.690 §10.1: DER forbids the indefinite form (0x80); we cap lengths at 4 octets.
    if (n === 0 || n > 4) throw derError(`${what}: unsupported length form`);
    len = 0;
    for (let i = 0; i < n; i++) {
      const b = buf[pos++];
      if (b === undefined) throw derError(`${what}: truncated length`);
      if (i === 0 && b === 0) throw derError(`${what}: non-minimal length`);
      len = len * 256 + b;
    }
    if (len < 0x80) throw derError(`${what}: non-minimal length`);
  }
  if (pos + len > buf.length) throw derError(`${what}: truncated (need ${len} bytes)`);
  return { tag, value: buf.subarray(pos, pos + len), raw: buf.subarray(offset, pos + len) };
}

/**
 * Reads `buf` as exactly one TLV with tag `tag` (no trailing bytes).
 * @throws TlsError bad_certificate otherwise
 */
export function readSingle(buf: Uint8Array, tag: number, what: string): Tlv {
  const t = readTlv(buf, 0, what);
  if (t.tag !== tag) throw derError(`${what}: expected tag 0x${hex2(tag)}, got 0x${hex2(t.tag)}`);
  if (t.raw.length !== buf.length) throw derError(`${what}: ${buf.length - t.raw.length} trailing bytes`);
  return t;
}

/**
 * Splits the contents of a constructed element into its children, which must fill it exactly.
 * @throws TlsError bad_certificate on malformed children
 */
export function readChildren(content: Uint8Array, what: string): Tlv[] {
  const out: Tlv[] = [];
  let off = 0;
  while (off < content.length) {
    const t = readTlv(content, off, what);
    out.push(t);
    off += t.raw.length;
  }
  return out;
}

/** AlgorithmIdentifier → [dotted OID, parameters]. @throws Error / TlsError when malformed */
export function algorithm(t: Tlv): [string, Tlv | undefined] {
  const [oid, params, ...extra] = readChildren(expectTag(t, DerTag.SEQUENCE).value, 'AlgorithmIdentifier');
  if (extra.length > 0) throw new Error('malformed AlgorithmIdentifier');
  return [oidToText(expectTag(oid, DerTag.OID).value), params];
}

/** `t`, which must have tag `tag`. @throws Error otherwise */
export function expectTag(t: Tlv | undefined, tag: number): Tlv {
  if (t?.tag !== tag) throw new Error(`expected tag 0x${tag.toString(16)}`);
  return t;
}

/** X.690 §8.19 OBJECT IDENTIFIER contents → dotted text (arcs here are small). */
export function oidToText(b: Uint8Array): string {
  const arcs: number[] = [];
  let v = 0;
  for (const c of b) {
    v = v * 128 + (c & 0x7f);
    if ((c & 0x80) === 0) {
      arcs.push(v);
      v = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  return [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80, ...arcs].join('.');
}

/**
 * Walks every constructed element under `content` (X.690 §8.1.1: bit 6 of the identifier), so
 * that non-DER length encodings anywhere in the structure are rejected, not just at the top.
 * @throws TlsError bad_certificate on malformed or too deeply nested content
 */
export function checkDerTree(content: Uint8Array, what: string, depth = 0): void {
  if (depth > MAX_DEPTH) throw derError(`${what}: nested too deeply`);
  for (const t of readChildren(content, what)) {
    if ((t.tag & 0x20) !== 0) checkDerTree(t.value, what, depth + 1);
  }
}

/** Encodes one TLV with a minimal DER length. */
export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  const n = value.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else if (n < 0x100) header = [tag, 0x81, n];
  else if (n < 0x10000) header = [tag, 0x82, n >>> 8, n & 0xff];
  else header = [tag, 0x83, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  return concat(new Uint8Array(header), value);
}

/** A DER SEQUENCE of the given encoded elements. */
export function encodeSequence(...elements: readonly Uint8Array[]): Uint8Array {
  return encodeTlv(DerTag.SEQUENCE, concat(...elements));
}

/** X.690 §8.19: dotted text → OBJECT IDENTIFIER element (arcs below 2^53; first two in one octet). */
export function encodeOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const [a = 0, b = 0, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const septets = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) septets.unshift((v % 128) | 0x80);
    out.push(...septets);
  }
  return encodeTlv(DerTag.OID, new Uint8Array(out));
}

/** An INTEGER element holding a small non-negative number (a version field). */
export function encodeSmallInteger(n: number): Uint8Array {
  return encodeTlv(DerTag.INTEGER, integerContents(Uint8Array.of(n)));
}

/** The value of a small non-negative INTEGER element (versions), or undefined if it is not one. */
export function smallInteger(t: Tlv | undefined): number | undefined {
  if (t?.tag !== DerTag.INTEGER || t.value.length !== 1 || (t.value[0] as number) > 0x7f) return undefined;
  return t.value[0];
}

/** Encodes a non-negative big-endian magnitude as DER INTEGER contents (minimal, sign octet added). */
export function integerContents(magnitude: Uint8Array): Uint8Array {
  const m = stripLeadingZeros(magnitude);
  return ((m[0] as number) & 0x80) !== 0 ? concat(new Uint8Array([0]), m) : m;
}

/** Removes leading zero octets, keeping at least one octet. */
export function stripLeadingZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.length === 0 ? new Uint8Array([0]) : b.slice(i);
}

/** A bad_certificate TlsError for malformed DER. */
export function derError(message: string): TlsError {
  return new TlsError(AlertDescription.bad_certificate, `certificate: ${message}`);
}

const MAX_DEPTH = 32;

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
