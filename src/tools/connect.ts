/**
 * @module tools/connect
 * `puretls connect`: an `openssl s_client`-like client. It prints the negotiated parameters and
 * the peer's chain to stderr, then relays stdin to the peer and the peer to stdout; stdin EOF sends
 * close_notify (RFC 8446 §6.1).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { parseCertificate } from '../x509/certificate.ts';
import { CertificateError } from '../x509/verifier.ts';
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
  /** NSS key log file (tools/keylog.ts); none when undefined. */
  readonly keyLogFile?: string;
  readonly handshakeTimeout?: number;
  /** Write each session received (RFC 8446 §4.6.1) to this file; the last one stays. */
  readonly sessOutFile?: string;
  /** Resume the session saved in this file (by --sess-out). */
  readonly sessInFile?: string;
  /** Send this file's contents first, as 0-RTT early data when the session allows (RFC 8446 §4.2.10). */
  readonly earlyDataFile?: string;
  /** Client certificate chain (PEM) and key, sent when the server asks (mutual TLS). */
  readonly certFile?: string;
  readonly keyFile?: string;
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
    let sock: TLSSocket;
    let keyLog: ((line: Uint8Array) => void) | undefined;
    try {
      keyLog = keyLogSink(options.keyLogFile, (err) => log(`puretls connect: key log write failed, key logging stopped: ${describeError(err)}`));
      if (options.earlyDataFile !== undefined && options.sessInFile === undefined) {
        throw new Error('--early-data needs --sess-in (0-RTT data goes only with a resumed session)');
      }
      sock = connect({
        host: options.host,
        port: options.port,
        servername: options.servername,
        ALPNProtocols: options.alpn,
        ca: options.caFile === undefined ? undefined : readFileSync(options.caFile, 'utf8'),
        rejectUnauthorized: !options.insecure,
        provider: options.provider,
        handshakeTimeout: options.handshakeTimeout ?? 30_000,
        session: options.sessInFile === undefined ? undefined : readFileSync(options.sessInFile),
        earlyData: options.earlyDataFile === undefined ? undefined : readFileSync(options.earlyDataFile),
        cert: options.certFile === undefined ? undefined : readFileSync(options.certFile, 'utf8'),
        key: options.keyFile === undefined ? undefined : readFileSync(options.keyFile, 'utf8'),
      });
    } catch (e) {
      log(`puretls connect: ${describeError(e)}`);
      resolve(2);
      return;
    }
    if (keyLog) sock.on('keylog', keyLog);
    const sessOut = options.sessOutFile;
    if (sessOut !== undefined) {
      sock.on('session', (session: Buffer) => {
        try {
          writeFileSync(sessOut, session, { mode: 0o600 }); // holds the resumption secret
        } catch (e) {
          log(`puretls connect: cannot write --sess-out: ${describeError(e)}`);
        }
      });
    }
    let done = false;
    let weClosed = false;
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      io.stdin.unpipe(sock);
      resolve(code);
    };
    sock.on('error', (err: Error) => {
      if (err instanceof CertificateError) {
        // One line naming the RFC 5280 validation failure: reason first, then the alert and details.
        log(`puretls connect: certificate verification failed: ${err.reason}: ${describeError(err)}`);
      } else {
        const stage = sock.secureEstablished ? 'connection failed' : 'handshake failed';
        log(`puretls connect: ${stage}: ${describeError(err)}`);
      }
      finish(1);
    });
    sock.on('secureConnect', () => {
      printSession(sock, options, log);
      if (sessOut !== undefined && !sock.authorized) log('puretls connect: --sess-out: no session saved (certificate not verified)');
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
  const detail = sock.authorizationErrorDetail;
  const why = `${sock.authorizationError ?? 'unknown'}${detail ? `: ${detail.message}` : ''}`;
  log(`  verified:         ${sock.authorized ? 'yes' : `no (${why})`}`);
  log(`  resumed:          ${sock.isSessionReused() ? 'yes' : 'no'}`);
  if (options.earlyDataFile !== undefined) {
    const accepted = sock.earlyDataAccepted;
    log(
      `  early data:       ${
        accepted === true ? 'accepted' : accepted === false ? 'rejected (sent after the handshake)' : 'not sent (sent after the handshake)'
      }`,
    );
  }
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
