import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseCertificateChain } from '../../../src/x509/certificate.ts';
import { parsePrivateKey } from '../../../src/x509/keys.ts';
import { base64Decode, base64Encode, pemDecode, pemEncode, pemTextOf } from '../../../src/x509/pem.ts';
import { vectorText } from './_certs.ts';

describe('pem (RFC 7468)', () => {
  it('round-trips arbitrary DER through pemEncode/pemDecode (RFC 7468 §2)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('CERTIFICATE', 'PRIVATE KEY', 'EC PRIVATE KEY'), (der, label) => {
        const blocks = pemDecode(pemEncode(label, der));
        expect(blocks).toHaveLength(1);
        expect(blocks[0]?.label).toBe(label);
        expect(blocks[0]?.der).toEqual(der);
      }),
    );
  });

  it('writes 64-character lines (RFC 7468 §2)', () => {
    const text = pemEncode('CERTIFICATE', new Uint8Array(100).fill(7));
    const body = text.split('\n').slice(1, -2);
    expect(body.map((l) => l.length)).toEqual([64, 64, 8]); // 100 bytes = 136 base64 characters;
  });

  it('agrees with Buffer base64 on random input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expect(base64Encode(b)).toBe(Buffer.from(b).toString('base64'));
        expect(base64Decode(Buffer.from(b).toString('base64'))).toEqual(b);
      }),
    );
  });

  it('decodes every block of a bundle in order and ignores text between blocks (RFC 7468 §5.2)', () => {
    const chain = vectorText('ecdsa-p256', 'end.chain.pem');
    const text = `leaf and intermediate\n${chain.replace('-----END CERTIFICATE-----\n', '-----END CERTIFICATE-----\nexplanatory text\n')}`;
    const blocks = pemDecode(text);
    expect(blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'CERTIFICATE']);
    expect(pemEncode('CERTIFICATE', blocks[0]!.der) + pemEncode('CERTIFICATE', blocks[1]!.der)).toBe(chain);
  });

  it('accepts CRLF line ends', () => {
    const text = pemEncode('X', new Uint8Array([1, 2, 3, 4, 5])).replace(/\n/g, '\r\n');
    expect(pemDecode(text)[0]?.der).toEqual(new Uint8Array([1, 2, 3, 4, 5]));
  });

  it.each([
    ['an unterminated block', '-----BEGIN CERTIFICATE-----\nAAAA\n'],
    ['a mismatched END label', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n'],
    ['an END without BEGIN', 'AAAA\n-----END CERTIFICATE-----\n'],
    ['a non-base64 character', '-----BEGIN X-----\nAA*A\n-----END X-----\n'],
    ['a truncated base64 group', '-----BEGIN X-----\nAAA\n-----END X-----\n'],
    ['padding in the middle', '-----BEGIN X-----\nAA==AAAA\n-----END X-----\n'],
    ['non-canonical padding bits', '-----BEGIN X-----\nAB==\n-----END X-----\n'],
    ['encapsulated headers', '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END RSA PRIVATE KEY-----\n'],
  ])('rejects %s (RFC 7468 §3 strict parsing)', (_what, text) => {
    expect(() => pemDecode(text)).toThrow(Error);
  });
});

describe('PEM carried in bytes (node:tls accepts readFileSync Buffers of PEM)', () => {
  it('parseCertificateChain and parsePrivateKey read PEM text given as bytes, and DER stays DER', () => {
    const chainPem = readFileSync(new URL('../../../vectors/certs/ecdsa-p256/end.chain.pem', import.meta.url));
    const keyPem = readFileSync(new URL('../../../vectors/certs/ecdsa-p256/end.key', import.meta.url));
    const fromBytes = parseCertificateChain(new Uint8Array(chainPem));
    expect(fromBytes).toEqual(parseCertificateChain(chainPem.toString('latin1')));
    expect(fromBytes).toHaveLength(2);
    expect(parsePrivateKey(new Uint8Array(keyPem))).toEqual(parsePrivateKey(keyPem.toString('latin1')));
    expect(parseCertificateChain(fromBytes[0] as Uint8Array)).toEqual([fromBytes[0]]);
    expect(pemTextOf(fromBytes[0] as Uint8Array)).toBeUndefined();
    expect(pemTextOf(new TextEncoder().encode('  \n-----BEGIN CERTIFICATE-----\n'))).toBeDefined();
    expect(pemTextOf(new TextEncoder().encode('-----END X-----'))).toBeUndefined();
  });
});
