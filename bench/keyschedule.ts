/**
 * @module bench/keyschedule
 * The key schedule's HMACs, and one full TLS 1.3 key schedule (RFC 8446 §7.1: Early → Handshake →
 * Master secret, both handshake and application traffic secrets, exporter and resumption secrets,
 * and the §7.3 key/iv of all four traffic secrets), per way of computing HMAC, in one process:
 * each round runs every variant for one time window, so load on a shared machine hits all of them
 * alike; the figure is process CPU time per operation (median and range over the rounds).
 * Variants: the providers as they are (the node provider's HMAC-SHA-256 on src/crypto/sha256/ with
 * the key's pad blocks hashed once), one node:crypto Hmac object per HMAC (the node provider before issue 9), noble's
 * HMAC with its pad states copied (into a scratch HMAC or by `clone()`), and noble's one-shot HMAC (the pure provider before).
 * Run: `npx tsx bench/keyschedule.ts` (`--quick` for a smoke run, `--json <file>` to save the table).
 */
import { createHmac } from 'node:crypto';
import { _HMAC, hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { hkdfExpandWith, nobleHash } from '../src/crypto/noble/hash.ts';
import type { HashAlgorithm, HashName, HmacKey } from '../src/crypto/provider.ts';
import { HmacSha256 } from '../src/crypto/sha256/hmac.ts';
import { TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, type CipherSuiteInfo } from '../src/crypto/suites.ts';
import { EarlySecret } from '../src/keyschedule/schedule.ts';
import { deriveTrafficKeys } from '../src/keyschedule/traffic.ts';
import { nodeCryptoProvider } from '../src/node/crypto-provider.ts';
import { benchInterleaved, finish, header, type Operation } from './_harness.ts';

async function main(): Promise<void> {
  header('puretls key schedule: HMAC per message and one full schedule, by HMAC implementation (interleaved rounds, CPU time per op)');
  finish(await benchInterleaved(buildOperations()));
}

type NobleFn = typeof sha256 | typeof sha384;
type NobleInstance = ReturnType<NobleFn['create']>;

function buildOperations(): Operation[] {
  const key32 = new Uint8Array(32).fill(7);
  const key48 = new Uint8Array(48).fill(7);
  // About one HkdfLabel with a transcript hash (RFC 8446 §7.1): 2 + 1 + 18 + 1 + 32 bytes.
  const message = new Uint8Array(54).fill(9);
  const ours = new HmacSha256(key32);
  const cloned256 = nobleKeyed(sha256, key32, 'cloneInto');
  const fresh256 = nobleKeyed(sha256, key32, 'clone');
  const cloned384 = nobleKeyed(sha384, key48, 'cloneInto');
  const fresh384 = nobleKeyed(sha384, key48, 'clone');
  const node = nodeCryptoProvider.hash('sha256');
  const node384 = nodeCryptoProvider.hash('sha384');
  const pure = nobleHash('sha256');
  const pure384 = nobleHash('sha384');
  const schedule = (hash: HashAlgorithm, suite: CipherSuiteInfo) => (): Uint8Array => fullSchedule(hash, suite);
  const suite256 = TLS_AES_128_GCM_SHA256;
  const suite384 = TLS_AES_256_GCM_SHA384;
  return [
    {
      name: `HMAC-SHA-256 of ${message.length} bytes under a key used before`,
      expected: new Uint8Array(createHmac('sha256', key32).update(message).digest()),
      variants: [
        { name: 'node:crypto Hmac object per message', fn: () => new Uint8Array(createHmac('sha256', key32).update(message).digest()) },
        { name: 'ours, pad blocks hashed once (node provider now)', fn: () => ours.mac(message) },
        { name: 'noble, pad states copied into a scratch (pure provider now)', fn: () => cloned256.mac(message) },
        { name: 'noble, pad states clone()d', fn: () => fresh256.mac(message) },
        { name: 'noble one-shot (pure provider before)', fn: () => hmac(sha256, key32, message) },
      ],
    },
    {
      name: `HMAC-SHA-256 of ${message.length} bytes under a new key`,
      expected: new Uint8Array(createHmac('sha256', key32).update(message).digest()),
      variants: [
        { name: 'node:crypto Hmac object', fn: () => new Uint8Array(createHmac('sha256', key32).update(message).digest()) },
        { name: 'ours (pad blocks hashed, then the message)', fn: () => new HmacSha256(key32).mac(message) },
        { name: 'noble one-shot', fn: () => hmac(sha256, key32, message) },
      ],
    },
    {
      name: `HMAC-SHA-384 of ${message.length} bytes under a key used before`,
      expected: new Uint8Array(createHmac('sha384', key48).update(message).digest()),
      variants: [
        { name: 'node:crypto Hmac object per message (node provider)', fn: () => new Uint8Array(createHmac('sha384', key48).update(message).digest()) },
        { name: 'noble, pad states copied into a scratch (pure provider now)', fn: () => cloned384.mac(message) },
        { name: 'noble, pad states clone()d', fn: () => fresh384.mac(message) },
        { name: 'noble one-shot (pure provider before)', fn: () => hmac(sha384, key48, message) },
      ],
    },
    {
      name: 'full key schedule, SHA-256 suite',
      expected: fullSchedule(nobleHash('sha256'), suite256),
      variants: [
        { name: 'node provider (ours for HMAC)', fn: schedule(node, suite256) },
        { name: 'node:crypto Hmac per HMAC (node provider before)', fn: schedule(withHmac(node, (k) => nodeKeyed('sha256', 32, k)), suite256) },
        { name: 'pure provider (noble, pad states copied)', fn: schedule(pure, suite256) },
        { name: 'ours for HMAC (not in the pure provider: bundle budget)', fn: schedule(withHmac(pure, (k) => new HmacSha256(k)), suite256) },
        { name: 'noble one-shot HMAC (pure provider before)', fn: schedule(withHmac(pure, (k) => nobleOneShot(sha256, k)), suite256) },
      ],
    },
    {
      name: 'full key schedule, SHA-384 suite',
      expected: fullSchedule(nobleHash('sha384'), suite384),
      variants: [
        { name: 'node provider (node:crypto Hmac per HMAC)', fn: schedule(node384, suite384) },
        { name: 'pure provider (noble, pad states copied)', fn: schedule(pure384, suite384) },
        { name: 'noble one-shot HMAC (pure provider before)', fn: schedule(withHmac(pure384, (k) => nobleOneShot(sha384, k)), suite384) },
      ],
    },
  ];
}

/** `hash` with its HMAC and HKDF replaced by `keyed`'s (the other variants of one schedule). */
function withHmac(hash: HashAlgorithm, keyed: (key: Uint8Array) => HmacKey): HashAlgorithm {
  return {
    ...hash,
    hmac: (key, data) => keyed(key).mac(data),
    hmacKey: keyed,
    hkdfExtract: (salt, ikm) => keyed(salt).mac(ikm),
    hkdfExpand: (prk, info, length) => keyed(prk).expand(info, length),
  };
}

function nodeKeyed(name: HashName, outputLen: number, key: Uint8Array): HmacKey {
  const mac = (...parts: Uint8Array[]): Uint8Array => {
    const h = createHmac(name, key);
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest());
  };
  return { mac, expand: (info, length) => hkdfExpandWith(outputLen, length, (t, counter) => mac(t, info, counter)) };
}

