/**
 * @module key-share
 * The key_share extension of RFC 8446 §4.2.8 in its three shapes: the client's offered shares
 * (ClientHello), the server's one share (ServerHello), and the group the server asks for
 * (HelloRetryRequest).
 *
 * RFC 8446 §4.2.8:
 *   struct {
 *       NamedGroup group;
 *       opaque key_exchange<1..2^16-1>;
 *   } KeyShareEntry;
 *   struct {
 *       KeyShareEntry client_shares<0..2^16-1>;
 *   } KeyShareClientHello;
 *   struct {
 *       NamedGroup selected_group;
 *   } KeyShareHelloRetryRequest;
 *   struct {
 *       KeyShareEntry server_share;
 *   } KeyShareServerHello;
 */
import type { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';
import { illegalParameter } from '../../errors.ts';

export interface KeyShareEntry {
  readonly group: number;
  readonly keyExchange: Uint8Array;
}
export interface KeyShareClient {
  readonly kind: 'key_share_client';
  readonly clientShares: readonly KeyShareEntry[];
}
export interface KeyShareServer {
  readonly kind: 'key_share_server';
  readonly serverShare: KeyShareEntry;
}
export interface KeyShareHrr {
  readonly kind: 'key_share_hrr';
  readonly selectedGroup: number;
}

/**
 * RFC 8446 §4.2.8: "Clients MUST NOT offer multiple KeyShareEntry values for the same group ...
 * Servers MAY check for violations of these rules and abort the handshake with an
 * illegal_parameter alert" — we do, here.
 * @throws TlsError decode_error, illegal_parameter
 */
export function decodeKeyShareClient(r: Reader): KeyShareClient {
  const list = r.vec16(0, 0xffff);
  const clientShares: KeyShareEntry[] = [];
  const seen = new Set<number>();
  while (!list.isEmpty) {
    const entry = decodeKeyShareEntry(list);
    if (seen.has(entry.group)) throw illegalParameter(`key_share: group 0x${entry.group.toString(16)} offered twice`);
    seen.add(entry.group);
    clientShares.push(entry);
  }
  return { kind: 'key_share_client', clientShares };
}
export function encodeKeyShareClient(w: Writer, e: KeyShareClient): void {
  w.block16(() => {
    for (const s of e.clientShares) encodeKeyShareEntry(w, s);
  });
}

/** @throws TlsError decode_error */
export function decodeKeyShareServer(r: Reader): KeyShareServer {
  return { kind: 'key_share_server', serverShare: decodeKeyShareEntry(r) };
}
export function encodeKeyShareServer(w: Writer, e: KeyShareServer): void {
  encodeKeyShareEntry(w, e.serverShare);
}

/** @throws TlsError decode_error */
export function decodeKeyShareHrr(r: Reader): KeyShareHrr {
  return { kind: 'key_share_hrr', selectedGroup: r.u16() };
}
export function encodeKeyShareHrr(w: Writer, e: KeyShareHrr): void {
  w.u16(e.selectedGroup);
}

/** One KeyShareEntry. @throws TlsError decode_error */
export function decodeKeyShareEntry(r: Reader): KeyShareEntry {
  const group = r.u16();
  const keyExchange = r.opaque16(1, 0xffff).slice();
  return { group, keyExchange };
}
export function encodeKeyShareEntry(w: Writer, e: KeyShareEntry): void {
  w.u16(e.group);
  w.opaque16(e.keyExchange);
}
