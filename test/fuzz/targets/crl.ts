/**
 * @module test/fuzz/targets/crl
 * Fuzz target: a CRL (src/x509/crl.ts, RFC 5280 §5.1 over strict DER): caller input, but read by
 * the same strict reader as peer data and worth the same guarantees. Parsed, then asked about the
 * ecdsa-p256 test leaf under its intermediate with the pure provider (issuer match, cRLSign,
 * freshness at a fixed clock, a real signature check under a path budget). Oracle: a TlsError
 * or a verdict; no more revoked serials than the input could hold; any other exception is a finding.
 */
import { nobleProvider } from '../../../src/crypto/noble/index.ts';
import { CrlIndex, parseCrl } from '../../../src/x509/crl.ts';
import { PathBudget } from '../../../src/x509/verifier.ts';
import { expectOnlyTlsErrors, FUZZ_NOW, revocationSubject } from './setup.ts';

const { leaf, issuer } = revocationSubject();

export function fuzz(data: Uint8Array): void {
  expectOnlyTlsErrors(() => {
    const crl = parseCrl(data);
    // Each entry takes at least 2 + 3 (serial) + 2 + 13 (UTCTime) bytes of the input.
    if (crl.revoked.size * 20 > data.length) throw new Error('crl: more entries than the input holds');
    new CrlIndex([crl]).verdict(leaf, issuer, 0, FUZZ_NOW, nobleProvider, new PathBudget());
  });
}
