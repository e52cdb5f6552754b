/**
 * @module tools/serve
 * `puretls serve`: a TLS 1.3 server for testing clients, built on createServer: an HTTPS (HTTP/1.1
 * over node:http, started on a connection when its first bytes arrive: tools/lazy-http.ts) page
 * showing what each connection negotiated, or with `echo` the application
 * data sent back. One line per connection on stderr. Without a certificate it generates a
 * short-lived self-signed one for localhost, 127.0.0.1 and ::1.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemorySessionStore } from '../session/store.ts';
import { pemEncode } from '../x509/pem.ts';
import { parseCertificateChain } from '../x509/certificate.ts';
import { generateSelfSigned } from '../x509/self-signed.ts';
import { resolveProvider, type ProviderOption, type ServerSecureOptions } from '../node/options.ts';
import { createServer, type Server } from '../node/server.ts';
import { fingerprint256, type TLSSocket } from '../node/tls-socket.ts';
import { describeError } from './describe.ts';
import { keyLogSink } from './keylog.ts';
import { readKeyFile } from './passphrase.ts';
import { LazyHttp } from './lazy-http.ts';
import { readFlagFile } from './args.ts';
import { serverPskCallback, type CliPsk } from './psk.ts';
import { readTicketSecretFile } from './secret-file.ts';
import { UsageError } from './usage-error.ts';

/** Options of `serve` (the CLI flags). */
export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Passphrase of an encrypted keyFile. */
  readonly passphrase?: string;
  /** Echo the application data back instead of serving the page. */
  readonly echo?: boolean;
  readonly alpn: readonly string[];
  readonly provider: ProviderOption;
  /** Key exchange groups, node:tls `ecdhCurve` syntax (tools/args.ts parseGroupsFlag); default: the library's. */
  readonly groups?: string;
  /** TLS 1.3 cipher suites, node:tls `ciphers` syntax; default: the library's. */
  readonly ciphers?: string;
  /** NSS key log file (tools/keylog.ts); none when undefined. */
  readonly keyLogFile?: string;
  /** NewSessionTickets per full handshake (RFC 8446 §4.6.1); default 2, 0 = no resumption. */
  readonly tickets?: number;
  /** File whose bytes (32..4096, mode 0600) are the ticket-key secret, so restarts and peers share tickets. */
  readonly ticketSecretFile?: string;
  /** 'memory': stateful single-use tickets in an in-memory store (needed for 0-RTT). */
  readonly sessionStore?: 'memory';
  /** Accept up to this many bytes of 0-RTT data (RFC 8446 §4.2.10); needs sessionStore. */
  readonly earlyData?: number;
  /** Dangerous, for testing: also resume with psk_ke (RFC 8446 §4.2.9), without forward secrecy. */
  readonly dangerouslyAllowPskKe?: boolean;
  /** CAs for client certificates (mutual TLS, RFC 8446 §4.4.2), PEM. */
  readonly clientCaFile?: string;
  /**
   * Client certificates: 'required' refuses a client without a valid one, 'optional' lets a client
   * without one in. Undefined: none asked for (unless dangerouslyAcceptAnyClientCertificate).
   */
  readonly clientAuth?: 'required' | 'optional';
  /**
   * Dangerous, for testing: ask for a client certificate and accept anything, reporting the
   * verdict of clientCaFile (or node's roots). Excludes clientAuth.
   */
  readonly dangerouslyAcceptAnyClientCertificate?: boolean;
  /** An external PSK clients may authenticate with instead (RFC 8446 §4.2.11). */
  readonly psk?: CliPsk;
  /** One line per connection on stderr; default true. The benchmark turns it off (node:tls logs nothing). */
  readonly logConnections?: boolean;
  /** CAs for the client certificates /client-cert asks for after the handshake (RFC 8446 §4.6.2). */
  readonly phaCaFile?: string;
}

/** A running `serve`. */
export interface RunningServe {
  readonly server: Server;
  readonly url: string;
  /** `SHA256:AB:CD:...` of the leaf certificate. */
  readonly fingerprint: string;
  close(): Promise<void>;
}

/**
 * Starts the server and resolves once it listens.
 * @throws UsageError when a file cannot be used; Error when the server cannot listen
 */
