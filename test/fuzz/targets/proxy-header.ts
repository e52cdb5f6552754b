/**
 * @module test/fuzz/targets/proxy-header
 * Fuzz target: the PROXY protocol v2 header `puretls terminate --proxy-protocol` sends upstream
 * (src/tools/proxy-protocol.ts, HAProxy proxy-protocol.txt §2.2). puretls only writes this header
 * (it reads none), but what it writes is attacker-chosen: the client's address and port, and the
 * SNI name from its ClientHello. Input: a flags byte (address families), two 16-byte addresses,
 * two ports, an ALPN name (u8 length, the operator's choice) and the SNI as a u16 length and a
 * pattern repeated to that length, admitted only if the server_name decoder (RFC 6066 §3)
 * accepts it. Addresses are written as node reports socket addresses (`net.SocketAddress`).
 * Oracle: the header never throws, and a reader written from proxy-protocol.txt §2.2 gets back
 * the same addresses, ports and TLVs (an AUTHORITY TLV that does not fit the 16-bit length is
 * left out).
 */
import { SocketAddress } from 'node:net';
import { Reader } from '../../../src/codec/reader.ts';
import { TlsError } from '../../../src/errors.ts';
import { decodeServerName } from '../../../src/messages/extensions/server-name.ts';
import { proxyV2Header, type Endpoint } from '../../../src/tools/proxy-protocol.ts';

export function fuzz(data: Uint8Array): void {
  if (data.length < 40) return;
  const flags = data[0] as number;
  const src = endpoint(flags & 3, data.subarray(1, 17), ((data[33] as number) << 8) | (data[34] as number));
  const dst = endpoint((flags >> 2) & 3, data.subarray(17, 33), ((data[35] as number) << 8) | (data[36] as number));
  const alpnLen = data[37] as number;
  const alpnBytes = data.subarray(38, 38 + alpnLen);
  const alpn = alpnLen === 0 || alpnBytes.length < alpnLen ? undefined : String.fromCharCode(...alpnBytes);
  const rest = data.subarray(38 + alpnLen);
  const sni = serverName(rest);
  const header = proxyV2Header(src, dst, { ...(sni === undefined ? {} : { authority: sni }), ...(alpn === undefined ? {} : { alpn }) });
  const got = readProxyV2(header);
  const sameFamily = src.family === dst.family && src.family !== 'unspec';
  if (sameFamily) {
    if (got.source !== src.bytesHex || got.destination !== dst.bytesHex) throw new Error(`proxy: addresses ${got.source} ${got.destination}, sent ${src.address} ${dst.address}`);
    if (got.sourcePort !== src.port || got.destinationPort !== dst.port) throw new Error('proxy: ports differ');
  } else if (got.family !== 0) {
    throw new Error(`proxy: family 0x${got.family.toString(16)} for ${src.address} and ${dst.address}`);
  }
  if (got.tlvs.get(PP2_TYPE_ALPN) !== (alpn === undefined ? undefined : hex(alpnBytes))) throw new Error('proxy: ALPN TLV differs');
  // The header's length field is 16 bits: an AUTHORITY TLV that would not fit is left out.
  const addrLen = sameFamily ? (src.family === 'ipv4' ? 12 : 36) : 0;
  const fits = sni !== undefined && addrLen + (alpn === undefined ? 0 : 3 + alpnLen) + 3 + sni.length <= 0xffff;
  if (got.tlvs.get(PP2_TYPE_AUTHORITY) !== (fits ? hex(Buffer.from(sni, 'latin1')) : undefined)) {
    throw new Error(`proxy: AUTHORITY TLV differs (${sni?.length ?? 0} bytes)`);
  }
}

interface TestEndpoint extends Endpoint {
  readonly family: 'ipv4' | 'ipv6' | 'unspec';
  /** The 4 or 16 bytes the header must carry, as hex. */
  readonly bytesHex: string;
}

