/**
 * @module test/fuzz/targets
 * Every fuzz target (STYLE §8.1: a plain `fuzz(data: Uint8Array): void` that throws only on a
 * finding), with what the drivers need to know about it: its per-input budget in the campaign,
 * the longest input worth trying, whether its input is DER (after `derPrefix` option bytes) for
 * the structure-aware mutations, and how many executions `npm test` gives it.
 */
import type { FuzzTarget } from '../driver.ts';
import type { Budget, Step } from '../guided.ts';
import { fuzz as certificate } from './certificate.ts';
import { fuzz as client } from './client.ts';
import { fuzz as compressedCertificate } from './compressed-certificate.ts';
import { fuzz as crl } from './crl.ts';
import { fuzz as deframer } from './deframer.ts';
import { fuzz as extensions } from './extensions.ts';
import { fuzz as message } from './message.ts';
import { fuzz as ocspResponse } from './ocsp-response.ts';
import { fuzz as pausedServer } from './paused-server.ts';
import { fuzz as pem } from './pem.ts';
import { fuzz as privateKey } from './private-key.ts';
import { fuzz as proxyHeader } from './proxy-header.ts';
import { fuzz as server } from './server.ts';
import { fuzz as ticket } from './ticket.ts';
import { slowestCheckMs, fuzz as verifier } from './verifier.ts';

export interface TargetSpec {
  readonly fuzz: FuzzTarget;
  /** What one input may cost in the campaign (`npm run fuzz`); never checked in `npm test`. */
  readonly budget: Budget;
  /** Inputs are cut to this length. */
  readonly maxLen: number;
  /** The input is DER after this many option bytes (structure-aware mutations apply). */
  readonly derPrefix?: number;
  /** Executions in `npm test`: fast-check properties and seeded driver mutants. */
  readonly inTest: { readonly fastCheck: number; readonly driver: number };
  /** A unit of work inside one input with a budget of its own (campaign only); see Step. */
  readonly step?: Step;
}

/** Budgets in CPU milliseconds and MiB; a legitimate input stays far below (see the comments). */
const CODEC: Budget = { ms: 100, mib: 64 };
const CONNECTION: Budget = { ms: 250, mib: 128 };

export const TARGETS = {
  message: { fuzz: message, budget: CODEC, maxLen: 1 << 17, inTest: { fastCheck: 300, driver: 3000 } },
  deframer: { fuzz: deframer, budget: CODEC, maxLen: 1 << 16, inTest: { fastCheck: 300, driver: 3000 } },
  extensions: { fuzz: extensions, budget: CODEC, maxLen: 1 << 16, inTest: { fastCheck: 300, driver: 3000 } },
  client: { fuzz: client, budget: CONNECTION, maxLen: 1 << 16, inTest: { fastCheck: 150, driver: 800 } },
  server: { fuzz: server, budget: CONNECTION, maxLen: 1 << 16, inTest: { fastCheck: 150, driver: 800 } },
  certificate: { fuzz: certificate, budget: CODEC, maxLen: 1 << 16, derPrefix: 0, inTest: { fastCheck: 300, driver: 2000 } },
  // Real signatures with the pure provider: a legitimate chain costs milliseconds per check.
  // One check of an RSA-8192 or P-384 signature costs a few ms: 100 of them (the path-building
  // budget) fit in the input budget, and one check over 50 ms is a finding of its own.
  verifier: {
    fuzz: verifier,
    budget: { ms: 1000, mib: 256 },
    step: { what: 'signature check', budgetMs: 50, slowestMs: slowestCheckMs },
    maxLen: 1 << 17,
    derPrefix: 1,
    inTest: { fastCheck: 100, driver: 300 },
  },
  'paused-server': { fuzz: pausedServer, budget: CONNECTION, maxLen: 140_000, inTest: { fastCheck: 150, driver: 800 } },
  ticket: { fuzz: ticket, budget: CONNECTION, maxLen: 1 << 16, inTest: { fastCheck: 100, driver: 300 } },
  // A legitimate message inflates at most 64 KiB; a bomb stops there (RFC 8879 §5).
  'compressed-certificate': { fuzz: compressedCertificate, budget: CODEC, maxLen: 1 << 16, inTest: { fastCheck: 300, driver: 2000 } },
  'proxy-header': { fuzz: proxyHeader, budget: CODEC, maxLen: 4096, inTest: { fastCheck: 300, driver: 2000 } },
  pem: { fuzz: pem, budget: CODEC, maxLen: 1 << 16, inTest: { fastCheck: 300, driver: 2000 } },
  // Operator input: an encrypted key costs a PBKDF2/scrypt run, at most KDF_WORK_LIMIT
  // (src/x509/kdf-budget.ts): 1.6 s of CPU with the pure provider for the largest accepted file.
  'private-key': { fuzz: privateKey, budget: { ms: 3000, mib: 128 }, maxLen: 1 << 16, derPrefix: 1, inTest: { fastCheck: 150, driver: 800 } },
  // Revocation data (x509/ocsp.ts, crl.ts): real signature checks with the pure provider, at
  // most a responder certificate's and the response's (or the CRL's) per input.
  'ocsp-response': { fuzz: ocspResponse, budget: { ms: 500, mib: 128 }, maxLen: 1 << 15, derPrefix: 0, inTest: { fastCheck: 150, driver: 800 } },
  crl: { fuzz: crl, budget: { ms: 500, mib: 128 }, maxLen: 1 << 16, derPrefix: 0, inTest: { fastCheck: 150, driver: 800 } },
} as const satisfies Record<string, TargetSpec>;

export type TargetName = keyof typeof TARGETS;
export const TARGET_NAMES: readonly TargetName[] = Object.keys(TARGETS) as TargetName[];
