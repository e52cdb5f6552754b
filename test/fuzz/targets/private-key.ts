/**
 * @module test/fuzz/targets/private-key
 * Fuzz target (operator input): private-key files (src/x509/keys.ts: PKCS#8, SEC1, PKCS#1, and
 * encrypted PKCS#8 with PBKDF2 or scrypt), loaded into the noble provider as `certifiedKey`
 * does. The first input byte picks the form (DER bytes, PEM text, PEM bytes) and the passphrase
 * (the seeds' "puretls", a wrong one, none). Oracle: a key, or a plain `Error` "key: ..." (or
 * "pem: ..." for the PEM framing) from the parser; the provider may refuse a parsed key with any
 * Error. The campaign's time and
 * memory budget is the point here: absurd PBKDF2/scrypt parameters in a key file must fail fast.
 */
import { nobleProvider } from '../../../src/crypto/noble/index.ts';
import type { PrivateKey } from '../../../src/crypto/provider.ts';
import { parsePrivateKey } from '../../../src/x509/keys.ts';
import { expectOnlyConfigErrors } from './setup.ts';

const PASSPHRASES: readonly (string | undefined)[] = ['puretls', 'wrong', undefined, 'puretls'];

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  const options = data[0] as number;
  const body = data.subarray(1);
  const form = options & 3;
  const input = form === 1 ? Buffer.from(body).toString('utf8') : body;
  const passphrase = PASSPHRASES[(options >> 2) & 3];
  let key: PrivateKey | undefined;
  expectOnlyConfigErrors(/^(key|pem): /, () => {
    key = parsePrivateKey(input, { provider: nobleProvider, ...(passphrase === undefined ? {} : { passphrase }) });
  });
  if (key === undefined) return;
  try {
    nobleProvider.signingKey(key);
  } catch (e) {
    if (!(e instanceof Error)) throw e;
  }
}
