/**
 * @module bench/keyschedule
 * One full TLS 1.3 key schedule (RFC 8446 §7.1: Early → Handshake → Master secret, both handshake and
 * application traffic secrets, exporter and resumption secrets, and the §7.3 key/iv of all four
 * traffic secrets) per hash and provider. Run: `npx tsx bench/keyschedule.ts`.
 */
import type { CryptoProvider, HashName } from '../src/crypto/provider.ts';
import { ALL_SUITES } from '../src/crypto/suites.ts';
import { nobleProvider } from '../src/crypto/noble/index.ts';
import { nodeCryptoProvider } from '../src/node/crypto-provider.ts';
import { EarlySecret } from '../src/keyschedule/schedule.ts';
import { deriveTrafficKeys } from '../src/keyschedule/traffic.ts';
import { bench, checkOnce, finish, header, section, warmup } from './_harness.ts';

async function main(): Promise<void> {
  header('puretls key schedule: one full run per suite and provider');
  for (const provider of [nobleProvider, nodeCryptoProvider]) {
    for (const suite of ALL_SUITES) {
      const run = (): Uint8Array => fullSchedule(provider, suite.hash, suite);
      // The two providers must agree before either is timed.
      checkOnce(run, fullSchedule(nobleProvider, suite.hash, suite));
      await warmup(run);
      section(`${provider.name} ${suite.name}`);
      await bench('full key schedule (1-RTT, no PSK)', run);
    }
  }
  finish();
}

/** Returns the concatenated client application key and exporter secret, so the result can be checked. */
function fullSchedule(provider: CryptoProvider, hashName: HashName, suite: (typeof ALL_SUITES)[number]): Uint8Array {
  const hash = provider.hash(hashName);
  const shared = SHARED;
  const helloHash = hash.digest(TRANSCRIPT_A);
  const finishedHash = hash.digest(TRANSCRIPT_B);
  const early = EarlySecret.create(hash);
  const hs = early.handshakeSecret(shared);
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
