/**
 * @module tools/secret-file
 * Files that hold secrets: the session-ticket master secret (`--ticket-secret`), a key's passphrase
 * (`--passphrase-file`) and the NSS key log (`--keylog`). Like ssh with a private key, a secret file that other users can read is
 * refused with a message saying why and how to fix it, never used. The checks look at the open
 * file (fstat), so the file checked is the file used.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { UsageError } from './usage-error.ts';

/**
 * Permission bits a ticket secret or passphrase file must not have: any access by group or others
 * (ssh's rule for private keys). Write access matters too: whoever can replace the ticket secret
 * can mint tickets that resume as any identity sealed in them.
 */
const SECRET_FILE_FORBIDDEN_MODE = 0o077;
/** Permission bits an existing key log must not have: read by group or others (it decrypts traffic). */
const KEY_LOG_FORBIDDEN_MODE = 0o044;

/** Ticket master secret bounds: RFC 8446 §4.6.1 tickets are sealed with keys derived from it. */
const MIN_TICKET_SECRET = 32;
const MAX_TICKET_SECRET = 4096;

/**
 * The ticket master secret in `file` (`--ticket-secret`): 32..4096 bytes, no access for group or others.
 * @throws UsageError
 */
export function readTicketSecretFile(file: string): Uint8Array {
  return readSecretFile(file, '--ticket-secret', MIN_TICKET_SECRET, MAX_TICKET_SECRET);
}

/**
 * Reads a secret file of `min..max` bytes that only its owner can access (mode & 0o077 == 0).
 * @throws UsageError when it cannot be read, is too open, or has the wrong size
 */
export function readSecretFile(file: string, what: string, min: number, max: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new UsageError(`${what} ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const stats = fstatSync(fd);
    refuseTooOpen(stats, file, what, SECRET_FILE_FORBIDDEN_MODE);
    if (stats.size < min || stats.size > max) throw new UsageError(`${what} ${file}: expected ${min}..${max} bytes, got ${stats.size}`);
    const bytes = new Uint8Array(stats.size);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, got);
      if (n === 0) break;
      got += n;
    }
    if (got < min) throw new UsageError(`${what} ${file}: expected ${min}..${max} bytes, got ${got}`);
    return bytes.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens (creating it with mode 0600) a file to append secrets to. An existing regular file that
 * group or others can read is refused. Devices and FIFOs (`/dev/stderr`, a pipe to Wireshark) are
 * not checked: what reads them is the operator's explicit choice.
 * @returns the open file descriptor
 * @throws UsageError when it cannot be opened or is too open
 */
export function openSecretAppendFile(file: string, what: string): number {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
  } catch (e) {
    throw new UsageError(`${what} ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    refuseTooOpen(fstatSync(fd), file, what, KEY_LOG_FORBIDDEN_MODE);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}

/** @throws UsageError when a regular file has any of the `forbidden` permission bits */
function refuseTooOpen(stats: Stats, file: string, what: string, forbidden: number): void {
  // Windows has no POSIX permission bits (its ACLs are not visible in stats.mode).
  if (process.platform === 'win32' || !stats.isFile()) return;
  const mode = stats.mode & 0o777;
  if ((mode & forbidden) === 0) return;
  throw new UsageError(
    `${what} ${file}: permissions ${mode.toString(8).padStart(4, '0')} are too open: the file holds secrets and must not be ` +
      `${forbidden & 0o022 ? 'accessible' : 'readable'} by group or others; fix with 'chmod 600 ${file}'`,
  );
}
