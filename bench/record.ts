/**
 * @module bench/record
 * Record protection cost (RFC 8446 §5.2-§5.3): seal and open of 64 B and 16 KiB records for each
 * cipher suite, with the noble provider and the node:crypto provider. Run: `npx tsx bench/record.ts`.
 */
import { ALL_SUITES, type CipherSuiteInfo } from '../src/crypto/suites.ts';
import type { CryptoProvider } from '../src/crypto/provider.ts';
import { nobleProvider } from '../src/crypto/noble/index.ts';
import { nodeCryptoProvider } from '../src/node/crypto-provider.ts';
import { ContentType } from '../src/protocol/registry.ts';
import type { RawRecord } from '../src/record/deframer.ts';
import { RecordProtection } from '../src/record/protection.ts';
import { bench, checkOnce, finish, header, section, warmup } from './_harness.ts';

const PLAIN_64 = new Uint8Array(64).fill(0x61);
const PLAIN_16K = new Uint8Array(16384).fill(0x62);

async function main(): Promise<void> {
  header('puretls record protection: seal/open per suite and provider');
  for (const provider of [nobleProvider, nodeCryptoProvider]) {
    for (const suite of ALL_SUITES) {
      const keys = { key: new Uint8Array(suite.keyLen).fill(7), iv: new Uint8Array(suite.ivLen).fill(9) };
      const sealer = new RecordProtection(provider, suite, keys);
      checkOnce(() => opener(provider, suite).open(asRecord(sealer.seal(ContentType.application_data, PLAIN_16K))).plaintext, PLAIN_16K);
      const sealed64 = asRecord(new RecordProtection(provider, suite, keys).seal(ContentType.application_data, PLAIN_64));
      const sealed16k = asRecord(new RecordProtection(provider, suite, keys).seal(ContentType.application_data, PLAIN_16K));
      await warmup(() => sealer.seal(ContentType.application_data, PLAIN_64));
      section(`${provider.name} ${suite.name}`);
      await bench('seal 64 B', () => sealer.seal(ContentType.application_data, PLAIN_64), { bytes: 64 });
      await bench('seal 16 KiB', () => sealer.seal(ContentType.application_data, PLAIN_16K), { bytes: 16384 });
      // A record opens only at its own sequence number: a fresh opener (seq 0) per call; the
      // constructor's cost (AEAD key setup) is included and small next to a 16 KiB open.
      await bench('open 64 B (incl. key setup)', () => opener(provider, suite).open(sealed64), { bytes: 64 });
      await bench('open 16 KiB (incl. key setup)', () => opener(provider, suite).open(sealed16k), { bytes: 16384 });
    }
  }
  finish();
}

function opener(provider: CryptoProvider, suite: CipherSuiteInfo): RecordProtection {
  return new RecordProtection(provider, suite, { key: new Uint8Array(suite.keyLen).fill(7), iv: new Uint8Array(suite.ivLen).fill(9) });
}

function asRecord(wire: Uint8Array): RawRecord {
  return {
    contentType: wire[0] ?? 0,
    legacyRecordVersion: ((wire[1] ?? 0) << 8) | (wire[2] ?? 0),
    header: wire.subarray(0, 5),
    fragment: wire.subarray(5),
  };
}

await main();
