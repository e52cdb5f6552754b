/**
 * @module tools/connect
 * `puretls connect`: an `openssl s_client`-like client. It prints the negotiated parameters and
 * the peer's chain to stderr, then relays stdin to the peer and the peer to stdout; stdin EOF sends
 * close_notify (RFC 8446 §6.1). With `--trace` it prints the handshake as it runs
 * (tools/trace.ts). A failure is one line saying what happened: the name did not resolve, the
 * connection was refused, the peer does not speak TLS, the handshake or the certificate failed.
 */
import { writeFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { parseCertificate, type ParsedCertificate } from '../x509/certificate.ts';
import { revocationChecker, type RevocationOptions } from '../x509/revocation.ts';
import { CertificateError } from '../x509/verifier.ts';
import { pemEncode } from '../x509/pem.ts';
import { connect } from '../node/connect.ts';
import type { ProviderOption } from '../node/options.ts';
import { HANDSHAKE_TIMEOUT_CODE, type TLSSocket } from '../node/tls-socket.ts';
import { readFlagFile } from './args.ts';
import { UsageError } from './usage-error.ts';
import { certificateDetails } from './certificate-text.ts';
import { clientPskCallback, type CliPsk } from './psk.ts';
import { describeError } from './describe.ts';
import { keyLogSink } from './keylog.ts';
import { readKeyFile } from './passphrase.ts';
import { traceLegend, traceObserver } from './trace.ts';

/** Options of `runConnect` (the CLI flags). */
export interface ConnectToolOptions {
  readonly host: string;
  readonly port: number;
  readonly servername?: string;
  readonly alpn?: readonly string[];
  readonly caFile?: string;
  /** Dangerous: go on after a failed certificate check (reported as `verified: no (...)`). */
  readonly dangerouslyAcceptAnyCertificate: boolean;
  readonly provider: ProviderOption;
  /** Key exchange groups, node:tls `ecdhCurve` syntax (tools/args.ts parseGroupsFlag); default: the library's. */
  readonly groups?: string;
  /** TLS 1.3 cipher suites, node:tls `ciphers` syntax; default: the library's. */
  readonly ciphers?: string;
  /** NSS key log file (tools/keylog.ts); none when undefined. */
  readonly keyLogFile?: string;
  /** Seconds to resolve the name, connect and finish the handshake (default 30). */
  readonly timeoutSeconds?: number;
  /** Write each session received (RFC 8446 §4.6.1) to this file; the last one stays. */
  readonly sessOutFile?: string;
  /** Resume the session saved in this file (by --sess-out). */
  readonly sessInFile?: string;
  /** Send this file's contents first, as 0-RTT early data when the session allows (RFC 8446 §4.2.10). */
  readonly earlyDataFile?: string;
  /** Client certificate chain (PEM) and key, sent when the server asks (mutual TLS). */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Passphrase of an encrypted `keyFile`. */
  readonly passphrase?: string;
  /** Print the handshake as it runs; 'secrets' adds the key schedule's values. */
  readonly trace?: 'messages' | 'secrets';
  /** Print the peer's chain in full: subject, issuer, validity, names and PEM. */
  readonly showCerts?: boolean;
  /** An external PSK to offer (RFC 8446 §4.2.11). */
  readonly psk?: CliPsk;
  /** Revocation checking of the server's chain (--ocsp, --crl, --revocation-depth, --revocation-unknown). */
  readonly revocation?: CliRevocation;
}

/** The revocation flags: the policy with CRL file names instead of contents. */
export interface CliRevocation extends Omit<RevocationOptions, 'crls'> {
  readonly crlFiles: readonly string[];
}

/** Runs the client until the connection ends; resolves to the process exit code (2: bad options, 1: failure). */
export function runConnect(
  options: ConnectToolOptions,
  io: { stdin: Readable; stdout: Writable; stderr: Writable },
): Promise<number> {
  const log = (line: string): void => {
    io.stderr.write(`${line}\n`);
  };
  const peer = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_S;
  return new Promise<number>((resolve) => {
    let sock: TLSSocket;
    let keyLog: ((line: Uint8Array) => void) | undefined;
    try {
      keyLog = keyLogSink(options.keyLogFile, (err) => log(`puretls connect: key log write failed, key logging stopped: ${describeError(err)}`));
      if (options.trace !== undefined) for (const line of traceLegend(peer, options.trace === 'secrets')) log(line);
      sock = connect({
        host: options.host,
        port: options.port,
        servername: options.servername,
        ALPNProtocols: options.alpn,
        ca: options.caFile === undefined ? undefined : readFlagFile(options.caFile, '--ca').toString('utf8'),
        rejectUnauthorized: !options.dangerouslyAcceptAnyCertificate,
        provider: options.provider,
        ecdhCurve: options.groups,
        ciphers: options.ciphers,
        handshakeTimeout: timeoutSeconds * 1000,
        session: options.sessInFile === undefined ? undefined : readFlagFile(options.sessInFile, '--sess-in'),
        earlyData: options.earlyDataFile === undefined ? undefined : readFlagFile(options.earlyDataFile, '--early-data'),
        cert: options.certFile === undefined ? undefined : readFlagFile(options.certFile, '--cert').toString('utf8'),
        key: options.keyFile === undefined ? undefined : readKeyFile(options.keyFile, '--key', options.passphrase),
        passphrase: options.passphrase,
        observer: options.trace === undefined ? undefined : traceObserver(log, { side: 'client', secrets: options.trace === 'secrets' }),
        pskCallback: options.psk === undefined ? undefined : clientPskCallback(options.psk),
        revocation: options.revocation === undefined ? undefined : cliRevocationChecker(options.revocation),
        // With a certificate, the server may also ask for it after the handshake (RFC 8446 §4.6.2).
        postHandshakeAuth: options.certFile !== undefined,
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
      log(`puretls connect: ${failureText(err, peer, options.host, timeoutSeconds, sock.secureEstablished)}`);
      finish(1);
    });
    // A reader that went away (`| head`) ends the session, with one line instead of a crash.
    io.stdout.on('error', (err: Error) => {
      log(`puretls connect: cannot write to stdout (${describeError(err)}); closing the connection`);
      sock.end();
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

/** Seconds allowed by default to resolve, connect and complete the handshake. */
const DEFAULT_TIMEOUT_S = 30;

/** One line saying what failed: name resolution, the TCP connection, the handshake, the certificate, or later. */
function failureText(err: Error, peer: string, host: string, timeoutSeconds: number, established: boolean): string {
  if (err instanceof CertificateError) {
    // The RFC 5280 validation failure: reason first, then the alert and details.
    return `certificate verification failed: ${err.reason}: ${describeError(err)}`;
  }
  const code = (err as { code?: unknown }).code;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
      return `cannot resolve ${host}: DNS lookup failed (${code})`;
    case 'ECONNREFUSED':
      return `cannot connect to ${peer}: connection refused`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'EADDRNOTAVAIL':
      return `cannot connect to ${peer}: ${code}`;
    case HANDSHAKE_TIMEOUT_CODE:
      return `no TLS handshake with ${peer} within ${timeoutSeconds} s (--timeout)`;
  }
  const stage = established ? 'connection failed' : 'handshake failed';
  if (code === 'ECONNRESET' || code === 'EPIPE') return `${stage}: the peer closed the connection (${err.message})`;
  // A TlsError: `alert: message`; when the peer sent the alert, say so.
  const origin = (err as { origin?: unknown }).origin;
  return `${stage}: ${origin === 'peer' ? 'the peer sent the alert ' : ''}${describeError(err)}`;
}

function printSession(sock: TLSSocket, options: ConnectToolOptions, log: (line: string) => void): void {
  const n = sock.negotiated;
  if (n === undefined) return;
  if (options.trace !== undefined) log('');
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
  if (n.externalPskIdentity !== undefined) log(`  psk identity:     ${Buffer.from(n.externalPskIdentity).toString('utf8')}`);
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
    let c: ParsedCertificate;
    try {
      c = parseCertificate(der);
    } catch (e) {
      log(`   ${i} (unparsable: ${describeError(e)})`);
      return;
    }
    log(`   ${i} s:${c.subjectText}`);
    log(`     i:${c.issuerText}`);
    if (!options.showCerts) return;
    for (const line of certificateDetails(c)) log(`     ${line}`);
    log(pemEncode('CERTIFICATE', der).trimEnd());
  });
  log('---');
}

/** The checker for the revocation flags; a CRL that cannot be read or is refused is a usage error (exit 2). */
function cliRevocationChecker(r: CliRevocation): ReturnType<typeof revocationChecker> {
  const crls = r.crlFiles.map((f) => new Uint8Array(readFlagFile(f, '--crl')));
  try {
    return revocationChecker({ ocsp: r.ocsp, depth: r.depth, unknownStatus: r.unknownStatus, crls });
  } catch (e) {
    throw new UsageError(`--crl: ${describeError(e)}`);
  }
}
