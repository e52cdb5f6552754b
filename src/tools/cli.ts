/**
 * @module tools/cli
 * The `puretls` command line: `serve` (an HTTPS page showing what TLS 1.3 negotiated) and
 * `connect` (an `openssl s_client`-like client). Arguments are parsed with node:util parseArgs.
 */
import { parseArgs } from 'node:util';
import type { ProviderOption } from '../node/options.ts';
import { runConnect } from './connect.ts';
import { describeError } from './describe.ts';
import { keyLogPath } from './keylog.ts';
import { serve } from './serve.ts';
import { runTerminate } from './terminate.ts';
import { TERMINATE_USAGE, terminateOptionsFromArgs } from './terminate-config.ts';
import { UsageError } from './usage-error.ts';

const USAGE = `usage: puretls <command> [options]

commands:
  serve      run a TLS 1.3 HTTPS server showing the negotiated parameters
  connect    connect to HOST:PORT like openssl s_client
  terminate  a TLS 1.3 termination proxy in front of a TCP service (what npm start runs)

Run 'puretls <command> --help' for the options of a command.
`;

const SERVE_USAGE = `usage: puretls serve [options]

  --host ADDR          address to listen on (default 127.0.0.1)
  --port N             port (default 8443; 0 picks a free one)
  --cert FILE          certificate chain, PEM (leaf first)
  --key FILE           private key, PEM (PKCS#8, SEC1 or PKCS#1)
                       without --cert/--key a self-signed certificate for localhost,
                       127.0.0.1 and ::1 is generated and its fingerprint printed
  --alpn LIST          ALPN protocols offered, comma-separated (default http/1.1);
                       the page is served over HTTP/1.1 only
  --provider NAME      crypto provider: node (default) or pure
  --keylog FILE        append NSS key log lines (default: $SSLKEYLOGFILE); created 0600, an
                       existing file readable by group or others is refused
  --tickets N          session tickets sent per full handshake (default 2; 0: no resumption)
  --ticket-secret FILE ticket-key secret (32..4096 bytes, e.g. '(umask 077; openssl rand 48 > FILE)';
                       refused unless only its owner can access it); servers and restarts
                       sharing it resume each other's tickets (default: random)
  --session-store memory
                       stateful resumption: single-use tickets kept in memory (10000 sessions)
  --early-data BYTES   accept up to BYTES of 0-RTT data per connection (needs
                       --session-store memory); the page's earlyData field shows it; 0-RTT
                       data is replayable (RFC 8446 §8)
  --client-ca FILE     ask for client certificates valid to these CAs (PEM; mutual TLS);
                       the page's clientCertificate field shows the subject
  --client-auth MODE   with --client-ca: required (default: no certificate, no connection)
                       or optional (a client without one is let in unauthenticated)
  -h, --help           this help
`;

const CONNECT_USAGE = `usage: puretls connect HOST:PORT [options]

  --servername NAME    SNI / certificate name (default: HOST unless an IP address)
  --alpn LIST          ALPN protocols, comma-separated
  --ca FILE            trusted CA certificate(s), PEM (default: node's bundled Mozilla roots)
  --insecure           do not fail on an invalid certificate (dangerous); the check still
                       runs and 'verified: no (REASON: ...)' reports why it failed
  --provider NAME      crypto provider: node (default) or pure
  --keylog FILE        append NSS key log lines (default: $SSLKEYLOGFILE); created 0600, an
                       existing file readable by group or others is refused
  --sess-out FILE      save the session tickets received (the last one stays) for --sess-in;
                       only for a verified certificate
  --sess-in FILE       resume the session saved in FILE (same server name, unexpired)
  --early-data FILE    with --sess-in: send FILE first, as 0-RTT data when the ticket allows
                       (replayable, RFC 8446 §8); what the server rejects is sent after the
                       handshake
  --cert FILE          client certificate chain, PEM (leaf first), sent when the server asks
  --key FILE           its private key, PEM
  -h, --help           this help

Prints the negotiated parameters (incl. 'resumed' and 'early data') and the peer's chain to
stderr, then copies stdin to the peer and the peer's data to stdout. EOF on stdin sends
close_notify. A certificate that fails validation prints one line:
'puretls connect: certificate verification failed: REASON: ALERT: details' (exit 1).
`;

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return runServe(rest);
    case 'connect':
      return runConnectCommand(rest);
    case 'terminate':
      return runTerminateCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`puretls: unknown command ${JSON.stringify(command)}\n${USAGE}`);
      return 2;
  }
}

