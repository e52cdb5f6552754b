/**
 * @module tools/cli
 * The `puretls` command line: `serve` (an HTTPS page showing what TLS 1.3 negotiated) and
 * `connect` (an `openssl s_client`-like client). Arguments are parsed with node:util parseArgs.
 */
import { parseArgs } from 'node:util';
import type { ProviderOption } from '../node/options.ts';
import { runConnect } from './connect.ts';
import { describeError } from './describe.ts';
import { serve } from './serve.ts';
import { runTerminate } from './terminate.ts';
import { ConfigError, TERMINATE_USAGE, terminateOptionsFromArgs } from './terminate-config.ts';

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
  --keylog FILE        append NSS key log lines (default: $SSLKEYLOGFILE)
  -h, --help           this help
`;

const CONNECT_USAGE = `usage: puretls connect HOST:PORT [options]

  --servername NAME    SNI / certificate name (default: HOST unless an IP address)
  --alpn LIST          ALPN protocols, comma-separated
  --ca FILE            trusted CA certificate(s), PEM
  --insecure           do not verify the certificate (dangerous)
  --provider NAME      crypto provider: node (default) or pure
  --keylog FILE        append NSS key log lines (default: $SSLKEYLOGFILE)
  -h, --help           this help

Prints the negotiated parameters and the peer's chain to stderr, then copies stdin to the
peer and the peer's data to stdout. EOF on stdin sends close_notify.
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
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  const running = await serve({
    host: values.host,
    port: parsePort(values.port),
    certFile: values.cert,
    keyFile: values.key,
    alpn: splitList(values.alpn),
    provider: parseProvider(values.provider),
    keyLogFile: values.keylog,
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
      keyLogFile: values.keylog,
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

class UsageError extends Error {}

function parsePort(s: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > 65535) throw new UsageError(`invalid port ${JSON.stringify(s)}`);
  return n;
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
      const usage = e instanceof UsageError || e instanceof ConfigError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
      process.stderr.write(`puretls: ${describeError(e)}\n`);
      process.exit(usage ? 2 : 1);
    },
  );
}
