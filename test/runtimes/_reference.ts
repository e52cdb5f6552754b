/**
 * @module test/runtimes/_reference
 * The in-memory scenario's input (the ECDSA P-256 test PKI, and the Ed25519 root as the one that
 * must be refused) and Node's result for it, computed once per test file: what every runtime's
 * run must equal.
 */
import { certPems } from '../helpers/pki.ts';
import { inMemoryHandshake, type ScenarioPems, type ScenarioResult } from './in-memory-handshake.ts';

export const SCENARIO_PEMS: ScenarioPems = { ...certPems('ecdsa-p256'), otherCa: certPems('ed25519').ca };

let reference: ScenarioResult | undefined;
export function nodeResult(): ScenarioResult {
  reference ??= inMemoryHandshake(SCENARIO_PEMS);
  return reference;
}
