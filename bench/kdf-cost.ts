/**
 * @module bench/kdf-cost
 * CPU per work unit of the key-derivation bound (src/x509/kdf-budget.ts, docs/07 §4d), per
 * provider: PBKDF2 with each PRF (32-byte key, as for AES-256-CBC), scrypt, and the PKCS#12 MAC
 * key derivation. Both providers in one process, interleaved rounds, median (process
 * `cpuUsage`, user + system, so foreign load matters less than for wall time; the load average
 * is printed). Equal µs per unit across rows means the weights are right; "at the bound" is
 * what the largest accepted file of that kind costs.
 * Run: `npx tsx bench/kdf-cost.ts` (`--quick`: fewer rounds).
 */
import { loadavg } from 'node:os';
import { nobleProvider } from '../src/crypto/noble/index.ts';
import type { CryptoProvider, PasswordBasedCrypto } from '../src/crypto/provider.ts';
import { nodeCryptoProvider } from '../src/node/crypto-provider.ts';
import { KDF_WORK_LIMIT, type Pbkdf2Prf, pbkdf2Work, pkcs12MacWork, scryptWork } from '../src/x509/kdf-budget.ts';
import { header, QUICK, section } from './_harness.ts';

const PASSWORD = new TextEncoder().encode('puretls');
const SALT = new Uint8Array(16).fill(7);
const PROVIDERS: readonly [string, CryptoProvider][] = [
  ['pure', nobleProvider],
  ['node', nodeCryptoProvider],
];

interface Case {
  readonly label: string;
  /** Work units (kdf-budget.ts) the run is charged. */
  readonly work: number;
  readonly run: (provider: CryptoProvider) => void;
}

const pb = (provider: CryptoProvider): PasswordBasedCrypto => provider.passwordBased as PasswordBasedCrypto;

function cpuMs(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

function main(): void {
  header('puretls key derivation: CPU per work unit of src/x509/kdf-budget.ts, and at its bound');
  const prfs: Pbkdf2Prf[] = ['sha1', 'sha256', 'sha384', 'sha512'];
  const cases: Case[] = [
    { label: 'scrypt N=2^14 r=8 p=1 (OpenSSL default)', work: scryptWork(2 ** 14, 8, 1), run: (p) => void pb(p).scrypt(PASSWORD, SALT, 2 ** 14, 8, 1, 32) },
    { label: 'scrypt N=2 r=2^13 p=1 (expansion-bound)', work: scryptWork(2, 2 ** 13, 1), run: (p) => void pb(p).scrypt(PASSWORD, SALT, 2, 2 ** 13, 1, 32) },
    ...prfs.map(
      (prf): Case => ({
        label: `PBKDF2-HMAC-${prf.toUpperCase()} ×20,000, 32-byte key`,
        work: pbkdf2Work(prf, 20_000, 32),
        run: (p) => void pb(p).pbkdf2(prf, PASSWORD, SALT, 20_000, 32),
      }),
    ),
    ...(['sha256', 'sha512'] as const).map(
      (h): Case => ({
        label: `PKCS#12 MAC KDF ${h.toUpperCase()} ×50,000 (digest chain)`,
        work: pkcs12MacWork(h, 50_000),
        run: (p) => {
          const hash = p.hash(h);
          let a = hash.digest(SALT);
          for (let i = 1; i < 50_000; i++) a = hash.digest(a);
        },
      }),
    ),
  ];
  const rounds = QUICK ? 3 : 7;
  section(`µs CPU per work unit, median of ${rounds} interleaved rounds; ms CPU of ${KDF_WORK_LIMIT} units (the bound)`);
  for (const c of cases) {
    const samples = new Map<string, number[]>(PROVIDERS.map(([name]) => [name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const [name, provider] of PROVIDERS) samples.get(name)?.push((cpuMs(() => c.run(provider)) * 1000) / c.work);
    }
    const cells = PROVIDERS.map(([name]) => {
      const us = median(samples.get(name) ?? []);
      return `${name} ${us.toFixed(3)} µs/unit, ${((us * KDF_WORK_LIMIT) / 1000).toFixed(0)} ms at the bound`;
    });
    console.log(`${c.label.padEnd(50)} ${cells.join('   ')}`);
  }
  console.log(`load average at the end (1, 5, 15 min): ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main();
