/**
 * RFC 8448 key-schedule replay: feeds each trace's handshake messages into a `Transcript` and
 * the trace's (EC)DHE shared secret into the `EarlySecret` → `HandshakeSecret` → `MasterSecret`
 * chain, and compares every secret, HKDF info, traffic key/IV, Finished value, PSK binder and
 * resumption PSK printed in the trace (RFC 8446 §4.2.11.2, §4.4.1, §4.4.4, §4.6.1, §7.1, §7.3).
 */
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../../src/bytes/bytes.ts';
import type { HashAlgorithm } from '../../src/crypto/provider.ts';
import { TLS_AES_128_GCM_SHA256 } from '../../src/crypto/suites.ts';
import { pskBinder } from '../../src/keyschedule/binder.ts';
import { finishedKey, finishedVerifyData } from '../../src/keyschedule/finished.ts';
import { deriveSecret } from '../../src/keyschedule/hkdf-label.ts';
import { resumptionPsk } from '../../src/keyschedule/resumption.ts';
import { EarlySecret } from '../../src/keyschedule/schedule.ts';
import { deriveTrafficKeys } from '../../src/keyschedule/traffic.ts';
import { Transcript } from '../../src/transcript.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { field, loadTrace, step, type TraceName, type TraceStep } from '../helpers/vectors.ts';
import { testHash } from '../unit/keyschedule/_hash.ts';

/**
 * Where SHA-256 comes from (every trace uses TLS_AES_128_GCM_SHA256): each provider of the matrix
 * (STYLE §8), and the test helper over @noble/hashes that is independent of src/crypto.
 */
const HASHES: readonly { readonly name: string; readonly sha256: () => HashAlgorithm }[] = [
  ...PROVIDERS.map((p) => ({ name: p.name, sha256: () => p.hash('sha256') })),
  { name: 'test helper (@noble/hashes)', sha256: () => testHash('sha256') },
];

const SUITE = TLS_AES_128_GCM_SHA256;
const EMPTY = new Uint8Array(0);
const hex = toHex;

/** A `HashAlgorithm` that records every HKDF-Expand info it is given (one-shot or keyed), to check the trace's `info` fields. */
function recording(hash: HashAlgorithm): { hash: HashAlgorithm; infos: Set<string> } {
  const infos = new Set<string>();
  const wrapped: HashAlgorithm = {
    name: hash.name,
    outputLen: hash.outputLen,
    digest: (d) => hash.digest(d),
    create: () => hash.create(),
    hmac: (k, d) => hash.hmac(k, d),
    hmacKey: (k) => {
      const key = hash.hmacKey(k);
      return {
        mac: (d) => key.mac(d),
        expand: (info, len) => {
          infos.add(hex(info));
          return key.expand(info, len);
        },
      };
    },
    hkdfExtract: (s, i) => hash.hkdfExtract(s, i),
    hkdfExpand: (prk, info, len) => {
      infos.add(hex(info));
      return hash.hkdfExpand(prk, info, len);
    },
  };
  return { hash: wrapped, infos };
}

/** The step with this exact action that carries values (the "(same as ...)" echoes carry none). */
function valued(steps: readonly TraceStep[], action: string, actor?: string): TraceStep {
  const s = steps.find((x) => x.action === action && x.all.length > 0 && (actor === undefined || x.actor === actor));
  if (!s) throw new Error(`rfc8448: no valued step ${action}`);
  return s;
}

/** A handshake message as the trace constructs it. */
function message(steps: readonly TraceStep[], actor: string, name: string, nth = 0): Uint8Array {
  const article = /^[AEIOU]/.test(name) ? 'an' : 'a';
  return field(step(steps, actor, `construct ${article} ${name} handshake message`, nth), name);
}

/** The flow of one trace, as message bytes in transcript order. */
interface Flow {
  readonly trace: TraceName;
  /** ClientHello1 and HelloRetryRequest when the server asked for a retry. */
  readonly retry?: { readonly clientHello1: Uint8Array; readonly helloRetryRequest: Uint8Array };
  readonly clientHello: Uint8Array;
  readonly serverHello: Uint8Array;
  /** EncryptedExtensions ... CertificateVerify. */
  readonly serverFlight: readonly Uint8Array[];
  readonly serverFinished: Uint8Array;
  /** EndOfEarlyData, client Certificate, CertificateVerify. */
  readonly clientFlight: readonly Uint8Array[];
  readonly clientFinished: Uint8Array;
}

