/**
 * @module server-hello
 * The ServerHello message of RFC 8446 §4.1.3 and its HelloRetryRequest form (same struct,
 * recognised by the special `random` value), which uses the HRR extension table (RFC 8446
 * §4.1.4, §4.2).
 *
 * RFC 8446 §4.1.3:
 *   struct {
 *       ProtocolVersion legacy_version = 0x0303;    // TLS v1.2
 *       Random random;
 *       opaque legacy_session_id_echo<0..32>;
 *       CipherSuite cipher_suite;
 *       uint8 legacy_compression_method = 0;
 *       Extension extensions<6..2^16-1>;
 *   } ServerHello;
 */
import type { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import { equalBytes, fromHex } from '../bytes/bytes.ts';
import type { HandshakeType } from '../protocol/registry.ts';
import { decodeExtensions, encodeExtensions } from './extensions/extensions.ts';
import type { Extension } from './extensions/extensions.ts';

export interface ServerHello {
  readonly type: typeof HandshakeType.server_hello;
  /** True when `random` is HELLO_RETRY_REQUEST_RANDOM (RFC 8446 §4.1.3). */
  readonly isHelloRetryRequest: boolean;
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly legacySessionIdEcho: Uint8Array;
  readonly cipherSuite: number;
  readonly legacyCompressionMethod: number;
  readonly extensions: readonly Extension[];
}

/**
 * RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello whose Random is SHA-256 of
 * "HelloRetryRequest".
 */
export const HELLO_RETRY_REQUEST_RANDOM: Uint8Array = fromHex(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c',
);

/**
 * Decodes a ServerHello body; a HelloRetryRequest's extensions are decoded with the
 * `hello_retry_request` table (key_share = selected_group, cookie allowed). Version, compression
 * method and downgrade-sentinel checks are the client handler's.
 * @throws TlsError decode_error, illegal_parameter
 */
export function decodeServerHello(r: Reader): ServerHello {
  const legacyVersion = r.u16();
  const random = r.bytes(32).slice();
  const isHelloRetryRequest = equalBytes(random, HELLO_RETRY_REQUEST_RANDOM);
  const legacySessionIdEcho = r.opaque8(0, 32).slice();
  const cipherSuite = r.u16();
  const legacyCompressionMethod = r.u8();
  const extensions = decodeExtensions(r, isHelloRetryRequest ? 'hello_retry_request' : 'server_hello');
  r.end();
  return {
    type: 2,
    isHelloRetryRequest,
    legacyVersion,
    random,
    legacySessionIdEcho,
    cipherSuite,
    legacyCompressionMethod,
    extensions,
  };
}

/** @throws RangeError if `isHelloRetryRequest` disagrees with `random` (a local bug) */
export function encodeServerHello(w: Writer, m: ServerHello): void {
  if (m.random.length !== 32) throw new RangeError('server_hello: random must be 32 bytes');
  if (m.legacySessionIdEcho.length > 32) throw new RangeError('server_hello: legacy_session_id_echo is longer than 32 bytes');
  if (m.isHelloRetryRequest !== equalBytes(m.random, HELLO_RETRY_REQUEST_RANDOM)) {
    throw new RangeError('server_hello: isHelloRetryRequest must match the HelloRetryRequest random');
  }
  w.u16(m.legacyVersion);
  w.bytes(m.random);
  w.opaque8(m.legacySessionIdEcho);
  w.u16(m.cipherSuite);
  w.u8(m.legacyCompressionMethod);
  encodeExtensions(w, m.extensions, m.isHelloRetryRequest ? 'hello_retry_request' : 'server_hello');
}
