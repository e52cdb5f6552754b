/**
 * The PROXY protocol v2 header writer (src/tools/proxy-protocol.ts, proxy-protocol.txt §2.2):
 * cases found by the proxy-header fuzz target (test/fuzz/targets/proxy-header.ts), whose
 * inputs are also in vectors/fuzz-corpus/proxy-header/.
 */
import { describe, expect, it } from 'vitest';
import { proxyV2Header } from '../../src/tools/proxy-protocol.ts';

const HEADER = 16;
const AF_INET6_STREAM = 0x21;
const PP2_TYPE_AUTHORITY = 0x02;

describe('proxyV2Header', () => {
  it('writes an IPv4-compatible IPv6 address as node prints it (::192.0.2.1) as its 16 bytes', () => {
    const h = proxyV2Header({ address: '::192.0.2.1', port: 50000 }, { address: '2001:db8::1', port: 443 });
    expect(h[13]).toBe(AF_INET6_STREAM);
    expect(h.subarray(HEADER, HEADER + 16).toString('hex')).toBe('000000000000000000000000c0000201');
    expect(h.subarray(HEADER + 16, HEADER + 32).toString('hex')).toBe('20010db8000000000000000000000001');
  });

  it('leaves out an AUTHORITY TLV that does not fit the 16-bit length instead of throwing', () => {
    const ipv6 = { address: '2001:db8::1', port: 443 };
    // A host_name may be up to 2^16 - 4 bytes (RFC 6066 §3 inside a u16 ServerNameList).
    const long = 'a.'.repeat(32_750);
    const h = proxyV2Header(ipv6, ipv6, { authority: long, alpn: 'h2' });
    expect(h.readUInt16BE(14)).toBe(h.length - HEADER);
    expect(h.includes(Buffer.from([PP2_TYPE_AUTHORITY, long.length >> 8, long.length & 0xff]))).toBe(false);
    // A name that fits is sent.
    const fits = 'a'.repeat(0xffff - 36 - 3 - 5);
    expect(proxyV2Header(ipv6, ipv6, { authority: fits, alpn: 'h2' }).length).toBe(HEADER + 0xffff);
  });
});
