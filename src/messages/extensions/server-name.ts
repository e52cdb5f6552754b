/**
 * @module server-name
 * The server_name extension (SNI) of RFC 6066 §3: in ClientHello one `host_name` entry, in
 * EncryptedExtensions an empty acknowledgement (RFC 6066 §3, RFC 8446 §4.2 table).
 *
 * RFC 6066 §3:
 *   struct {
 *       NameType name_type;
 *       select (name_type) {
 *           case host_name: HostName;
 *       } name;
 *   } ServerName;
 *   enum { host_name(0), (255) } NameType;
 *   opaque HostName<1..2^16-1>;
 *   struct {
 *       ServerName server_name_list<1..2^16-1>
 *   } ServerNameList;
 */
import type { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';
import { decodeError, illegalParameter } from '../../errors.ts';
import { ServerNameType } from '../../protocol/registry.ts';

/** ClientHello server_name: the one DNS host name the client asks for. */
export interface ServerName {
  readonly kind: 'server_name';
  readonly hostName: string;
}
/** EncryptedExtensions server_name: empty `extension_data`, "the server used the name". */
export interface ServerNameAck {
  readonly kind: 'server_name_ack';
}

/**
 * Decodes a ClientHello ServerNameList holding exactly one host_name.
 *
 * Simplification: RFC 6066 §3 allows one name per name type, and host_name is the only type
 * ever defined; an entry of another type cannot be parsed (the select has no arm for it), so it
 * is a decode_error, and a second entry is illegal_parameter. The host name is ASCII (RFC 6066
 * §3: "represented as a byte string using ASCII encoding"); NUL bytes (the classic
 * "victim.com\0.attacker.com" certificate-name confusion) and non-ASCII bytes are rejected with
 * illegal_parameter. A trailing dot is kept as sent.
 * @throws TlsError decode_error, illegal_parameter
 */
export function decodeServerName(r: Reader): ServerName {
  const list = r.vec16(1, 0xffff);
  const nameType = list.u8();
  if (nameType !== ServerNameType.host_name) throw decodeError(`server_name: unknown name_type ${nameType}`);
  const name = list.opaque16(1, 0xffff);
  if (!list.isEmpty) throw illegalParameter('server_name: more than one name in server_name_list');
  let hostName = '';
  for (const b of name) {
    if (b === 0 || b > 0x7f) throw illegalParameter('server_name: host_name is not NUL-free ASCII');
    hostName += String.fromCharCode(b);
  }
  return { kind: 'server_name', hostName };
}

/** Encodes a one-entry ServerNameList. @throws RangeError for a name that is not NUL-free ASCII */
export function encodeServerName(w: Writer, e: ServerName): void {
  const name = new Uint8Array(e.hostName.length);
  for (let i = 0; i < e.hostName.length; i++) {
    const c = e.hostName.charCodeAt(i);
    if (c === 0 || c > 0x7f) throw new RangeError('server_name: host_name must be NUL-free ASCII');
    name[i] = c;
  }
  w.block16(() => {
    w.u8(ServerNameType.host_name);
    w.opaque16(name);
  });
}

/** EncryptedExtensions server_name: `extension_data` is empty (RFC 6066 §3). */
export function decodeServerNameAck(_r: Reader): ServerNameAck {
  return { kind: 'server_name_ack' };
}
export function encodeServerNameAck(_w: Writer, _e: ServerNameAck): void {}
