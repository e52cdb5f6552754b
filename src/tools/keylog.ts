/**
 * @module tools/keylog
 * Writes the NSS key log format (the `SSLKEYLOGFILE` convention read by Wireshark) to a file:
 * one `LABEL <client_random hex> <secret hex>` line per RFC 8446 §7.1 traffic secret.
 *
 * The file is opened once, at start: created with mode 0600, and an existing file that group or
 * others can read is refused (tools/secret-file.ts). Key logging is a debugging aid and must never
 * break a connection: when a write fails (a full disk, an I/O error) the sink reports it once,
 * stops logging keys and the connections carry on.
 */
import { closeSync, writeSync } from 'node:fs';
import { openSecretAppendFile } from './secret-file.ts';

/** The key log file named by `--keylog`, else by the SSLKEYLOGFILE environment variable, else none. */
export function keyLogPath(flag: string | undefined): string | undefined {
  const path = flag ?? process.env['SSLKEYLOGFILE'];
  return path === '' ? undefined : path;
}

/**
 * A sink for key-log lines appending to `path`, or undefined when `path` is undefined.
 * `onFailure` is called once, with the error, when a write fails; the sink then drops every line.
 * @throws UsageError when the file cannot be opened or others can read it
 */
export function keyLogSink(path: string | undefined, onFailure: (err: Error) => void): ((line: Uint8Array) => void) | undefined {
  if (path === undefined) return undefined;
  let fd: number | undefined = openSecretAppendFile(path, '--keylog');
  return (line: Uint8Array): void => {
    if (fd === undefined) return;
    try {
      for (let done = 0; done < line.length; ) done += writeSync(fd, line, done);
    } catch (e) {
      const failed = fd;
      fd = undefined;
      onFailure(e instanceof Error ? e : new Error(String(e)));
      try {
        closeSync(failed);
      } catch {
        // the descriptor is released either way; the failure was reported above
      }
    }
  };
}
