/**
 * @module tools/args
 * Flag values shared by the CLI's commands: ports, addresses, counts, seconds, lists, the crypto
 * provider, cipher suite and group lists. Each parser throws a UsageError naming the flag (exit
 * status 2).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ProviderOption } from '../node/options.ts';
import { parseCipherList, parseGroupList } from '../node/tls-lists.ts';
import { UsageError } from './usage-error.ts';

/** A TCP address. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Flags renamed so that their names say they weaken security (the brief: "anything that weakens
 * security carries `dangerous` in its name"): parseArgs still knows each old name (`values`
 * keyed by it, without a default) so that one given is a usage error naming the new flag.
 * @throws UsageError
 */
export function refuseRenamedFlags(values: Readonly<Record<string, unknown>>, renamed: Readonly<Record<string, string>>): void {
  for (const [old, now] of Object.entries(renamed)) {
    if (values[old] !== undefined) throw new UsageError(`--${old} is now ${now} (renamed: it weakens security, and its name says so)`);
  }
}

/** A decimal port, 0..65535. @throws UsageError */
export function parsePort(s: string, what: string): number {
  const n = Number(s);
  if (!/^\d{1,5}$/.test(s) || n > 65535) throw new UsageError(`${what}: invalid port ${JSON.stringify(s)}`);
  return n;
}

/** `host:port` or `[v6]:port`. @throws UsageError */
export function parseHostPort(s: string, what: string): HostPort {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  if (!m) throw new UsageError(`${what}: expected HOST:PORT, got ${JSON.stringify(s)}`);
  if (m[0].startsWith('[') && isIP(m[1]!) !== 6) throw new UsageError(`${what}: bad IPv6 address in ${JSON.stringify(s)}`);
  return { host: m[1]!, port: parsePort(m[2]!, what) };
}

/** A non-negative decimal integer. @throws UsageError */
export function parseCount(what: string, s: string): number {
  if (!/^\d{1,9}$/.test(s)) throw new UsageError(`${what} must be a non-negative integer, got ${JSON.stringify(s)}`);
  return Number(s);
}

/** Seconds, 0 < s <= max, fractions allowed. @throws UsageError */
export function parseSeconds(what: string, s: string, max: number): number {
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max) throw new UsageError(`${what}: expected seconds (0 < S <= ${max}), got ${JSON.stringify(s)}`);
  return n;
}

/** `node` or `pure`. @throws UsageError */
export function parseProvider(s: string): ProviderOption {
  if (s === 'node' || s === 'pure') return s;
  throw new UsageError(`--provider must be node or pure, got ${JSON.stringify(s)}`);
}

/** The bytes of a file named by `flag`. @throws UsageError naming the flag and the file */
export function readFlagFile(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UsageError(`${flag} ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A comma-separated list, blanks dropped. */
export function splitList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

/**
 * `--ciphers LIST`: TLS 1.3 suites in node:tls's `ciphers` syntax (`:`-separated OpenSSL names),
 * read by the adapter's own parser (src/node/tls-lists.ts) so that the CLI and `connect({ ciphers })`
 * accept the same lists; returned unchanged for the adapter's `ciphers` option.
 * @throws UsageError naming the flag
 */
export function parseCiphersFlag(s: string, flag = '--ciphers'): string {
  return checkedList(() => parseCipherList(s, flag), s);
}

/**
 * `--groups LIST`: key exchange groups in node:tls's `ecdhCurve` syntax (`:`-separated OpenSSL
 * names, `*` marks a group the client sends a key share for; `auto`: the library default,
 * X25519MLKEM768 then x25519 with key shares for both), read by the adapter's own parser
 * (src/node/tls-lists.ts); returned unchanged for the adapter's `ecdhCurve` option.
 * @throws UsageError naming the flag
 */
export function parseGroupsFlag(s: string, flag = '--groups'): string {
  return checkedList(() => parseGroupList(s, flag), s);
}

function checkedList(parse: () => unknown, s: string): string {
  try {
    parse();
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  return s;
}
