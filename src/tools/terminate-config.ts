/**
 * @module tools/terminate-config
 * The options of `puretls terminate`: parsed from command-line flags and an optional JSON file
 * (`--config`), validated once, with the defaults in one place. Flags override the file.
 */
import { closeSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ProviderOption } from '../node/options.ts';
import { parseCiphersFlag, parseGroupsFlag, parseHostPort, splitList, type HostPort } from './args.ts';
import { keyLogPath } from './keylog.ts';
import { passphraseFrom } from './passphrase.ts';
import { openSecretAppendFile, readTicketSecretFile } from './secret-file.ts';
import { UsageError } from './usage-error.ts';

/** A server name with its own certificate and, optionally, its own upstream and ALPN protocols. */
export interface SniRoute {
  /** Exact DNS name or `*.example.com`. */
  readonly name: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly upstream?: HostPort;
  /** The ALPN protocols this route's upstream speaks (default: the global --alpn). */
  readonly alpn?: readonly string[];
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Everything `terminate` needs, validated. */
export interface TerminateOptions {
  readonly listen: readonly HostPort[];
  /** Default certificate chain and key (PEM files); both absent: a generated self-signed one. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Passphrase of encrypted key files (--passphrase-file / --passphrase-env). */
  readonly passphrase?: string;
  readonly sni: readonly SniRoute[];
  /** Default upstream; absent: the built-in HTTP/1.1 page. */
  readonly upstream?: HostPort;
  readonly alpn: readonly string[];
  readonly handshakeTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** How long a graceful shutdown waits for open connections before closing them. */
  readonly drainTimeoutMs: number;
  readonly maxConnections: number;
  /** Send a PROXY protocol v2 header to the upstream. */
  readonly proxyProtocol: boolean;
  readonly metrics?: HostPort;
  readonly workers: number;
  readonly logLevel: LogLevel;
  /** NSS key log file; default $SSLKEYLOGFILE. */
  readonly keyLogFile?: string;
  readonly provider: ProviderOption;
  /** Key exchange groups, node:tls `ecdhCurve` syntax (tools/args.ts parseGroupsFlag); default: the library's. */
  readonly groups?: string;
  /** TLS 1.3 cipher suites, node:tls `ciphers` syntax; default: the library's. */
  readonly ciphers?: string;
  /**
   * Ticket master secret read from --ticket-secret / `ticketSecretFile` (32..4096 bytes); absent:
   * random per start (shared by the workers of one --workers run).
   */
  readonly ticketSecret?: Uint8Array;
  /** DER OCSP response file stapled with the default certificate (--ocsp, RFC 6066 §8); re-read on SIGHUP. */
  readonly ocspFile?: string;
  /** Stateful resumption (--session-store): per process in memory, or shared in Redis. */
  readonly sessionStore?: SessionStoreSpec;
  /** Accept up to this many bytes of 0-RTT data per connection (--early-data; needs sessionStore). */
  readonly earlyData: number;
  /** Worker threads making the CertificateVerify signatures (--sign-workers; 0: on the event loop). */
  readonly signWorkers: number;
}

/** Where `terminate` keeps sessions: `memory` (per process) or `redis://HOST:PORT[/DB]` (a fleet). */
export type SessionStoreSpec = { readonly kind: 'memory' } | { readonly kind: 'redis'; readonly url: string };

export const TERMINATE_USAGE = `usage: puretls terminate [options]

Terminates TLS 1.3 in front of a plain TCP service. Without --upstream it answers HTTP/1.1 itself
with a page showing what the connection negotiated.

  --listen HOST:PORT       address to accept TLS on; repeatable (default 127.0.0.1:8443)
  --cert FILE --key FILE   default certificate chain (PEM, leaf first) and private key; without
                           them a self-signed certificate for localhost, 127.0.0.1 and ::1 is made
  --passphrase-file FILE   passphrase of encrypted keys: the first line of FILE (mode 0600)
  --passphrase-env NAME    passphrase of encrypted keys: the environment variable NAME
  --sni NAME=CERT,KEY[,UPSTREAM][,alpn=PROTO:PROTO...]
                           certificate, and optionally upstream HOST:PORT and the ALPN protocols
                           that upstream speaks, for a server name (exact or *.example.com);
                           repeatable
  --upstream HOST:PORT     default upstream (default: the built-in HTTP/1.1 page)
  --alpn LIST              ALPN protocols the upstreams speak, comma-separated (default
                           http/1.1); a client offering none of them continues without ALPN.
                           terminate passes bytes through: offer only what the upstream speaks
                           (an h2 client agreed on h2 in front of an HTTP/1.1 upstream gets
                           nothing useful)
  --proxy-protocol         send a PROXY protocol v2 header (client address, SNI, ALPN) upstream
  --handshake-timeout S    seconds a client has to finish the handshake (default 10)
  --idle-timeout S         seconds without traffic before a connection is closed (default 300)
  --drain-timeout S        seconds SIGTERM/SIGINT waits for open connections (default 30)
  --max-connections N      concurrent connections per process (default 10000)
  --metrics HOST:PORT      serve Prometheus metrics at http://HOST:PORT/metrics
  --workers N              run N worker processes (node:cluster) sharing the listeners (default 1)
  --log-level LEVEL        error, warn, info (default; one JSON line per connection) or debug;
                           lines stdout cannot take (a closed pipe, a full disk, a reader that
                           does not keep up) are dropped, counted in the metric
                           puretls_log_lines_dropped_total and reported once on stderr
  --keylog FILE            append NSS key log lines (default: $SSLKEYLOGFILE); created 0600, an
                           existing file readable by group or others is refused; a write that
                           fails stops key logging (one warning), never a connection
  --provider NAME          crypto provider: node (default) or pure
  --groups LIST            key exchange groups in preference order, ':'-separated OpenSSL names
                           (e.g. X25519MLKEM768:X25519:P-256; default: the library's,
                           X25519MLKEM768 first)
  --ciphers LIST           TLS 1.3 cipher suites in preference order, ':'-separated (e.g.
                           TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256)
  --ticket-secret FILE     session-ticket master secret, the file's bytes (32..4096, e.g.
                           '(umask 077; openssl rand 48 > FILE)'); refused unless only its owner
                           can access it (mode 0600 or 0400); processes, restarts and machines
                           given the same file resume each other's tickets (default: random per
                           start); --workers get it from the primary over the cluster IPC channel
  --ocsp FILE              DER OCSP response to staple with the default certificate (RFC 6066 §8)
  --session-store STORE    stateful resumption, tickets usable once: memory (per process) or
                           redis://HOST:PORT[/DB], shared by every terminate using it (sessions
                           expire with their tickets, each taken with one atomic GETDEL); Redis
                           slow (250 ms) or down means full handshakes, never a replay
  --sign-workers N         make the CertificateVerify signatures on N worker threads instead of
                           the event loop (default: none); each thread loads the key files
  --early-data BYTES       accept up to BYTES of 0-RTT data per connection (RFC 8446 §4.2.10;
                           default 0); needs --session-store. Early data can be replayed by an
                           attacker to other servers unless they share the store
  --config FILE            JSON file with the same settings (keys: listen, cert, key,
                           passphraseFile, passphraseEnv, sni [{name, cert, key, upstream,
                           alpn}], upstream, alpn, proxyProtocol, handshakeTimeout, idleTimeout,
                           drainTimeout, maxConnections, metrics, workers, logLevel, keylog,
                           provider, groups, ciphers, ticketSecretFile, ocsp, sessionStore,
                           earlyData, signWorkers); flags override it
  -h, --help               this help

Signals: SIGTERM/SIGINT stop accepting and drain; SIGHUP reloads the certificate files.
Exit status: 0 after a graceful stop, 1 for a failure (e.g. a port in use), 2 for a usage error
(bad flag or config value, unusable file).
`;

/** Parses `terminate`'s arguments; 'help' for -h. @throws UsageError */
export function terminateOptionsFromArgs(args: readonly string[]): TerminateOptions | 'help' {
  const { values } = parseArgs({
    args: [...args],
    options: {
      listen: { type: 'string', multiple: true },
      cert: { type: 'string' },
      key: { type: 'string' },
      'passphrase-file': { type: 'string' },
      'passphrase-env': { type: 'string' },
      sni: { type: 'string', multiple: true },
      upstream: { type: 'string' },
      alpn: { type: 'string' },
      'proxy-protocol': { type: 'boolean' },
      'handshake-timeout': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'drain-timeout': { type: 'string' },
      'max-connections': { type: 'string' },
      metrics: { type: 'string' },
      workers: { type: 'string' },
      'log-level': { type: 'string' },
      keylog: { type: 'string' },
      provider: { type: 'string' },
      groups: { type: 'string' },
      ciphers: { type: 'string' },
      'ticket-secret': { type: 'string' },
      ocsp: { type: 'string' },
      'session-store': { type: 'string' },
      'early-data': { type: 'string' },
      'sign-workers': { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const file = values.config === undefined ? {} : readConfigFile(values.config);
  const base = values.config === undefined ? process.cwd() : dirname(resolve(values.config));
  const path = (p: unknown, what: string): string | undefined =>
    p === undefined ? undefined : resolve(base, str(p, what));

  const listen = values.listen ?? listOf(file['listen'], 'listen');
  const sniSpecs = values.sni?.map(parseSniFlag) ?? sniFromFile(file['sni'], base);
  const certFile = values.cert ?? path(file['cert'], 'cert');
  const keyFile = values.key ?? path(file['key'], 'key');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--cert and --key go together');
  const passphrase = passphraseFrom(
    values['passphrase-file'] ?? path(file['passphraseFile'], 'passphraseFile'),
    values['passphrase-env'] ?? opt(file['passphraseEnv'], 'passphraseEnv'),
  );
  const upstream = values.upstream ?? opt(file['upstream'], 'upstream');
  const metrics = values.metrics ?? opt(file['metrics'], 'metrics');
  const alpn = values.alpn === undefined ? (file['alpn'] === undefined ? ['http/1.1'] : alpnList(file['alpn'], 'alpn')) : splitList(values.alpn);
  const logLevel = values['log-level'] ?? opt(file['logLevel'], 'logLevel') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const provider = values.provider ?? opt(file['provider'], 'provider') ?? 'node';
  if (provider !== 'node' && provider !== 'pure') throw new UsageError('--provider must be node or pure');
  const groups = values.groups ?? opt(file['groups'], 'groups');
  const ciphers = values.ciphers ?? opt(file['ciphers'], 'ciphers');
  const ticketSecretFile = values['ticket-secret'] ?? path(file['ticketSecretFile'], 'ticketSecretFile');
  const ocspFile = values.ocsp ?? path(file['ocsp'], 'ocsp');
  const keyLogFile = keyLogPath(values.keylog ?? path(file['keylog'], 'keylog'));
  const sessionStore = sessionStoreSpec(values['session-store'] ?? opt(file['sessionStore'], 'sessionStore'));
  const earlyData = count(values['early-data'] ?? file['earlyData'], 0, '--early-data');
  if (earlyData > 0 && sessionStore === undefined) throw new UsageError('--early-data needs --session-store (single-use tickets, RFC 8446 §8.1)');
  return {
    listen: (listen.length === 0 ? ['127.0.0.1:8443'] : listen).map((l) => parseHostPort(l, '--listen')),
    certFile,
    keyFile,
    passphrase,
    sni: sniSpecs,
    upstream: upstream === undefined ? undefined : parseHostPort(upstream, '--upstream'),
    alpn,
    proxyProtocol: values['proxy-protocol'] ?? file['proxyProtocol'] === true,
    handshakeTimeoutMs: seconds(values['handshake-timeout'] ?? file['handshakeTimeout'], 10, '--handshake-timeout'),
    idleTimeoutMs: seconds(values['idle-timeout'] ?? file['idleTimeout'], 300, '--idle-timeout'),
    drainTimeoutMs: seconds(values['drain-timeout'] ?? file['drainTimeout'], 30, '--drain-timeout'),
    maxConnections: count(values['max-connections'] ?? file['maxConnections'], 10_000, '--max-connections'),
    metrics: metrics === undefined ? undefined : parseHostPort(metrics, '--metrics'),
    workers: count(values.workers ?? file['workers'], 1, '--workers'),
    logLevel: logLevel as LogLevel,
    // Opened (created 0600) and checked here, so a bad file stops the start, --workers included.
    keyLogFile: keyLogFile === undefined ? undefined : (closeSync(openSecretAppendFile(keyLogFile, '--keylog')), keyLogFile),
    provider,
    groups: groups === undefined ? undefined : parseGroupsFlag(groups, values.groups === undefined ? 'config groups' : '--groups'),
    ciphers: ciphers === undefined ? undefined : parseCiphersFlag(ciphers, values.ciphers === undefined ? 'config ciphers' : '--ciphers'),
    ticketSecret: ticketSecretFile === undefined ? undefined : readTicketSecretFile(ticketSecretFile),
    ocspFile: ocspFile === undefined ? undefined : (readOcspFile(ocspFile), ocspFile),
    sessionStore,
    earlyData,
    signWorkers: count(values['sign-workers'] ?? file['signWorkers'], 0, '--sign-workers'),
  };
}

/** `memory` or `redis://HOST:PORT[/DB]`. @throws UsageError */
export function sessionStoreSpec(v: string | undefined): SessionStoreSpec | undefined {
  if (v === undefined) return undefined;
  if (v === 'memory') return { kind: 'memory' };
  const m = /^redis:\/\/([^/:]+|\[[0-9a-fA-F:]+\]):(\d{1,5})(?:\/(\d{1,2}))?$/.exec(v);
  if (m === null || Number(m[2]) < 1 || Number(m[2]) > 65535) {
    throw new UsageError(`--session-store: expected memory or redis://HOST:PORT[/DB], got ${JSON.stringify(v)}`);
  }
  return { kind: 'redis', url: v };
}

/**
 * `NAME=CERT,KEY[,UPSTREAM][,alpn=PROTO:PROTO...]` (ALPN protocols `:`-separated, as OpenSSL
 * separates list items, since `,` already separates the fields). @throws UsageError
 */
export function parseSniFlag(s: string): SniRoute {
  const eq = s.indexOf('=');
  const parts = eq > 0 ? s.slice(eq + 1).split(',') : [];
  const alpnPart = parts.length > 2 && parts.at(-1)!.startsWith('alpn=') ? parts.pop()!.slice('alpn='.length) : undefined;
  if (eq <= 0 || parts.length < 2 || parts.length > 3 || parts.some((p) => p === '') || alpnPart === '') {
    throw new UsageError(`--sni: expected NAME=CERT,KEY[,UPSTREAM][,alpn=PROTO:PROTO...], got ${JSON.stringify(s)}`);
  }
  const alpn = alpnPart?.split(':').filter((p) => p !== '');
  return route(s.slice(0, eq), resolve(parts[0]!), resolve(parts[1]!), parts[2], alpn);
}

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

/** CertificateStatus carries the response in a 24-bit length (RFC 6066 §8). */
const MAX_OCSP_RESPONSE = 0xffffff;

/** The DER OCSP response in `file` (1..2^24-1 bytes, RFC 6066 §8). @throws UsageError */
export function readOcspFile(file: string): Uint8Array {
  return readBounded(file, '--ocsp', 1, MAX_OCSP_RESPONSE);
}

/** A file's bytes when its size is within min..max. @throws UsageError */
function readBounded(file: string, what: string, min: number, max: number): Uint8Array {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new UsageError(`${what} ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (size < min || size > max) throw new UsageError(`${what} ${file}: expected ${min}..${max} bytes, got ${size}`);
  const bytes = readFileSync(file);
  if (bytes.length < min || bytes.length > max) throw new UsageError(`${what} ${file}: expected ${min}..${max} bytes, got ${bytes.length}`);
  return new Uint8Array(bytes);
}

function route(name: string, certFile: string, keyFile: string, upstream: string | undefined, alpn: readonly string[] | undefined): SniRoute {
  if (!/^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(name)) throw new UsageError(`--sni: bad server name ${JSON.stringify(name)}`);
  if (alpn !== undefined && alpn.length === 0) throw new UsageError(`--sni ${name}: empty ALPN list`);
  return {
    name: name.toLowerCase(),
    certFile,
    keyFile,
    upstream: upstream === undefined ? undefined : parseHostPort(upstream, `--sni ${name}`),
    ...(alpn === undefined ? {} : { alpn }),
  };
}

function readConfigFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--config ${file}: expected a JSON object`);
  }
  const known = new Set(CONFIG_KEYS);
  const unknown = Object.keys(parsed).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new UsageError(`--config ${file}: unknown key(s) ${unknown.join(', ')}`);
  return parsed as Record<string, unknown>;
}

const CONFIG_KEYS = [
  'listen', 'cert', 'key', 'sni', 'upstream', 'alpn', 'proxyProtocol', 'handshakeTimeout', 'idleTimeout',
  'drainTimeout', 'maxConnections', 'metrics', 'workers', 'logLevel', 'keylog', 'provider', 'ticketSecretFile', 'ocsp',
  'passphraseFile', 'passphraseEnv', 'groups', 'ciphers', 'sessionStore', 'earlyData', 'signWorkers',
];

function sniFromFile(v: unknown, base: string): SniRoute[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new UsageError('config sni: expected an array of {name, cert, key, upstream, alpn}');
  return v.map((e: unknown) => {
    if (typeof e !== 'object' || e === null) throw new UsageError('config sni: expected objects');
    const o = e as Record<string, unknown>;
    const unknown = Object.keys(o).filter((k) => !SNI_KEYS.includes(k));
    if (unknown.length > 0) throw new UsageError(`config sni: unknown key(s) ${unknown.join(', ')}`);
    const alpn = o['alpn'] === undefined ? undefined : alpnList(o['alpn'], 'sni.alpn');
    return route(
      str(o['name'], 'sni.name'),
      resolve(base, str(o['cert'], 'sni.cert')),
      resolve(base, str(o['key'], 'sni.key')),
      opt(o['upstream'], 'sni.upstream'),
      alpn,
    );
  });
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw new UsageError(`${what}: expected a non-empty string`);
  return v;
}

function opt(v: unknown, what: string): string | undefined {
  return v === undefined ? undefined : str(v, what);
}

function listOf(v: unknown, what: string): string[] {
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) throw new UsageError(`${what}: expected a string or an array of strings`);
  return v.map((x) => str(x, what));
}

function seconds(v: unknown, dflt: number, what: string): number {
  if (v === undefined) return dflt * 1000;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 86_400) throw new UsageError(`${what}: expected seconds (0-86400), got ${JSON.stringify(v)}`);
  return Math.round(n * 1000);
}

function count(v: unknown, dflt: number, what: string): number {
  if (v === undefined) return dflt;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new UsageError(`${what}: expected a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/** An ALPN list in the config file: an array of names or one comma-separated string. */
function alpnList(v: unknown, what: string): string[] {
  return Array.isArray(v) ? listOf(v, what) : splitList(str(v, what));
}

const SNI_KEYS = ['name', 'cert', 'key', 'upstream', 'alpn'];
