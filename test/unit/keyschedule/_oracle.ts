/**
 * @module _oracle
 * A readable, independent HKDF-Expand-Label (RFC 8446 §7.1) over @noble/hashes, with the
 * HkdfLabel bytes built by hand, to cross-check src/keyschedule without going through it.
 */
import { expand } from '@noble/hashes/hkdf.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';

/** HKDF-Expand-Label built byte by byte: u16 length ‖ u8 len ‖ "tls13 " label ‖ u8 len ‖ context. */
export function oracleExpandLabel(
  name: 'sha256' | 'sha384',
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const fullLabel = new TextEncoder().encode('tls13 ' + label);
  const info = new Uint8Array([length >> 8, length & 0xff, fullLabel.length, ...fullLabel, context.length, ...context]);
  return expand(name === 'sha256' ? sha256 : sha384, secret, info, length);
}