function nobleKeyed(fn: NobleFn, key: Uint8Array, copy: 'clone' | 'cloneInto'): HmacKey {
  const prepared = new _HMAC<NobleInstance>(fn, key);
  let scratch: _HMAC<NobleInstance> | undefined;
  const start = (): _HMAC<NobleInstance> => (copy === 'clone' ? prepared.clone() : (scratch = prepared._cloneInto(scratch)));
  return {
    mac: (data) => start().update(data).digest(),
    expand: (info, length) => hkdfExpandWith(fn.outputLen, length, (t, counter) => start().update(t).update(info).update(counter).digest()),
  };
}

function nobleOneShot(fn: NobleFn, key: Uint8Array): HmacKey {
  const mac = (data: Uint8Array): Uint8Array => hmac(fn, key, data);
  return { mac, expand: (info, length) => hkdfExpandWith(fn.outputLen, length, (t, counter) => mac(new Uint8Array([...t, ...info, ...counter]))) };
}

/** Returns the concatenated client application key and exporter secret, so the result can be checked. */
function fullSchedule(hash: HashAlgorithm, suite: CipherSuiteInfo): Uint8Array {
  const helloHash = hash.digest(TRANSCRIPT_A);
  const finishedHash = hash.digest(TRANSCRIPT_B);
  const early = EarlySecret.create(hash);
  const hs = early.handshakeSecret(SHARED);
  const chs = hs.clientHandshakeTrafficSecret(helloHash);
  const shs = hs.serverHandshakeTrafficSecret(helloHash);
  const master = hs.masterSecret();
  const cap = master.clientApplicationTrafficSecret0(finishedHash);
  const sap = master.serverApplicationTrafficSecret0(finishedHash);
  const exp = master.exporterMasterSecret(finishedHash);
  master.resumptionMasterSecret(finishedHash);
  deriveTrafficKeys(hash, suite, chs);
  deriveTrafficKeys(hash, suite, shs);
  deriveTrafficKeys(hash, suite, sap);
  const ck = deriveTrafficKeys(hash, suite, cap);
  const out = new Uint8Array(ck.key.length + exp.length);
  out.set(ck.key, 0);
  out.set(exp, ck.key.length);
  return out;
}

const SHARED = new Uint8Array(32).fill(0x11);
const TRANSCRIPT_A = new Uint8Array(512).fill(0x22);
const TRANSCRIPT_B = new Uint8Array(4096).fill(0x33);

await main();
