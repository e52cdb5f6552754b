/**
 * @module pre-shared-key
 * The pre_shared_key extension of RFC 8446 §4.2.11: the client's offered PSK identities with
 * their binders (ClientHello, always the last extension), and the index the server selected
 * (ServerHello). `pskBindersLen` gives the size of the binders list for the §4.2.11.2 partial
 * transcript.
 *
 * RFC 8446 §4.2.11:
 *   struct {
 *       opaque identity<1..2^16-1>;
 *       uint32 obfuscated_ticket_age;
 *   } PskIdentity;
 *   opaque PskBinderEntry<32..255>;
 *   struct {
 *       PskIdentity identities<7..2^16-1>;
 *       PskBinderEntry binders<33..2^16-1>;
 *   } OfferedPsks;
 *   struct {
 *       select (Handshake.msg_type) {
 *           case client_hello: OfferedPsks;
 *           case server_hello: uint16 selected_identity;
 *       };
 *   } PreSharedKeyExtension;
 */
import type { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';
import { illegalParameter } from '../../errors.ts';

export interface PskIdentity {
  readonly identity: Uint8Array;
  readonly obfuscatedTicketAge: number;
}
export interface PreSharedKeyClient {
  readonly kind: 'pre_shared_key_client';
  readonly identities: readonly PskIdentity[];
  readonly binders: readonly Uint8Array[];
}
export interface PreSharedKeyServer {
  readonly kind: 'pre_shared_key_server';
  readonly selectedIdentity: number;
}

/**
 * Decodes OfferedPsks. A binder count different from the identity count is rejected with
 * illegal_parameter: RFC 8446 §4.2.11 pairs binder i with identity i, so a mismatched list
 * cannot be validated (rustls makes the same choice).
 * @throws TlsError decode_error, illegal_parameter
 */
export function decodePreSharedKeyClient(r: Reader): PreSharedKeyClient {
  const ids = r.vec16(7, 0xffff);
  const identities: PskIdentity[] = [];
  while (!ids.isEmpty) {
    const identity = ids.opaque16(1, 0xffff).slice();
    identities.push({ identity, obfuscatedTicketAge: ids.u32() });
  }
  const bs = r.vec16(33, 0xffff);
  const binders: Uint8Array[] = [];
  while (!bs.isEmpty) binders.push(bs.opaque8(32, 255).slice());
  if (binders.length !== identities.length) {
    throw illegalParameter(`pre_shared_key: ${identities.length} identities but ${binders.length} binders`);
  }
  return { kind: 'pre_shared_key_client', identities, binders };
}
export function encodePreSharedKeyClient(w: Writer, e: PreSharedKeyClient): void {
  w.block16(() => {
    for (const id of e.identities) {
      w.opaque16(id.identity);
      w.u32(id.obfuscatedTicketAge);
    }
  });
  encodePskBinders(w, e.binders);
}

/** Writes `PskBinderEntry binders<33..2^16-1>` (also used to patch binders into a ClientHello). */
export function encodePskBinders(w: Writer, binders: readonly Uint8Array[]): void {
  w.block16(() => {
    for (const b of binders) w.opaque8(b);
  });
}

/** Encoded size of the binders list, including its 2-byte length (RFC 8446 §4.2.11.2). */
export function pskBindersLen(binders: readonly Uint8Array[]): number {
  let n = 2;
  for (const b of binders) n += 1 + b.length;
  return n;
}

/** @throws TlsError decode_error */
export function decodePreSharedKeyServer(r: Reader): PreSharedKeyServer {
  return { kind: 'pre_shared_key_server', selectedIdentity: r.u16() };
}
export function encodePreSharedKeyServer(w: Writer, e: PreSharedKeyServer): void {
  w.u16(e.selectedIdentity);
}
