/**
 * @module test/fuzz/targets/verifier
 * Fuzz target: RFC 5280 §6.1 path validation (src/x509/verifier.ts) of a peer's certificate list
 * against the test PKI's roots, with the pure (noble) provider, so every signature is really
 * checked and a cost bug (a huge RSA exponent, a name-constraint blow-up) shows as a slow input
 * or a slow signature check.
 * Input: one option byte (usage, reference name, offered schemes), then the certificate_list as
 * concatenated DER elements (`splitDer`). Oracle: a verified chain that starts with the leaf, or a
 * CertificateError; any other exception is a finding.
 */
import { readFileSync } from 'node:fs';
import { nobleProvider } from '../../../src/crypto/noble/index.ts';
import type { CryptoProvider } from '../../../src/crypto/provider.ts';
import { AlertDescription, SignatureScheme } from '../../../src/protocol/registry.ts';
import { parseCertificateChain } from '../../../src/x509/certificate.ts';
import { CertificateError, webPkiVerifier, type VerifyInput } from '../../../src/x509/verifier.ts';
import { CERTS_DIR } from '../../helpers/pki.ts';
import { splitDer } from '../der-input.ts';

/**
 * The pure provider, timing each signature check in CPU time: one check is the unit of work the
 * verifier's budget counts, so its cost must be bounded too (an 8191-bit RSA exponent made one
 * check cost 0.6 s). The campaign reads the slowest check of each input (`slowestCheckMs`).
 */
let slowest = 0;
const timedProvider: CryptoProvider = {
  ...nobleProvider,
  verify(scheme, key, message, signature) {
    const start = process.cpuUsage();
    try {
      return nobleProvider.verify(scheme, key, message, signature);
    } finally {
      const used = process.cpuUsage(start);
      slowest = Math.max(slowest, (used.user + used.system) / 1000);
    }
  },
};

/** CPU ms of the slowest signature check of the last input. */
export function slowestCheckMs(): number {
  return slowest;
}

const ROOT_FILES = ['ecdsa-p256/ca.pem', 'ecdsa-p384/ca.pem', 'ed25519/ca.pem', 'rsa-2048/ca.pem', 'rules/root.pem'];
const roots = ROOT_FILES.flatMap((f) => parseCertificateChain(readFileSync(`${CERTS_DIR}/${f}`, 'utf8')));
const verifier = webPkiVerifier({ roots });

/** Reference names the option byte picks from (DNS, wildcard-reaching, IP, none). */
export const SERVER_NAMES: readonly (string | undefined)[] = ['localhost', 'www.allowed.test', '10.1.2.3', 'a.wild.test', '127.0.0.1', undefined, 'good.test', '::1'];
/** Inside every test certificate's validity (2024-01-01 .. 2124-01-01). */
const NOW = Date.UTC(2025, 5, 1);
/** A client offering only ECDSA and Ed25519 (RFC 8446 §4.2.3 signature_algorithms_cert). */
const NO_RSA: readonly number[] = [SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.ecdsa_secp384r1_sha384, SignatureScheme.ed25519];

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  const options = data[0] as number;
  const chain = splitDer(data.subarray(1));
  slowest = 0;
  const input: VerifyInput = {
    chain,
    serverName: SERVER_NAMES[options & 7],
    now: NOW,
    provider: timedProvider,
    usage: (options & 8) !== 0 ? 'client' : 'server',
    ...((options & 16) !== 0 ? { signatureSchemes: NO_RSA } : {}),
  };
  let verified;
  try {
    verified = verifier.verify(input);
  } catch (e) {
    if (e instanceof CertificateError && e.alert !== AlertDescription.internal_error) return;
    throw e;
  }
  if (verified.leaf.der !== chain[0]) throw new Error('verifier: the verified leaf is not the first certificate');
  if (verified.chain[0] !== verified.leaf || verified.chain.length > chain.length + 1) throw new Error('verifier: implausible path');
}
