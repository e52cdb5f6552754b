/**
 * @module test/fuzz/targets/setup
 * What the fuzz targets share (STYLE §8.1): configs under the insecure fuzz provider, fixed
 * randomness and clock, a verifier that accepts any chain (its leaf key comes from the test PKI;
 * every signature verifies under the fuzz provider), and the oracle: only a TlsError that is not
 * internal_error may escape the engine.
 */
import { readFileSync } from 'node:fs';
import { clientConfig, serverConfig, type ClientConfig, type ServerConfig } from '../../../src/config.ts';
import { TlsError } from '../../../src/errors.ts';
import { AlertDescription } from '../../../src/protocol/registry.ts';
import { certifiedKey } from '../../../src/x509/certified-key.ts';
import { parseCertificate, parseCertificateChain, type ParsedCertificate } from '../../../src/x509/certificate.ts';
import type { CertificateVerifier } from '../../../src/x509/verifier.ts';
import { fuzzProvider } from '../../helpers/fuzz-provider.ts';
import { certPaths } from '../../helpers/pki.ts';

const paths = certPaths('ed25519');
const chainPem = readFileSync(paths.endChain, 'utf8');
const leaf = parseCertificate(parseCertificateChain(chainPem)[0] as Uint8Array);

/**
 * The ecdsa-p256 test leaf and its issuing intermediate, parsed: the certificate whose revocation
 * the revocation targets (ocsp-response, crl) ask about. Read when a target calls it.
 */
export function revocationSubject(): { leaf: ParsedCertificate; issuer: ParsedCertificate } {
  const p = certPaths('ecdsa-p256');
  const first = (path: string): ParsedCertificate => parseCertificate(parseCertificateChain(readFileSync(path, 'utf8'))[0] as Uint8Array);
  return { leaf: first(p.end), issuer: first(p.inter) };
}

/** Accepts any chain; the handshake then checks CertificateVerify against the test leaf's key. */
const acceptAll: CertificateVerifier = { verify: () => ({ leaf, chain: [leaf] }) };

const zeroRandom = (n: number): Uint8Array => new Uint8Array(n);
/** The fuzz targets' clock (ms since the epoch). */
export const FUZZ_NOW: number = Date.UTC(2026, 0, 1);
const fixedNow = (): number => FUZZ_NOW;

export const FUZZ_CLIENT_CONFIG: ClientConfig = clientConfig({
  provider: fuzzProvider,
  verifier: acceptAll,
  random: zeroRandom,
  now: fixedNow,
  alpnProtocols: ['h2', 'http/1.1'],
  // Every input starts from the same ClientHello: no tickets carried from one run to the next.
  sessionCache: false,
});

export const FUZZ_SERVER_CONFIG: ServerConfig = serverConfig({
  provider: fuzzProvider,
  certificates: [certifiedKey(fuzzProvider, chainPem, readFileSync(paths.endKey, 'utf8'))],
  random: zeroRandom,
  now: fixedNow,
  alpnProtocols: ['h2'],
  alpnStrict: false,
});

/**
 * The oracle (STYLE §6.1, §8.1): runs `fn`; a TlsError other than internal_error is an expected
 * rejection and is swallowed; anything else is rethrown as a finding.
 */
export function expectOnlyTlsErrors(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof TlsError && e.alert !== AlertDescription.internal_error) return;
    throw e;
  }
}

/**
 * The oracle for configuration inputs (PEM files, key files): runs `fn`; a plain `Error` whose
 * message matches `message` is an expected refusal; any other exception (a TypeError from deep
 * inside, a RangeError, a TlsError, a non-Error) is rethrown as a finding.
 */
export function expectOnlyConfigErrors(message: RegExp, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error && e.constructor === Error && message.test(e.message)) return;
    throw e;
  }
}
