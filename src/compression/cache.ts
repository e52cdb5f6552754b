/**
 * @module compression/cache
 * Compressed Certificate messages, kept by content and algorithm, so that a server compresses
 * its chain once, not in every handshake: brotli at quality 11 costs 7 to 30 ms for a 1 to 5 KB
 * chain (bench/certificate-compression.ts), many handshakes' worth of CPU. The key is the
 * Certificate body itself (a hash picks the entry, the bytes are compared), so a chain reloaded
 * per handshake (an SNI hook building a new CertifiedKey) still hits, and a new OCSP staple or
 * request context makes a new entry. Bounded: the least recently used entry goes past
 * MAX_ENTRIES.
 */
import { equalBytes } from '../bytes/bytes.ts';

interface Entry {
  readonly body: Uint8Array;
  /** undefined: compressing does not make it smaller, send the Certificate as it is. */
  readonly compressed: Uint8Array | undefined;
}

/** Certificate bodies × algorithms remembered per config: enough for a server with many SNI certificates. */
const MAX_ENTRIES = 256;

export class CompressedCertificateCache {
  private readonly entries = new Map<string, Entry>();

  /**
   * `compress(body)` with algorithm `id`, from the cache when this body was compressed before;
   * undefined when the result would not be shorter than `body`.
   */
  compress(id: number, compress: (data: Uint8Array) => Uint8Array, body: Uint8Array): Uint8Array | undefined {
    const key = `${id}:${body.length}:${fnv1a(body)}`;
    const hit = this.entries.get(key);
    if (hit !== undefined && equalBytes(hit.body, body)) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.compressed;
    }
    const out = compress(body);
    const compressed = out.length > 0 && out.length < body.length ? out : undefined;
    this.entries.delete(key);
    this.entries.set(key, { body: body.slice(), compressed });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    return compressed;
  }
}

/** 32-bit FNV-1a: a cheap spread for the key (equality is checked on the bytes). */
function fnv1a(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  return h >>> 0;
}