export async function serve(options: ServeOptions): Promise<RunningServe> {
  const provider = resolveProvider(options.provider);
  let keyPem: string;
  let certPem: string;
  if (options.certFile !== undefined || options.keyFile !== undefined) {
    if (options.certFile === undefined || options.keyFile === undefined) throw new UsageError('--cert and --key go together');
    certPem = readFlagFile(options.certFile, '--cert').toString('utf8');
    keyPem = readKeyFile(options.keyFile, '--key', options.passphrase);
  } else {
    const generated = generateSelfSigned(provider, {
      hosts: ['localhost', '127.0.0.1', '::1'],
      now: Date.now(),
      random: (n) => provider.randomBytes(n),
    });
    certPem = pemEncode('CERTIFICATE', generated.certDer);
    keyPem = pemEncode('PRIVATE KEY', generated.keyPkcs8);
  }
  const ticketKeys = options.ticketSecretFile === undefined ? undefined : readTicketSecretFile(options.ticketSecretFile);
  const keyLog = keyLogSink(options.keyLogFile, (err) => {
    process.stderr.write(`puretls serve: key log write failed, key logging stopped: ${describeError(err)}\n`);
  });
  const clientAuth = options.clientAuth;
  const acceptAny = options.dangerouslyAcceptAnyClientCertificate === true;
  const secure: ServerSecureOptions = {
    key: keyPem,
    cert: certPem,
    passphrase: options.passphrase,
    ALPNProtocols: options.alpn,
    alpnStrict: false,
    provider,
    ecdhCurve: options.groups,
    ciphers: options.ciphers,
    tickets: options.tickets,
    ticketKeys,
    sessionStore: options.sessionStore === 'memory' ? new MemorySessionStore(SESSION_STORE_ENTRIES) : undefined,
    maxEarlyDataSize: options.earlyData,
    dangerouslyAllowPskKe: options.dangerouslyAllowPskKe === true,
    // With only --pha-ca, --client-auth sets the mode of the post-handshake requests alone.
    requestCert: acceptAny || options.clientCaFile !== undefined,
    // Accept any: node:tls's requestCert without rejectUnauthorized; the engine accepts the chain
    // with dangerouslyAcceptAnyCertificate() and the adapter reports the real check in `authorized`.
    rejectUnauthorized: !acceptAny,
    ca: options.clientCaFile === undefined ? undefined : readFlagFile(options.clientCaFile, '--client-ca').toString('utf8'),
    clientAuthMode: clientAuth,
    pskCallback: options.psk === undefined ? undefined : serverPskCallback(options.psk),
    postHandshakeCa: options.phaCaFile === undefined ? undefined : readFlagFile(options.phaCaFile, '--pha-ca').toString('utf8'),
  };
  let server: Server;
  let fingerprint: string;
  try {
    const leaf = parseCertificateChain(certPem)[0];
    if (leaf === undefined) throw new Error('no certificate in the file');
    fingerprint = `SHA256:${fingerprint256(leaf)}`;
    server = createServer(secure);
  } catch (e) {
    throw new UsageError(`--cert/--key/--client-ca: ${describeError(e)}`);
  }
  if (acceptAny) {
    process.stderr.write('puretls serve: WARNING --dangerously-accept-any-client-certificate: client certificates are accepted unverified (testing only)\n');
  }
  if (options.dangerouslyAllowPskKe === true) {
    process.stderr.write(
      'puretls serve: WARNING --dangerously-allow-psk-ke: resumed connections may have no forward secrecy (RFC 8446 §4.2.9; testing only)\n',
    );
  }

  const http = new LazyHttp(createHttpServer(respond));
  const logConnections = options.logConnections !== false;
  server.on('secureConnection', (sock: TLSSocket) => {
    if (logConnections) process.stderr.write(`puretls serve: ${connectionLine(sock)}\n`);
    if (!options.echo) {
      http.add(sock);
      return;
    }
    sock.on('error', () => {}); // the client's failure ends the echo; 'tlsClientError' covers handshakes
    sock.pipe(sock);
  });
  server.on('tlsClientError', (err: Error) => {
    process.stderr.write(`puretls serve: client failed: ${describeError(err)}\n`);
  });
  if (keyLog) server.on('keylog', keyLog);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const hostPart = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `https://${hostPart}:${addr.port}/`,
    fingerprint,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAll();
        server.close(() => resolve());
      }),
  };
}