function flow(trace: TraceName): Flow {
  const s = loadTrace(trace);
  const serverFlight = ['EncryptedExtensions', 'CertificateRequest', 'Certificate', 'CertificateVerify']
    .filter((n) => s.some((x) => x.actor === 'server' && x.action === `construct ${/^[AEIOU]/.test(n) ? 'an' : 'a'} ${n} handshake message`))
    .map((n) => message(s, 'server', n));
  const clientFlight = ['EndOfEarlyData', 'Certificate', 'CertificateVerify']
    .filter((n) => s.some((x) => x.actor === 'client' && x.action === `construct ${/^[AEIOU]/.test(n) ? 'an' : 'a'} ${n} handshake message`))
    .map((n) => message(s, 'client', n));
  const common = {
    trace,
    serverFlight,
    serverFinished: message(s, 'server', 'Finished'),
    clientFlight,
    clientFinished: message(s, 'client', 'Finished'),
  };
  if (trace === '05-hello-retry-request') {
    return {
      ...common,
      retry: { clientHello1: message(s, 'client', 'ClientHello', 0), helloRetryRequest: message(s, 'server', 'ServerHello', 0) },
      clientHello: message(s, 'client', 'ClientHello', 1),
      serverHello: message(s, 'server', 'ServerHello', 1),
    };
  }
  // 04: the constructed ClientHello is printed before its binder is filled in; the record
  // payload is the ClientHello as sent.
  const clientHello =
    trace === '04-resumed-0rtt' ? field(step(s, 'client', 'send handshake record', 0), 'payload') : message(s, 'client', 'ClientHello');
  return { ...common, clientHello, serverHello: message(s, 'server', 'ServerHello') };
}

/** Our values, named by the trace's label, to compare against the trace. */
type Secrets = Map<string, Uint8Array>;

/**
 * Runs the key schedule over `f` with `hash` (and the PSK for 04), comparing every derive-secret
 * and Finished step on the way. Returns the traffic secrets and the resumption_master_secret.
 */
function replay(f: Flow, hash: HashAlgorithm, psk?: Uint8Array): Secrets {
  const steps = loadTrace(f.trace);
  const secrets: Secrets = new Map();
  const expectDerived = (label: string, got: Uint8Array, transcriptHash: Uint8Array): void => {
    const s = valued(steps, `derive secret "tls13 ${label}"`);
    expect(hex(transcriptHash), `${label}: transcript hash`).toBe(hex(field(s, 'hash')));
    expect(hex(got), label).toBe(hex(field(s, 'expanded')));
    secrets.set(label, got);
  };
  const expectFinished = (actor: string, baseKey: Uint8Array, transcriptHash: Uint8Array, sent: Uint8Array): void => {
    const s = valued(steps, 'calculate finished "tls13 finished"', actor);
    expect(hex(baseKey), `${actor} finished: base key`).toBe(hex(field(s, 'PRK')));
    expect(hex(finishedKey(hash, baseKey)), `${actor} finished_key`).toBe(hex(field(s, 'expanded')));
    const verifyData = finishedVerifyData(hash, baseKey, transcriptHash);
    expect(hex(verifyData), `${actor} verify_data`).toBe(hex(field(s, 'finished')));
    // RFC 8446 §4.4.4: the Finished message is its header and verify_data.
    expect(hex(sent)).toBe(hex(concat(new Uint8Array([0x14, 0, 0, hash.outputLen]), verifyData)));
  };

  // RFC 8446 §4.4.1: ClientHello1 is buffered before the suite (so the hash) is known.
  const transcript = new Transcript();
  if (f.retry) {
    transcript.update(f.retry.clientHello1);
    transcript.setHash(hash);
    transcript.rewriteForHelloRetry();
    transcript.update(f.retry.helloRetryRequest);
  }
  const early = EarlySecret.create(hash, psk);
  if (psk) {
    // RFC 8446 §4.2.11.2: the binder covers the ClientHello up to the binders list.
    transcript.setHash(hash);
    const s = valued(steps, 'calculate PSK binder');
    const prefix = field(s, 'ClientHello prefix');
    expect(hex(f.clientHello.subarray(0, prefix.length))).toBe(hex(prefix));
    const binderHash = transcript.hashWith(prefix);
    expect(hex(binderHash)).toBe(hex(field(s, 'binder hash')));
    const binderKey = early.resumptionBinderKey();
    expect(hex(binderKey), 'binder_key').toBe(hex(field(s, 'PRK')));
    expect(hex(finishedKey(hash, binderKey))).toBe(hex(field(s, 'expanded')));
    const binder = pskBinder(hash, binderKey, binderHash);
    expect(hex(binder)).toBe(hex(field(s, 'finished')));
    // The sent ClientHello ends with its binders list: u16 length, u8 length, the binder.
    expect(hex(f.clientHello.subarray(prefix.length))).toBe(hex(concat(new Uint8Array([0, 0x21, 0x20]), binder)));
    transcript.update(f.clientHello);
    const chHash = transcript.hashNow();
    expectDerived('c e traffic', early.clientEarlyTrafficSecret(chHash), chHash);
    expectDerived('e exp master', early.earlyExporterMasterSecret(chHash), chHash);
  } else {
    transcript.update(f.clientHello);
    if (!transcript.hash) transcript.setHash(hash);
  }

  transcript.update(f.serverHello);
  const sharedSecret = field(valued(steps, 'extract secret "handshake"'), 'IKM');
  const hs = early.handshakeSecret(sharedSecret);
  const helloHash = transcript.hashNow();
  expectDerived('c hs traffic', hs.clientHandshakeTrafficSecret(helloHash), helloHash);
  expectDerived('s hs traffic', hs.serverHandshakeTrafficSecret(helloHash), helloHash);

  for (const m of f.serverFlight) transcript.update(m);
  expectFinished('server', secrets.get('s hs traffic') as Uint8Array, transcript.hashNow(), f.serverFinished);
  transcript.update(f.serverFinished);

  const ms = hs.masterSecret();
  const handshakeHash = transcript.hashNow();
  expectDerived('c ap traffic', ms.clientApplicationTrafficSecret0(handshakeHash), handshakeHash);
  expectDerived('s ap traffic', ms.serverApplicationTrafficSecret0(handshakeHash), handshakeHash);
  expectDerived('exp master', ms.exporterMasterSecret(handshakeHash), handshakeHash);

  for (const m of f.clientFlight) transcript.update(m);
  expectFinished('client', secrets.get('c hs traffic') as Uint8Array, transcript.hashNow(), f.clientFinished);
  transcript.update(f.clientFinished);
  const clientFinishedHash = transcript.hashNow();
  expectDerived('res master', ms.resumptionMasterSecret(clientFinishedHash), clientFinishedHash);
  return secrets;
}

