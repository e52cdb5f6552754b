/**
 * @module tools/cli
 * The `puretls` command line: `serve` (a TLS 1.3 server for testing clients), `connect` (an
 * `openssl s_client`-like client) and `terminate` (the TLS termination proxy). Each command's
 * flags are parsed in its own module (node:util parseArgs).
 *
 * Exit status, the same for every command: 0 success, 1 a failure (the network, the peer, a
 * handshake, a certificate, a port in use), 2 a usage error (an unknown or bad flag, a file named
 * by a flag that cannot be read or used).
 */
import { runConnect } from './connect.ts';
import { CONNECT_USAGE, connectOptionsFromArgs } from './connect-args.ts';
import { describeError } from './describe.ts';
import { serve } from './serve.ts';
import { SERVE_USAGE, serveOptionsFromArgs } from './serve-args.ts';
import { runTerminate } from './terminate.ts';
import { TERMINATE_USAGE, terminateOptionsFromArgs } from './terminate-config.ts';
import { UsageError } from './usage-error.ts';

const USAGE = `usage: puretls <command> [options]

commands:
  serve      a TLS 1.3 server for testing clients: an HTTPS page of the negotiated parameters, or echo
  connect    connect to HOST:PORT like openssl s_client (--trace prints the handshake as it runs)
  terminate  a TLS 1.3 termination proxy in front of a TCP service (what npm start runs)

Run 'puretls <command> --help' for the options of a command.
Exit status: 0 success, 1 failure, 2 usage error.
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
  const options = serveOptionsFromArgs(args);
  if (options === 'help') {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  const running = await serve(options);
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
  const options = connectOptionsFromArgs(args);
  if (options === 'help') {
    process.stdout.write(CONNECT_USAGE);
    return 0;
  }
  return runConnect(options, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
}

async function runTerminateCommand(args: string[]): Promise<number> {
  const options = terminateOptionsFromArgs(args);
  if (options === 'help') {
    process.stdout.write(TERMINATE_USAGE);
    return 0;
  }
  return runTerminate(options);
}

/** 2 for a usage error (ours, or node:util parseArgs's ERR_PARSE_ARGS_*), 1 for anything else. */
function exitCodeOf(e: unknown): number {
  return e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
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
      process.stderr.write(`puretls: ${describeError(e)}\n`);
      process.exit(exitCodeOf(e));
    },
  );
}
