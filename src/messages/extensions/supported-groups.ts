/**
 * @module supported-groups
 * The supported_groups extension of RFC 8446 §4.2.7: the (EC)DHE / hybrid groups the client
 * supports, in preference order (in EncryptedExtensions: the server's, informational only).
 *
 * RFC 8446 §4.2.7:
 *   struct {
 *       NamedGroup named_group_list<2..2^16-1>;
 *   } NamedGroupList;
 */
import type { Reader } from '../../codec/reader.ts';
import type { Writer } from '../../codec/writer.ts';
import { readU16List, writeU16List } from '../lists.ts';

export interface SupportedGroups {
  readonly kind: 'supported_groups';
  readonly namedGroupList: readonly number[];
}

/** @throws TlsError decode_error */
export function decodeSupportedGroups(r: Reader): SupportedGroups {
  return { kind: 'supported_groups', namedGroupList: readU16List(r, 2, 0xffff) };
}
export function encodeSupportedGroups(w: Writer, e: SupportedGroups): void {
  writeU16List(w, e.namedGroupList);
}