/** kind 0: IPv4; 1: IPv6; 2: IPv4-mapped IPv6 (counts as IPv4); 3: no address (a closed socket). */
function endpoint(kind: number, b: Uint8Array, port: number): TestEndpoint {
  if (kind === 0 || kind === 2) {
    const v4 = `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
    return { family: 'ipv4', address: kind === 0 ? v4 : `::ffff:${v4}`, port, bytesHex: hex(b.subarray(0, 4)) };
  }
  if (kind === 1) {
    const groups = Array.from({ length: 8 }, (_, i) => (((b[2 * i] as number) << 8) | (b[2 * i + 1] as number)).toString(16));
    const address = new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
    // An IPv4-mapped address is IPv4 to the header (proxy-protocol.txt §2.2 AF_INET).
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return { family: 'ipv4', address, port, bytesHex: hex(b.subarray(12, 16)) };
    return { family: 'ipv6', address, port, bytesHex: hex(b) };
  }
  return { family: 'unspec', address: '', port: 0, bytesHex: '' };
}

/** The SNI name (u16 length, then a pattern repeated to it), if the server_name decoder accepts it. */
function serverName(rest: Uint8Array): string | undefined {
  if (rest.length < 3) return undefined;
  const len = ((rest[0] as number) << 8) | (rest[1] as number);
  const pattern = rest.subarray(2);
  const name = new Uint8Array(len);
  for (let i = 0; i < len; i++) name[i] = pattern[i % pattern.length] as number;
  // RFC 6066 §3 ServerNameList as the ClientHello carries it.
  const ext = new Uint8Array(5 + len);
  ext.set([((len + 3) >> 8) & 0xff, (len + 3) & 0xff, 0, len >> 8, len & 0xff]);
  ext.set(name, 5);
  try {
    return decodeServerName(new Reader(ext, 'fuzz')).hostName;
  } catch (e) {
    if (e instanceof TlsError) return undefined;
    throw e;
  }
}

interface ProxyV2 {
  readonly family: number;
  readonly source: string;
  readonly destination: string;
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly tlvs: Map<number, string>;
}

/** A strict reader of one v2 header (proxy-protocol.txt §2.2), written from the text. */
function readProxyV2(h: Uint8Array): ProxyV2 {
  const fail = (why: string): never => {
    throw new Error(`proxy: malformed header: ${why}`);
  };
  if (h.length < 16 || hex(h.subarray(0, 12)) !== '0d0a0d0a000d0a515549540a') fail('signature');
  if (h[12] !== 0x21) fail('version/command');
  const family = h[13] as number;
  const len = ((h[14] as number) << 8) | (h[15] as number);
  if (16 + len !== h.length) fail(`length ${len} for ${h.length - 16} bytes`);
  const addrLen = family === 0x11 ? 12 : family === 0x21 ? 36 : family === 0x00 ? 0 : fail('family');
  if (addrLen > len) fail('address block');
  const ipLen = (addrLen - 4) / 2;
  const a = h.subarray(16, 16 + addrLen);
  const port = (at: number): number => ((a[at] as number) << 8) | (a[at + 1] as number);
  const tlvs = new Map<number, string>();
  for (let at = 16 + addrLen; at < h.length; ) {
    if (at + 3 > h.length) fail('TLV header');
    const l = ((h[at + 1] as number) << 8) | (h[at + 2] as number);
    if (at + 3 + l > h.length) fail('TLV length');
    if (tlvs.has(h[at] as number)) fail('duplicate TLV');
    tlvs.set(h[at] as number, hex(h.subarray(at + 3, at + 3 + l)));
    at += 3 + l;
  }
  return {
    family,
    source: addrLen === 0 ? '' : hex(a.subarray(0, ipLen)),
    destination: addrLen === 0 ? '' : hex(a.subarray(ipLen, 2 * ipLen)),
    sourcePort: addrLen === 0 ? 0 : port(2 * ipLen),
    destinationPort: addrLen === 0 ? 0 : port(2 * ipLen + 2),
    tlvs,
  };
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

const PP2_TYPE_ALPN = 0x01;
const PP2_TYPE_AUTHORITY = 0x02;
