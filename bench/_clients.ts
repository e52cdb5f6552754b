/**
 * @module bench/_clients
 * The measured clients of bench/client.ts, one per process: full handshakes one after another to
 * PORT with the certificate chain verified against the test CA (ECDSA P-256), closed once
 * verified. KIND: `node` or `pure` (puretls `connect`, that provider) or `node:tls`. No session
 * resumption. Same stdin protocol as bench/loadgen.c: `m` prints the counters, `q` exits.
 * Arguments: `KIND PORT`.
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { connect } from '../src/node/connect.ts';
import { certPaths } from '../test/helpers/pki.ts';

const [kind = 'node:tls', port = '0'] = process.argv.slice(2);
const ca = readFileSync(certPaths('ecdsa-p256').ca, 'utf8');
let ops = 0;
let errors = 0;
let firstError = '';
let stopping = false;

function handshake(): Promise<void> {
  return new Promise((resolve) => {
    const options = { host: '127.0.0.1', port: Number(port), servername: 'localhost', ca };
    const done = (sock: { authorized: boolean; destroy(): unknown }, err?: Error): void => {
      if (err === undefined && sock.authorized) ops++;
      else {
        errors++;
        firstError ||= err?.message ?? 'not authorized';
      }
      sock.destroy();
      resolve();
    };
    if (kind === 'node:tls') {
      const sock = tls.connect({ ...options, minVersion: 'TLSv1.3', session: undefined }, () => done(sock));
      sock.once('error', (e) => done(sock, e));
    } else {
      const sock = connect({ ...options, provider: kind === 'pure' ? 'pure' : 'node' }, () => done(sock));
      sock.once('error', (e: Error) => done(sock, e));
    }
  });
}

process.setSourceMapsEnabled(false); // as in a built package (see bench/_servers.ts)
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text: string) => {
  if (text.includes('m')) {
    const cpu = process.cpuUsage();
    console.log(JSON.stringify({
      ops, errors, notResumed: 0, bytesIn: 0, bytesOut: 0, established: 0, started: ops + errors, latN: 0,
      p50: 0, p90: 0, p99: 0, cpuUs: cpu.user + cpu.system, firstError,
    }));
  }
  if (text.includes('q')) stopping = true;
});
process.stdin.on('end', () => process.exit(0));
while (!stopping) await handshake();
process.exit(0);