/** One line about an established connection: the client, what was negotiated, its certificate. */
function connectionLine(sock: TLSSocket): string {
  const n = sock.negotiated;
  const parts = [
    n?.cipherSuite,
    n?.group === 'none' ? 'no (EC)DHE (psk_ke)' : n?.group,
    `ALPN ${n?.alpnProtocol ?? '(none)'}`,
    `SNI ${n?.serverName ?? '(none)'}`,
    sock.isSessionReused() ? 'resumed' : 'full handshake',
  ];
  const subject = clientSubject(sock);
  if (subject !== null) {
    parts.push(`client certificate ${subject} (${sock.authorized ? 'verified' : `NOT verified: ${sock.authorizationError ?? 'unknown'}`})`);
  }
  return `${sock.remoteAddress ?? '?'}:${sock.remotePort ?? '?'}: ${parts.join(', ')}`;
}

/**
 * The page: what the request's TLS connection negotiated (HTML, or JSON at /json); /keyupdate
 * and /client-cert first update the keys or ask for a client certificate.
 */
export function respond(req: IncomingMessage, res: ServerResponse): void {
  const sock = req.socket as unknown as TLSSocket;
  if (req.url === '/keyupdate') {
    // RFC 8446 §4.6.3: our KeyUpdate(update_requested); the page goes out under the new key.
    sock.keyUpdate(true);
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('KeyUpdate(update_requested) sent; this page came under the new key\n');
    return;
  }
  if (req.url === '/client-cert') return askClientCertificate(sock, res);
  const n = sock.negotiated;
  const info = {
    version: n?.version,
    cipherSuite: n?.cipherSuite,
    group: n?.group,
    signatureScheme: n?.signatureScheme,
    alpn: n?.alpnProtocol ?? null,
    sni: n?.serverName ?? null,
    helloRetry: n?.didRetry,
    resumed: n?.isResumed,
    pskIdentity: n?.externalPskIdentity === undefined ? null : Buffer.from(n.externalPskIdentity).toString('utf8'),
    earlyData: sock.earlyDataAccepted ?? null,
    clientCertificate: clientSubject(sock),
    clientCertificateVerified: clientSubject(sock) === null ? null : sock.authorized,
    client: `${sock.remoteAddress ?? '?'}:${sock.remotePort ?? '?'}`,
    request: `${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}`,
  };
  if (req.url === '/json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(info, null, 2)}\n`);
    return;
  }
  const rows = Object.entries(info)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`)
    .join('\n');
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!doctype html>\n<html><head><title>puretls</title></head><body>\n<h1>puretls: TLS 1.3 in TypeScript</h1>\n` +
      `<p>This connection negotiated:</p>\n<table>\n${rows}\n</table>\n</body></html>\n`,
  );
}

/** /client-cert: a post-handshake CertificateRequest (RFC 8446 §4.6.2), then the answer. */
function askClientCertificate(sock: TLSSocket, res: ServerResponse): void {
  const text = (status: number, body: string): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${body}\n`);
  };
  try {
    sock.requestClientCertificate();
  } catch (e) {
    text(409, `cannot ask for a certificate: ${describeError(e)}`);
    return;
  }
  const timer = setTimeout(() => text(504, 'no answer to the certificate request'), CLIENT_CERT_TIMEOUT_MS);
  sock.once('close', () => clearTimeout(timer));
  sock.once('clientCertificate', (leaf: { subject: string } | null) => {
    clearTimeout(timer);
    text(200, leaf === null ? 'client certificate: none' : `client certificate: ${leaf.subject}`);
  });
}

/** How long /client-cert waits for the client's answer. */
const CLIENT_CERT_TIMEOUT_MS = 30_000;

/** The subject of the client's verified leaf (mutual TLS), or null. */
function clientSubject(sock: TLSSocket): string | null {
  const peer = sock.getPeerCertificate();
  return 'subject' in peer ? peer.subject : null;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Sessions `--session-store memory` keeps (least recently used dropped beyond). */
const SESSION_STORE_ENTRIES = 10_000;
