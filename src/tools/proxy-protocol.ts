/**
 * @module tools/proxy-protocol
 * The PROXY protocol version 2 header (HAProxy's proxy-protocol.txt §2.2): a binary preamble the
 * proxy sends to the upstream before any data, carrying the client's address and port, and as
 * TLVs the TLS server name (PP2_TYPE_AUTHORITY) and ALPN protocol (PP2_TYPE_ALPN).
 */
import { isIPv4, isIPv6 } from 'node:net';

/** One end of the proxied TCP connection. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** Extra information sent as TLVs. */
export interface ProxyTlvs {
  readonly authority?: string;
  readonly alpn?: string;
}

/**
 * The v2 header for a proxied TCP connection from `source` to `destination` (command PROXY).
 * Addresses of different families (or unknown ones) give family AF_UNSPEC, which the receiver
 * ignores (proxy-protocol.txt §2.2).
 */
export function proxyV2Header(source: Endpoint | undefined, destination: Endpoint | undefined, tlvs: ProxyTlvs = {}): Buffer {
  const src = source && ipBytes(source.address);
  const dst = destination && ipBytes(destination.address);
  let family = AF_UNSPEC;
  let addr = Buffer.alloc(0);
  if (src && dst && src.length === dst.length) {
    family = src.length === 4 ? AF_INET_STREAM : AF_INET6_STREAM;
    const ports = Buffer.alloc(4);
    ports.writeUInt16BE(source!.port, 0);
    ports.writeUInt16BE(destination!.port, 2);
    addr = Buffer.concat([src, dst, ports]);
  }
  const tlvParts: Buffer[] = [];
  if (tlvs.alpn !== undefined) tlvParts.push(tlv(PP2_TYPE_ALPN, Buffer.from(tlvs.alpn, 'latin1')));
  if (tlvs.authority !== undefined) tlvParts.push(tlv(PP2_TYPE_AUTHORITY, Buffer.from(tlvs.authority, 'utf8')));
  const body = Buffer.concat([addr, ...tlvParts]);
  const head = Buffer.alloc(16);
  SIGNATURE.copy(head, 0);
  head[12] = VERSION_2_PROXY;
  head[13] = family;
  head.writeUInt16BE(body.length, 14);
  return Buffer.concat([head, body]);
}

function tlv(type: number, value: Buffer): Buffer {
  const h = Buffer.alloc(3);
  h[0] = type;
  h.writeUInt16BE(value.length, 1);
  return Buffer.concat([h, value]);
}

/** 4 or 16 bytes; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) counts as IPv4. */
function ipBytes(address: string): Buffer | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const a = mapped ? mapped[1]! : address;
  if (isIPv4(a)) return Buffer.from(a.split('.').map(Number));
  if (!isIPv6(a)) return undefined;
  const [head = '', tail] = a.split('::');
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** proxy-protocol.txt §2.2: the 12-byte signature. */
const SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** Version 2 (high nibble), command PROXY (low nibble). */
const VERSION_2_PROXY = 0x21;
const AF_UNSPEC = 0x00;
const AF_INET_STREAM = 0x11;
const AF_INET6_STREAM = 0x21;
const PP2_TYPE_ALPN = 0x01;
const PP2_TYPE_AUTHORITY = 0x02;