/**
 * RFC 8446 §7.3: every "derive read/write traffic keys" step with values. The secret used is the
 * sender's: ours for write keys, the peer's for read keys.
 * @returns how many steps were checked
 */
function checkTrafficKeys(trace: TraceName, hash: HashAlgorithm, secrets: Secrets): number {
  let checked = 0;
  for (const s of loadTrace(trace)) {
    const m = /^derive (read|write) traffic keys for (early application|handshake|application) data$/.exec(s.action);
    if (!m || s.all.length === 0) continue;
    const sender = m[1] === 'write' ? s.actor : s.actor === 'client' ? 'server' : 'client';
    const label = m[2] === 'early application' ? 'c e traffic' : `${sender[0]} ${m[2] === 'handshake' ? 'hs' : 'ap'} traffic`;
    const secret = secrets.get(label);
    if (!secret) throw new Error(`no secret ${label}`);
    expect(hex(secret), `${s.actor} ${s.action}: secret`).toBe(hex(field(s, 'PRK')));
    const keys = deriveTrafficKeys(hash, SUITE, secret);
    expect(hex(keys.key), `${s.actor} ${s.action}: key`).toBe(hex(field(s, 'key expanded')));
    expect(hex(keys.iv), `${s.actor} ${s.action}: iv`).toBe(hex(field(s, 'iv expanded')));
    checked++;
  }
  return checked;
}

/** Every HkdfLabel the trace prints was one we built (RFC 8446 §7.1). */
function checkInfos(trace: TraceName, infos: Set<string>): void {
  for (const s of loadTrace(trace)) {
    for (const [label, value] of s.all) {
      if (label === 'info' || label === 'key info' || label === 'iv info') {
        expect(infos.has(hex(value)), `${s.actor} ${s.action}: ${label} ${hex(value)}`).toBe(true);
      }
    }
  }
}

/**
 * RFC 8446 §7.1: the secrets the typestate keeps private (Early, Handshake, Master Secret and the
 * two "derived" salts), recomputed with Derive-Secret and HKDF-Extract along the diagram.
 */
