/**
 * @module test/fuzz/targets/extensions
 * Fuzz target: decode an extension block (RFC 8446 §4.2) in the message context chosen by the
 * first byte; if it decodes, re-encoding must reproduce the bytes consumed.
 */
import { equalBytes } from '../../../src/bytes/bytes.ts';
import { Reader } from '../../../src/codec/reader.ts';
import { Writer } from '../../../src/codec/writer.ts';
import { decodeExtensions, encodeExtensions, type Extension, type ExtensionContext } from '../../../src/messages/extensions/extensions.ts';
import { expectOnlyTlsErrors } from './setup.ts';

export const EXTENSION_CONTEXT_LIST: readonly ExtensionContext[] = [
  'client_hello',
  'server_hello',
  'hello_retry_request',
  'encrypted_extensions',
  'certificate_request',
  'certificate',
  'new_session_ticket',
];

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  const context = EXTENSION_CONTEXT_LIST[(data[0] as number) % EXTENSION_CONTEXT_LIST.length] as ExtensionContext;
  const body = data.subarray(1);
  const r = new Reader(body, 'fuzz');
  let exts: Extension[] | undefined;
  expectOnlyTlsErrors(() => {
    exts = decodeExtensions(r, context);
  });
  if (exts === undefined) return;
  const w = new Writer();
  encodeExtensions(w, exts, context);
  if (!equalBytes(w.finish(), body.subarray(0, body.length - r.remaining))) {
    throw new Error(`extensions: re-encoding differs in ${context}`);
  }
}
