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
  if (tlvs.authority !== undefined) {
    const authority = tlv(PP2_TYPE_AUTHORITY, Buffer.from(tlvs.authority, 'utf8'));
    // The length field is 16 bits: a client's SNI name can be up to 2^16 - 4 bytes (RFC 6066 §3),
    // too long to fit with the addresses; then the upstream gets no authority rather than no header.
    const used = addr.length + tlvParts.reduce((n, t) => n + t.length, 0);
    if (used + authority.length <= MAX_BODY_LEN) tlvParts.push(authority);
  }
  const body = Buffer.concat([addr, ...tlvParts]);
  const head = Buffer.alloc(16);
  SIGNATURE.copy(head, 0);
  head[12] = VERSION_2_PROXY;
  head[13] = family;
  head.writeUInt16BE(body.length, 14);
  return Buffer.concat([head, body]);
}

/** A TLV; `value` is at most 2^16 - 1 bytes (an ALPN name is at most 255, RFC 7301 §3.1). */
function tlv(type: number, value: Buffer): Buffer {
  const h = Buffer.alloc(3);
  h[0] = type;
  h.writeUInt16BE(value.length, 1);
  return Buffer.concat([h, value]);
}

/**
 * 4 or 16 bytes; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) counts as IPv4. IPv6 text as node
 * prints socket addresses (RFC 5952), including a trailing dotted quad (`::a.b.c.d`, RFC 4291
 * §2.2 form 3) and a zone index (`fe80::1%eth0`, dropped).
 */
function ipBytes(address: string): Buffer | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const a = mapped ? mapped[1]! : address;
  if (isIPv4(a)) return Buffer.from(a.split('.').map(Number));
  if (!isIPv6(a)) return undefined;
  const [head = '', tail] = a.replace(/%.*$/, '').split('::');
  const groups = (s: string): number[] =>
    s === ''
      ? []
      : s.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const [b0, b1, b2, b3] = g.split('.').map(Number) as [number, number, number, number];
          return [(b0 << 8) | b1, (b2 << 8) | b3];
        });
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
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
/** The header's length field (proxy-protocol.txt §2.2) is 16 bits. */
const MAX_BODY_LEN = 0xffff;