async function runServe(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8443' },
      cert: { type: 'string' },
      key: { type: 'string' },
      alpn: { type: 'string', default: 'http/1.1' },
      provider: { type: 'string', default: 'node' },
      keylog: { type: 'string' },
      tickets: { type: 'string' },
      'ticket-secret': { type: 'string' },
      'session-store': { type: 'string' },
      'early-data': { type: 'string' },
      'client-ca': { type: 'string' },
      'client-auth': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  const store = values['session-store'];
  if (store !== undefined && store !== 'memory') throw new UsageError(`--session-store must be memory, got ${JSON.stringify(store)}`);
  const earlyData = values['early-data'] === undefined ? undefined : parseCount('--early-data', values['early-data']);
  if (earlyData !== undefined && earlyData > 0 && store === undefined) {
    throw new UsageError('--early-data needs --session-store memory (single-use tickets against replay, RFC 8446 §8.1)');
  }
  const clientAuth = values['client-auth'];
  if (clientAuth !== undefined && clientAuth !== 'required' && clientAuth !== 'optional') {
    throw new UsageError(`--client-auth must be required or optional, got ${JSON.stringify(clientAuth)}`);
  }
  if (clientAuth !== undefined && values['client-ca'] === undefined) throw new UsageError('--client-auth needs --client-ca');
  const running = await serve({
    host: values.host,
    port: parsePort(values.port),
    certFile: values.cert,
    keyFile: values.key,
    alpn: splitList(values.alpn),
    provider: parseProvider(values.provider),
    keyLogFile: keyLogPath(values.keylog),
    tickets: values.tickets === undefined ? undefined : parseCount('--tickets', values.tickets),
    ticketSecretFile: values['ticket-secret'],
    sessionStore: store,
    earlyData,
    clientCaFile: values['client-ca'],
    clientAuth,
  });
  process.stdout.write(`puretls serve: listening on ${running.url} (fingerprint ${running.fingerprint})\n`);
  const stop = (): void => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => {
    // runs until a signal
  });
}

async function runConnectCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      servername: { type: 'string' },
      alpn: { type: 'string' },
      ca: { type: 'string' },
      insecure: { type: 'boolean', default: false },
      provider: { type: 'string', default: 'node' },
      keylog: { type: 'string' },
      'sess-out': { type: 'string' },
      'sess-in': { type: 'string' },
      'early-data': { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(CONNECT_USAGE);
    return 0;
  }
  const target = positionals[0];
  if (target === undefined || positionals.length > 1) throw new UsageError('connect takes exactly one HOST:PORT');
  const { host, port } = parseHostPort(target);
  return runConnect(
    {
      host,
      port,
      servername: values.servername,
      alpn: values.alpn === undefined ? undefined : splitList(values.alpn),
      caFile: values.ca,
      insecure: values.insecure,
      provider: parseProvider(values.provider),
      keyLogFile: keyLogPath(values.keylog),
      sessOutFile: values['sess-out'],
      sessInFile: values['sess-in'],
      earlyDataFile: values['early-data'],
      certFile: values.cert,
      keyFile: values.key,
    },
    { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
  );
}

async function runTerminateCommand(args: string[]): Promise<number> {
  const options = terminateOptionsFromArgs(args);
  if (options === 'help') {
    process.stdout.write(TERMINATE_USAGE);
    return 0;
  }
  return runTerminate(options);
}

function parsePort(s: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > 65535) throw new UsageError(`invalid port ${JSON.stringify(s)}`);
  return n;
}

/** A non-negative decimal integer option. */
function parseCount(flag: string, s: string): number {
  if (!/^\d{1,9}$/.test(s)) throw new UsageError(`${flag} must be a non-negative integer, got ${JSON.stringify(s)}`);
  return Number(s);
}

/** `host:port`, `[v6]:port`. */
function parseHostPort(s: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  if (!m) throw new UsageError(`expected HOST:PORT, got ${JSON.stringify(s)}`);
  return { host: m[1]!, port: parsePort(m[2]!) };
}

function parseProvider(s: string): ProviderOption {
  if (s === 'node' || s === 'pure') return s;
  throw new UsageError(`--provider must be node or pure, got ${JSON.stringify(s)}`);
}

function splitList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

const invokedName = process.argv[1] ?? '';
if (/(^|[\\/])(cli\.(ts|js)|puretls(\.js)?)$/.test(invokedName)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // stdin may keep the loop alive after connect finished
      setImmediate(() => process.exit(code));
    },
    (e: unknown) => {
      const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
      process.stderr.write(`puretls: ${describeError(e)}\n`);
      process.exit(usage ? 2 : 1);
    },
  );
}
