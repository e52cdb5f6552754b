import { describe, expect, it } from 'vitest';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { concat, toHex, utf8 } from '../../src/bytes/bytes.ts';
import { Transcript } from '../../src/transcript.ts';
import type { HashAlgorithm, HashName } from '../../src/crypto/provider.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { testHash } from './keyschedule/_hash.ts';

/** Each provider's hash (their IncrementalHash.clone is what fork/hashNow rely on), and the test helper's. */
const SOURCES: readonly { readonly name: string; readonly hash: (n: HashName) => HashAlgorithm }[] = [
  ...PROVIDERS.map((p) => ({ name: p.name, hash: (n: HashName) => p.hash(n) })),
  { name: 'test helper (@noble/hashes)', hash: testHash },
];

const CH1 = concat(new Uint8Array([0x01, 0, 0, 5]), utf8('hello'));
const HRR = concat(new Uint8Array([0x02, 0, 0, 3]), utf8('hrr'));
const CH2 = concat(new Uint8Array([0x01, 0, 0, 6]), utf8('hello2'));
const hex = toHex;

describe.each(SOURCES)('Transcript (RFC 8446 §4.4.1) over $name', ({ hash: testHash }) => {
  it('is Hash(M1 || M2 || ...), with messages before setHash buffered and replayed', () => {
    const t = new Transcript();
    expect(t.hash).toBeUndefined();
    t.update(CH1);
    t.update(HRR);
    t.setHash(testHash('sha256'));
    expect(t.hash?.name).toBe('sha256');
    t.update(CH2);
    expect(hex(t.hashNow())).toBe(hex(sha256(concat(CH1, HRR, CH2))));
  });

  it('uses the hash it is given (SHA-384 for TLS_AES_256_GCM_SHA384)', () => {
    const t = new Transcript();
    t.update(CH1);
    t.setHash(testHash('sha384'));
    expect(hex(t.hashNow())).toBe(hex(sha384(CH1)));
  });

  it('copies buffered messages, so the caller may reuse its buffer', () => {
    const t = new Transcript();
    const buf = CH1.slice();
    t.update(buf);
    buf.fill(0);
    t.setHash(testHash('sha256'));
    expect(hex(t.hashNow())).toBe(hex(sha256(CH1)));
  });

  it('hashNow can be taken repeatedly and does not end the running hash', () => {
    const t = new Transcript();
    t.setHash(testHash('sha256'));
    t.update(CH1);
    expect(hex(t.hashNow())).toBe(hex(sha256(CH1)));
    expect(hex(t.hashNow())).toBe(hex(sha256(CH1)));
    t.update(HRR);
    expect(hex(t.hashNow())).toBe(hex(sha256(concat(CH1, HRR))));
  });

  it('refuses to hash before the hash is known and to change the hash once set', () => {
    const t = new Transcript();
    t.update(CH1);
    expect(() => t.hashNow()).toThrow(Error);
    expect(() => t.hashWith(CH2)).toThrow(Error);
    expect(() => t.rewriteForHelloRetry()).toThrow(Error);
    t.setHash(testHash('sha256'));
    expect(() => t.setHash(testHash('sha384'))).toThrow(Error);
  });

  it('replaces ClientHello1 by message_hash = FE 00 00 Hash.length || Hash(ClientHello1) on HelloRetryRequest (RFC 8446 §4.4.1)', () => {
    for (const [name, fn] of [['sha256', sha256], ['sha384', sha384]] as const) {
      const t = new Transcript();
      t.update(CH1);
      t.setHash(testHash(name));
      t.rewriteForHelloRetry();
      t.update(HRR);
      t.update(CH2);
      const messageHash = concat(new Uint8Array([0xfe, 0, 0, fn.outputLen]), fn(CH1));
      expect(hex(t.hashNow())).toBe(hex(fn(concat(messageHash, HRR, CH2))));
    }
  });

  it('hashWith hashes the transcript followed by extra without adding extra (PSK binders, RFC 8446 §4.2.11.2)', () => {
    const t = new Transcript();
    t.update(CH1);
    t.setHash(testHash('sha256'));
    expect(hex(t.hashWith(CH2))).toBe(hex(sha256(concat(CH1, CH2))));
    expect(hex(t.hashNow())).toBe(hex(sha256(CH1)));
  });

  it('fork gives an independent copy, before and after the hash is set', () => {
    const a = new Transcript();
    a.update(CH1);
    const early = a.fork();
    a.update(HRR);
    early.update(CH2);
    a.setHash(testHash('sha256'));
    early.setHash(testHash('sha256'));
    expect(hex(a.hashNow())).toBe(hex(sha256(concat(CH1, HRR))));
    expect(hex(early.hashNow())).toBe(hex(sha256(concat(CH1, CH2))));

    const b = a.fork();
    b.update(CH2);
    a.rewriteForHelloRetry();
    expect(hex(b.hashNow())).toBe(hex(sha256(concat(CH1, HRR, CH2))));
    expect(hex(a.hashNow())).toBe(hex(sha256(concat(new Uint8Array([0xfe, 0, 0, 32]), sha256(concat(CH1, HRR))))));
  });
});
