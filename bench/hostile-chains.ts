/**
 * @module bench/hostile-chains
 * CPU per validation of the hostile certificate chains of issue 8 (test/unit/x509/_hostile.ts),
 * per provider: the verifier must refuse each one, and this says how much CPU that costs (process
 * `cpuUsage`, user + system, median of the runs). A bound that regressed shows up here as seconds.
 * Run: `npx tsx bench/hostile-chains.ts` (`--quick`: one run each).
 */
import { nobleProvider } from '../src/crypto/noble/index.ts';
import type { CryptoProvider } from '../src/crypto/provider.ts';
import { nodeCryptoProvider } from '../src/node/crypto-provider.ts';
import { CertificateError, webPkiVerifier } from '../src/x509/verifier.ts';
import { buildCertificate, ecKey, spkiOf } from '../test/unit/x509/_build.ts';
import { hugeExponentChain, nameConstraintChain } from '../test/unit/x509/_hostile.ts';
import { header, QUICK, section } from './_harness.ts';

const NOW = Date.UTC(2025, 5, 1);

function main(): void {
  header('puretls X.509: CPU per refused hostile chain (issue 8)');
  const root = buildCertificate({ subject: 'unrelated root', issuer: 'unrelated root', spki: spkiOf(ecKey('P-256')), ca: true });
  const nc = nameConstraintChain(1000, 1000, 2);
  const cases: [string, Uint8Array[], Uint8Array, CryptoProvider][] = [
    ['15 RSA-8192 CAs with 8191-bit exponents, noble', hugeExponentChain(8192, 15), root, nobleProvider],
    ['15 RSA-3072 CAs with 3071-bit exponents, node', hugeExponentChain(3072, 15), root, nodeCryptoProvider],
    ['2 CAs × 1000 name constraints, 1000 SANs, node', nc.chain, nc.root, nodeCryptoProvider],
  ];
  section('one validation each (ms CPU, median)');
  for (const [label, chain, anchor, provider] of cases) {
    const verifier = webPkiVerifier({ roots: [anchor] });
    const bytes = chain.reduce((n, c) => n + c.length, 0);
    const samples: number[] = [];
    let reason = '';
    for (let r = 0; r < (QUICK ? 1 : 3); r++) {
      const before = process.cpuUsage();
      try {
        verifier.verify({ chain, serverName: 'hostile.test', now: NOW, provider });
        reason = 'ACCEPTED';
      } catch (e) {
        reason = e instanceof CertificateError ? e.reason : String(e);
      }
      const used = process.cpuUsage(before);
      samples.push((used.user + used.system) / 1000);
    }
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)] as number;
    console.log(`${label.padEnd(52)} ${String(bytes).padStart(7)} bytes  ${median.toFixed(1).padStart(9)} ms  (${reason})`);
  }
}

main();
