/**
 * @module client-hello
 * The ClientHello message of RFC 8446 §4.1.2, and the size of its trailing PSK binders list
 * needed for the partial-transcript binder computation of RFC 8446 §4.2.11.2.
 *
 * RFC 8446 §4.1.2:
 *   uint16 ProtocolVersion;
 *   opaque Random[32];
 *   uint8 CipherSuite[2];    // Cryptographic suite selector
 *   struct {
 *       ProtocolVersion legacy_version = 0x0303;    // TLS v1.2
 *       Random random;
 *       opaque legacy_session_id<0..32>;
 *       CipherSuite cipher_suites<2..2^16-2>;
 *       opaque legacy_compression_methods<1..2^8-1>;
 *       Extension extensions<8..2^16-1>;
 *   } ClientHello;
 */
import { Reader } from '../codec/reader.ts';
import type { Writer } from '../codec/writer.ts';
import type { HandshakeType } from '../protocol/registry.ts';
import { decodeExtensions, encodeExtensions, findExtension } from './extensions/extensions.ts';
import type { Extension } from './extensions/extensions.ts';
import { pskBindersLen } from './extensions/pre-shared-key.ts';
import { readU16List, writeU16List } from './lists.ts';

export interface ClientHello {
  readonly type: typeof HandshakeType.client_hello;
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly legacySessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly legacyCompressionMethods: Uint8Array;
  readonly extensions: readonly Extension[];
}

/**
 * Decodes a ClientHello body. Version, compression and mandatory-extension checks (RFC 8446
 * §4.1.2, §9.2) are the server handler's: they depend on what is negotiated.
 * @throws TlsError decode_error, illegal_parameter (extension rules, see decodeExtensions)
 */
export function decodeClientHello(r: Reader): ClientHello {
  const legacyVersion = r.u16();
  const random = r.bytes(32).slice();
  const legacySessionId = r.opaque8(0, 32).slice();
  const cipherSuites = readU16List(r, 2, 0xfffe);
  const legacyCompressionMethods = r.opaque8(1, 0xff).slice();
  const extensions = decodeExtensions(r, 'client_hello');
  r.end();
  return { type: 1, legacyVersion, random, legacySessionId, cipherSuites, legacyCompressionMethods, extensions };
}

export function encodeClientHello(w: Writer, m: ClientHello): void {
  if (m.random.length !== 32) throw new RangeError('client_hello: random must be 32 bytes');
  if (m.legacySessionId.length > 32) throw new RangeError('client_hello: legacy_session_id is longer than 32 bytes');
  if (m.cipherSuites.length === 0) throw new RangeError('client_hello: cipher_suites must not be empty');
  if (m.legacyCompressionMethods.length === 0) throw new RangeError('client_hello: legacy_compression_methods must not be empty');
  w.u16(m.legacyVersion);
  w.bytes(m.random);
  w.opaque8(m.legacySessionId);
  writeU16List(w, m.cipherSuites);
  w.opaque8(m.legacyCompressionMethods);
  encodeExtensions(w, m.extensions, 'client_hello');
}

/**
 * Length in bytes of the PSK binders list, including its 2-byte length prefix, at the very end
 * of an encoded ClientHello `body` (without the 4-byte handshake header) — what RFC 8446
 * §4.2.11.2 cuts off to form the partial ClientHello that the binders cover. Returns 0 when the
 * ClientHello carries no pre_shared_key.
 * @throws TlsError if `body` is not a valid ClientHello
 */
export function clientHelloBindersLen(body: Uint8Array): number {
  const ch = decodeClientHello(new Reader(body, 'client_hello'));
  const psk = findExtension(ch.extensions, 'pre_shared_key_client');
  return psk === undefined ? 0 : pskBindersLen(psk.binders);
}
