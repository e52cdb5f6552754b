/**
 * @module supported-versions
 * The supported_versions extension of RFC 8446 §4.2.1: the client's list of versions, and the
 * server's selected version in ServerHello and HelloRetryRequest.
 *
 * RFC 8446 §4.2.1:
 *   struct {
 *       select (Handshake.msg_type) {
 *           case client_hello:
 *                ProtocolVersion versions<2..254>;
 *           case server_hello: // and HelloRetryRequest
 *                ProtocolVersion selected_version;
 *       };
 *   } SupportedVersions;
 */
import type { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';
import { readU16ListVec8 } from '../lists.ts';

export interface SupportedVersionsClient {
  readonly kind: 'supported_versions_client';
  readonly versions: readonly number[];
}
export interface SupportedVersionsServer {
  readonly kind: 'supported_versions_server';
  readonly selectedVersion: number;
}

/** @throws TlsError decode_error */
export function decodeSupportedVersionsClient(r: Reader): SupportedVersionsClient {
  return { kind: 'supported_versions_client', versions: readU16ListVec8(r, 2, 254) };
}
export function encodeSupportedVersionsClient(w: Writer, e: SupportedVersionsClient): void {
  w.block8(() => {
    for (const v of e.versions) w.u16(v);
  });
}

/** @throws TlsError decode_error */
export function decodeSupportedVersionsServer(r: Reader): SupportedVersionsServer {
  return { kind: 'supported_versions_server', selectedVersion: r.u16() };
}
export function encodeSupportedVersionsServer(w: Writer, e: SupportedVersionsServer): void {
  w.u16(e.selectedVersion);
}