function checkHiddenChain(trace: TraceName, hash: HashAlgorithm, psk?: Uint8Array): void {
  const steps = loadTrace(trace);
  const zeros = new Uint8Array(hash.outputLen);
  const emptyHash = hash.digest(EMPTY);
  const earlyStep = valued(steps, 'extract secret "early"');
  if (psk) expect(hex(field(earlyStep, 'IKM'))).toBe(hex(psk));
  const early = hash.hkdfExtract(zeros, psk ?? zeros);
  expect(hex(early), 'early secret').toBe(hex(field(earlyStep, 'secret')));
  const derived1 = deriveSecret(hash, early, 'derived', emptyHash);
  expect(hex(derived1)).toBe(hex(field(valued(steps, 'derive secret for handshake "tls13 derived"'), 'expanded')));
  const hsStep = valued(steps, 'extract secret "handshake"');
  expect(hex(field(hsStep, 'salt'))).toBe(hex(derived1));
  const handshakeSecret = hash.hkdfExtract(derived1, field(hsStep, 'IKM'));
  expect(hex(handshakeSecret), 'handshake secret').toBe(hex(field(hsStep, 'secret')));
  const derived2 = deriveSecret(hash, handshakeSecret, 'derived', emptyHash);
  expect(hex(derived2)).toBe(hex(field(valued(steps, 'derive secret for master "tls13 derived"'), 'expanded')));
  const master = hash.hkdfExtract(derived2, zeros);
  expect(hex(master), 'master secret').toBe(hex(field(valued(steps, 'extract secret "master"'), 'secret')));
}

/** The ticket_nonce of a NewSessionTicket message (RFC 8446 §4.6.1): after lifetime and age_add. */
function ticketNonce(newSessionTicket: Uint8Array): Uint8Array {
  const nonceLen = newSessionTicket[4 + 8] as number;
  return newSessionTicket.subarray(4 + 9, 4 + 9 + nonceLen);
}

/**
 * RFC 8446 §4.6.1: the PSK of the 03 trace's ticket, from our resumption_master_secret and the
 * NewSessionTicket's nonce, checked against the trace; 04 resumes with it.
 */
function ticketPsk03(hash: HashAlgorithm, secrets: Secrets): Uint8Array {
  const steps = loadTrace('03-simple-1rtt');
  const rms = secrets.get('res master') as Uint8Array;
  const nonce = ticketNonce(message(steps, 'server', 'NewSessionTicket'));
  const s = valued(steps, 'generate resumption secret "tls13 resumption"');
  expect(hex(rms)).toBe(hex(field(s, 'PRK')));
  expect(hex(nonce)).toBe(hex(field(s, 'hash')));
  const psk = resumptionPsk(hash, rms, nonce);
  expect(hex(psk), 'resumption PSK').toBe(hex(field(s, 'expanded')));
  return psk;
}

function resumptionFrom03(hash: HashAlgorithm): Uint8Array {
  return ticketPsk03(hash, replay(flow('03-simple-1rtt'), hash));
}

describe.each(HASHES)('RFC 8448 key schedule ($name)', ({ sha256 }) => {
  const oneRtt: readonly [TraceName, string][] = [
    ['03-simple-1rtt', 'RFC 8448 §3 simple 1-RTT, incl. the ticket PSK (RFC 8446 §4.6.1)'],
    ['05-hello-retry-request', 'RFC 8448 §5 HelloRetryRequest, transcript with message_hash (RFC 8446 §4.4.1)'],
    ['06-client-authentication', 'RFC 8448 §6 client authentication'],
  ];

  describe.each(oneRtt)('%s', (trace, title) => {
    it(`reproduces every traffic secret, key, IV, Finished and res master of ${title} (RFC 8446 §7.1, §7.3, §4.4.4)`, () => {
      const { hash, infos } = recording(sha256());
      const secrets = replay(flow(trace), hash);
      if (trace === '03-simple-1rtt') ticketPsk03(hash, secrets);
      expect([...secrets.keys()].sort()).toEqual(['c ap traffic', 'c hs traffic', 'exp master', 'res master', 's ap traffic', 's hs traffic']);
      expect(checkTrafficKeys(trace, hash, secrets)).toBe(4);
      checkInfos(trace, infos);
    });

    it(`reproduces the early, handshake and master secrets and both "derived" salts of ${title} (RFC 8446 §7.1)`, () => {
      checkHiddenChain(trace, sha256());
    });
  });

  describe('04-resumed-0rtt', () => {
    it('reproduces the binder, early traffic, every traffic secret and Finished from the 03 ticket PSK (RFC 8446 §4.2.11.2, §7.1)', () => {
      const base = sha256();
      const psk = resumptionFrom03(base);
      const { hash, infos } = recording(base);
      const secrets = replay(flow('04-resumed-0rtt'), hash, psk);
      expect(secrets.size).toBe(8);
      // early write (client), read hs (client, server), write hs (server, client), app (3)
      expect(checkTrafficKeys('04-resumed-0rtt', hash, secrets)).toBe(5);
      checkInfos('04-resumed-0rtt', infos);
    });

    it('reproduces the PSK-based early, handshake and master secrets (RFC 8446 §7.1)', () => {
      const hash = sha256();
      checkHiddenChain('04-resumed-0rtt', hash, resumptionFrom03(hash));
    });
  });
});
