/**
 * @module tools/passphrase
 * The passphrase of an encrypted private key (PKCS#8 "ENCRYPTED PRIVATE KEY"), from
 * `--passphrase-file FILE` (its first line, like `openssl -passin file:`) or `--passphrase-env NAME`
 * (an environment variable), never from the command line itself, where `ps` shows it to everyone.
 * The file is a secret file: refused when group or others can access it (tools/secret-file.ts).
 */
import { readFlagFile } from './args.ts';
import { readSecretFile } from './secret-file.ts';
import { UsageError } from './usage-error.ts';

/** Bound on a passphrase file: a line, not a document. */
const MAX_PASSPHRASE_FILE = 64 * 1024;

/**
 * The passphrase named by the flags, or undefined when neither is given.
 * @throws UsageError for both flags at once, an unusable file, an unset or empty variable
 */
export function passphraseFrom(file: string | undefined, envName: string | undefined): string | undefined {
  if (file !== undefined && envName !== undefined) throw new UsageError('give --passphrase-file or --passphrase-env, not both');
  if (file !== undefined) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(readSecretFile(file, '--passphrase-file', 1, MAX_PASSPHRASE_FILE));
    const line = text.split(/\r?\n/, 1)[0] ?? '';
    if (line === '') throw new UsageError(`--passphrase-file ${file}: the first line is empty`);
    return line;
  }
  if (envName !== undefined) {
    const value = process.env[envName];
    if (value === undefined || value === '') throw new UsageError(`--passphrase-env ${envName}: the variable is not set or empty`);
    return value;
  }
  return undefined;
}

/**
 * The PEM text of the private key file `file` (named by `flag`). An encrypted key (RFC 5958
 * EncryptedPrivateKeyInfo, "ENCRYPTED PRIVATE KEY") without a passphrase is refused here, naming
 * the flags that give one.
 * @throws UsageError when the file cannot be read, or is encrypted and `passphrase` is undefined
 */
export function readKeyFile(file: string, flag: string, passphrase: string | undefined): string {
  const pem = readFlagFile(file, flag).toString('utf8');
  if (passphrase === undefined && pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
    throw new UsageError(`${flag} ${file}: the key is encrypted: give its passphrase with --passphrase-file FILE or --passphrase-env NAME`);
  }
  return pem;
}
