/**
 * @module tools/keylog
 * Writes the NSS key log format (the `SSLKEYLOGFILE` convention read by Wireshark) to a file:
 * one `LABEL <client_random hex> <secret hex>` line per RFC 8446 §7.1 traffic secret.
 */
import { appendFileSync } from 'node:fs';

/**
 * A sink for key-log lines appending to `path` (default: the SSLKEYLOGFILE environment variable),
 * or undefined when neither is set.
 */
export function keyLogSink(path: string | undefined = process.env['SSLKEYLOGFILE']): ((line: Buffer) => void) | undefined {
  if (path === undefined || path === '') return undefined;
  return (line: Buffer): void => {
    appendFileSync(path, line, { mode: 0o600 });
  };
}
