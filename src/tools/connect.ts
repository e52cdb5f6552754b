/**
 * @module tools/connect
 * `puretls connect`: an `openssl s_client`-like client. It prints the negotiated parameters and
 * the peer's chain to stderr, then relays stdin to the peer and the peer to stdout; stdin EOF sends
 * close_notify (RFC 8446 §6.1).
 */
import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { parseCertificate } from '../x509/certificate.ts';
import { connect } from '../node/connect.ts';
import type { ProviderOption } from '../node/options.ts';
import type { TLSSocket } from '../node/tls-socket.ts';
import { keyLogSink } from './keylog.ts';
import { describeError } from './describe.ts';

/** Options of `runConnect` (the CLI flags). */
export interface ConnectToolOptions {
  readonly host: string;
  readonly port: number;
  readonly servername?: string;
  readonly alpn?: readonly string[];
  readonly caFile?: string;
  readonly insecure: boolean;
  readonly provider: ProviderOption;
  readonly keyLogFile?: string;
  readonly handshakeTimeout?: number;
}

/** Runs the client until the connection ends; resolves to the process exit code. */
export function runConnect(
  options: ConnectToolOptions,
  io: { stdin: Readable; stdout: Writable; stderr: Writable },
): Promise<number> {
  const log = (line: string): void => {
    io.stderr.write(`${line}\n`);
  };
  return new Promise<number>((resolve) => {
    if (options.caFile === undefined && !options.insecure) {
      log('puretls connect: --ca FILE is required (there is no system root store yet), or --insecure');
      resolve(2);
      return;
    }
    let sock: TLSSocket;
    try {
      sock = connect({
        host: options.host,
        port: options.port,
        servername: options.servername,
        ALPNProtocols: options.alpn,
        ca: options.caFile === undefined ? undefined : readFileSync(options.caFile, 'utf8'),
        rejectUnauthorized: !options.insecure,
        provider: options.provider,
        handshakeTimeout: options.handshakeTimeout ?? 30_000,
      });
    } catch (e) {
      log(`puretls connect: ${describeError(e)}`);
      resolve(2);
      return;
    }
    const sink = keyLogSink(options.keyLogFile);
    if (sink) sock.on('keylog', sink);
    let done = false;
    let weClosed = false;
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      io.stdin.unpipe(sock);
      resolve(code);
    };
    sock.on('error', (err: Error) => {
      const stage = sock.secureEstablished ? 'connection failed' : 'handshake failed';
      log(`puretls connect: ${stage}: ${describeError(err)}`);
      finish(1);
    });
    sock.on('secureConnect', () => {
      printSession(sock, options, log);
      io.stdin.on('end', () => {
        weClosed = true;
      });
      io.stdin.pipe(sock);
      sock.pipe(io.stdout, { end: false });
    });
    sock.on('close', () => {
      if (done) return;
      if (!sock.secureEstablished) {
        log('puretls connect: handshake failed: connection closed');
        finish(1);
      } else if (sock.connection.peerClosed || weClosed) {
        finish(0);
      } else {
        log('puretls connect: connection closed without close_notify (truncated)');
        finish(1);
      }
    });
  });
}

function printSession(sock: TLSSocket, options: ConnectToolOptions, log: (line: string) => void): void {
  const n = sock.negotiated;
  if (n === undefined) return;
  log(`puretls connect: connected to ${options.host}:${options.port}`);
  log(`  protocol:         ${n.version}`);
  log(`  cipher suite:     ${n.cipherSuite}`);
  log(`  group:            ${n.group}${n.didRetry ? ' (after HelloRetryRequest)' : ''}`);
  log(`  signature scheme: ${n.signatureScheme}`);
  log(`  ALPN:             ${n.alpnProtocol ?? '(none)'}`);
  log(`  server name:      ${sock.servername ?? '(none)'}`);
  log(`  verified:         ${sock.authorized ? 'yes' : `no (${sock.authorizationError ?? 'unknown'})`}`);
  log('  certificate chain:');
  n.peerCertificates.forEach((der, i) => {
    try {
      const c = parseCertificate(der);
      log(`   ${i} s:${c.subjectText}`);
      log(`     i:${c.issuerText}`);
    } catch (e) {
      log(`   ${i} (unparsable: ${describeError(e)})`);
    }
  });
  log('---');
}
