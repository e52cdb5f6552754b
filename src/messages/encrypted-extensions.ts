/**
 * @module encrypted-extensions
 * The EncryptedExtensions message of RFC 8446 §4.3.1: the server's responses to ClientHello
 * extensions that are not needed to establish the handshake keys.
 *
 * RFC 8446 §4.3.1:
 *   struct {
 *       Extension extensions<0..2^16-1>;
 *   } EncryptedExtensions;
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import type { HandshakeType } from '../protocol/registry.ts';
import { decodeExtensions, encodeExtensions } from './extensions/extensions.ts';
import type { Extension } from './extensions/extensions.ts';

export interface EncryptedExtensions {
  readonly type: typeof HandshakeType.encrypted_extensions;
  readonly extensions: readonly Extension[];
}

/** @throws TlsError decode_error, illegal_parameter */
export function decodeEncryptedExtensions(r: Reader): EncryptedExtensions {
  const extensions = decodeExtensions(r, 'encrypted_extensions');
  r.end();
  return { type: 8, extensions };
}
export function encodeEncryptedExtensions(w: Writer, m: EncryptedExtensions): void {
  encodeExtensions(w, m.extensions, 'encrypted_extensions');
}
