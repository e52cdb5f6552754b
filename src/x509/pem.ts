/**
 * @module pem
 * PEM text encoding of DER (RFC 7468): `-----BEGIN LABEL-----`, base64 lines, `-----END LABEL-----`.
 * Decoding is strict (RFC 7468 §3 "strict" parser: base64 alphabet only, padding only at the end,
 * no encapsulated headers); text outside the blocks is ignored as RFC 7468 §5.2 allows.
 */

/** One decoded PEM block. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

/**
 * Decodes every PEM block in `text`, in order.
 * @throws Error when a block is unterminated, mislabelled or not strict base64
 * @example pemDecode(readFileSync('cert.pem', 'utf8'))[0].der
 */
export function pemDecode(text: string): PemBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: PemBlock[] = [];
  let label: string | undefined;
  let body: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (label === undefined) {
      const begin = BEGIN.exec(line);
      if (begin) {
        label = begin[1] as string;
        body = [];
      } else if (line.startsWith('-----END')) {
        throw new Error(`pem: END without BEGIN at line ${i + 1}`);
      }
      continue;
    }
    const end = END.exec(line);
    if (end) {
      if (end[1] !== label) throw new Error(`pem: BEGIN ${label} closed by END ${end[1] as string}`);
      blocks.push({ label, der: base64Decode(body.join(''), label) });
      label = undefined;
      continue;
    }
    if (line.startsWith('-----')) throw new Error(`pem: unexpected boundary in ${label} at line ${i + 1}`);
    // RFC 1421 encapsulated headers (Proc-Type, DEK-Info: legacy encrypted keys) are not supported.
    if (line.includes(':')) throw new Error(`pem: ${label}: headers (encrypted PEM) are not supported`);
    body.push(line.replace(/[ \t]/g, ''));
  }
  if (label !== undefined) throw new Error(`pem: BEGIN ${label} without END`);
  return blocks;
}

/** Encodes `der` as one PEM block (64-character lines, LF line ends, trailing newline). */
export function pemEncode(label: string, der: Uint8Array): string {
  if (!LABEL.test(label)) throw new RangeError(`pem: invalid label ${JSON.stringify(label)}`);
  const b64 = base64Encode(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}-----END ${label}-----\n`;
}

/** Standard base64 (RFC 4648 §4) with padding. */
export function base64Encode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = ((b[i] as number) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += (ALPHABET[(n >>> 18) & 63] as string) + (ALPHABET[(n >>> 12) & 63] as string);
    s += i + 1 < b.length ? (ALPHABET[(n >>> 6) & 63] as string) : '=';
    s += i + 2 < b.length ? (ALPHABET[n & 63] as string) : '=';
  }
  return s;
}

/**
 * Strict base64 decoding (RFC 4648 §4): length a multiple of 4, padding only at the end, and
 * the unused bits of the last group zero (so every input has one canonical encoding).
 * @throws Error otherwise
 */
export function base64Decode(s: string, what = 'base64'): Uint8Array {
  if (s.length % 4 !== 0) throw new Error(`pem: ${what}: base64 length is not a multiple of 4`);
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = s.charCodeAt(i + j);
      const isPad = c === 0x3d && i + 4 === s.length && j >= 4 - pad;
      const v = isPad ? 0 : (DECODE[c] ?? -1);
      if (v < 0) throw new Error(`pem: ${what}: invalid base64 character at ${i + j}`);
      n = (n << 6) | v;
    }
    const bytes = [(n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    const take = i + 4 === s.length ? 3 - pad : 3;
    // Non-canonical: bits hidden under the padding must be zero.
    for (let k = take; k < 3; k++) {
      if (bytes[k] !== 0) throw new Error(`pem: ${what}: non-canonical base64 padding`);
    }
    for (let k = 0; k < take; k++) out[o++] = bytes[k] as number;
  }
  return out;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE: readonly number[] = (() => {
  const t = new Array<number>(128).fill(-1);
  for (let i = 0; i < 64; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();
// RFC 7468 §3: label = [ labelchar *( ["-" / SP] labelchar ) ], printable ASCII except "-".
const LABEL = /^[\x21-\x2c\x2e-\x7e]+(?:[- ][\x21-\x2c\x2e-\x7e]+)*$/;
const BEGIN = /^-----BEGIN ([\x21-\x2c\x2e-\x7e]+(?:[- ][\x21-\x2c\x2e-\x7e]+)*)-----$/;
const END = /^-----END ([\x21-\x2c\x2e-\x7e]+(?:[- ][\x21-\x2c\x2e-\x7e]+)*)-----$/;

/**
 * PEM text carried in bytes (as node:tls accepts: `readFileSync('cert.pem')` is a Buffer of PEM),
 * or undefined for anything else (DER). PEM is ASCII; a DER structure starts with a tag byte,
 * never with '-'.
 */
export function pemTextOf(bytes: Uint8Array): string | undefined {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (bytes[i] !== 0x2d) return undefined;
  let text = '';
  for (const b of bytes) {
    if (b > 0x7e) return undefined;
    text += String.fromCharCode(b);
  }
  return text.slice(i).startsWith('-----BEGIN ') ? text : undefined;
}
