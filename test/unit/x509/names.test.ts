import { describe, it, expect } from 'vitest';
import { isWellFormedDnsName, matchesServerName, parseIpLiteral } from '../../../src/x509/names.ts';

describe('matchesServerName (RFC 6125 §6.4)', () => {
  const dns = ['example.com', '*.wild.example.com', '*.com', 'a*.part.example.com'];
  it.each([
    ['example.com', true],
    ['EXAMPLE.com', true],
    ['example.com.', true],
    ['x.wild.example.com', true],
    ['X.Wild.Example.Com', true],
    ['wild.example.com', false], // the wildcard needs exactly one label
    ['a.b.wild.example.com', false], // …and only one
    ['foo.com', false], // "*.com" is never honoured
    ['ab.part.example.com', false], // partial-label wildcards are not supported
    ['other.example', false],
    ['', false],
    ['example..com', false],
  ])('%s → %s', (name, expected) => {
    expect(matchesServerName(name, dns, [])).toBe(expected);
  });

  it('matches IP literals only against iPAddress entries, byte-exactly (RFC 5280 §4.2.1.6)', () => {
    const ips = [new Uint8Array([10, 0, 0, 1]), parseIpLiteral('2001:db8::1') as Uint8Array];
    expect(matchesServerName('10.0.0.1', ['10.0.0.1'], ips)).toBe(true);
    expect(matchesServerName('10.0.0.1', ['10.0.0.1'], [])).toBe(false); // never via a dNSName
    expect(matchesServerName('2001:DB8:0:0::1', [], ips)).toBe(true);
    expect(matchesServerName('2001:db8::2', [], ips)).toBe(false);
  });
});

describe('parseIpLiteral', () => {
  it.each([
    ['127.0.0.1', [127, 0, 0, 1]],
    ['::1', [...new Array(15).fill(0), 1]],
    ['::', new Array(16).fill(0)],
    ['::ffff:1.2.3.4', [...new Array(10).fill(0), 0xff, 0xff, 1, 2, 3, 4]],
    ['1:2:3:4:5:6:7:8', [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]],
  ])('parses %s', (s, bytes) => {
    expect(parseIpLiteral(s)).toEqual(new Uint8Array(bytes));
  });
  it.each(['256.0.0.1', '1.2.3', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', 'example.com', '[::1]', 'g::1'])(
    'rejects %s',
    (s) => {
      expect(parseIpLiteral(s)).toBeUndefined();
    },
  );
});

describe('isWellFormedDnsName (RFC 5280 §4.2.1.6, RFC 1034 §3.5, RFC 1123 §2.1)', () => {
  it.each(['example.com', 'EXAMPLE.com', 'example.com.', '*.example.com', 'xn--bcher-kva.example', '_dmarc.example.com', 'a-b.c', 'localhost', '1.example.com', `${'a'.repeat(63)}.com`])(
    '%s is a DNS name',
    (name) => {
      expect(isWellFormedDnsName(name)).toBe(true);
    },
  );
  it.each([
    '.example.com',
    'example..com',
    'example.com..',
    '',
    '.',
    '*',
    '*.',
    'f*o.example.com',
    '*.*.example.com',
    'a.*.example.com',
    '-a.example.com',
    'a-.example.com',
    'a b.example.com',
    'a@b.example.com',
    '10.0.0.1',
    'example.123',
    `${'a'.repeat(64)}.com`,
    `${'a.'.repeat(127)}com`,
  ])('%j is not', (name) => {
    expect(isWellFormedDnsName(name)).toBe(false);
  });
});
