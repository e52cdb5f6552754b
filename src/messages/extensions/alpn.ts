/**
 * @module alpn
 * The application_layer_protocol_negotiation extension of RFC 7301 §3.1: the client's list of
 * protocol names, and in EncryptedExtensions the server's single choice.
 *
 * RFC 7301 §3.1:
 *   opaque ProtocolName<1..2^8-1>;
 *   struct {
 *       ProtocolName protocol_name_list<2..2^16-1>
 *   } ProtocolNameList;
 */
import type { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';
import { illegalParameter } from '../../errors.ts';

export interface Alpn {
  readonly kind: 'alpn';
  readonly protocolNameList: readonly Uint8Array[];
}

/** ClientHello ALPN: one or more names. @throws TlsError decode_error */
export function decodeAlpn(r: Reader): Alpn {
  const list = r.vec16(2, 0xffff);
  const names: Uint8Array[] = [];
  while (!list.isEmpty) names.push(list.opaque8(1, 0xff).slice());
  return { kind: 'alpn', protocolNameList: names };
}

/**
 * EncryptedExtensions ALPN: RFC 7301 §3.1 "the ProtocolNameList MUST contain exactly one
 * ProtocolName". Well-formed but with another count is treated as illegal_parameter.
 * @throws TlsError decode_error, illegal_parameter
 */
export function decodeAlpnServer(r: Reader): Alpn {
  const e = decodeAlpn(r);
  if (e.protocolNameList.length !== 1) throw illegalParameter('alpn: server must select exactly one protocol');
  return e;
}

export function encodeAlpn(w: Writer, e: Alpn): void {
  w.block16(() => {
    for (const n of e.protocolNameList) w.opaque8(n);
  });
}
