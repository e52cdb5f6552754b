/**
 * @module tools/serve
 * `puretls serve`: an HTTPS (TLS 1.3 + HTTP/1.1) server built on createServer and node:http, whose
 * page shows what each connection negotiated. Without a certificate it generates a short-lived
 * self-signed one for localhost, 127.0.0.1 and ::1.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemorySessionStore } from '../session/store.ts';
import { pemEncode } from '../x509/pem.ts';
import { parseCertificateChain } from '../x509/certificate.ts';
import { generateSelfSigned } from '../x509/self-signed.ts';
import { resolveProvider, type ProviderOption } from '../node/options.ts';
import { createServer, type Server } from '../node/server.ts';
import { fingerprint256, type TLSSocket } from '../node/tls-socket.ts';
import { describeError } from './describe.ts';
import { keyLogSink } from './keylog.ts';
import { readTicketSecretFile } from './secret-file.ts';

/** Options of `serve` (the CLI flags). */
export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly alpn: readonly string[];
  readonly provider: ProviderOption;
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
  /** Ask for client certificates valid to the CAs in this PEM file (mutual TLS, RFC 8446 §4.4.2). */
  readonly clientCaFile?: string;
  /** With clientCaFile: 'required' (default) refuses a client without a certificate. */
  readonly clientAuth?: 'required' | 'optional';
}

/** A running `serve`. */
export interface RunningServe {
  readonly server: Server;
  readonly url: string;
  /** `SHA256:AB:CD:...` of the leaf certificate. */
  readonly fingerprint: string;
  close(): Promise<void>;
}

/** Starts the server and resolves once it listens. @throws Error when the files cannot be used */
export async function serve(options: ServeOptions): Promise<RunningServe> {
  const provider = resolveProvider(options.provider);
  let keyPem: string;
  let certPem: string;
  if (options.certFile !== undefined || options.keyFile !== undefined) {
    if (options.certFile === undefined || options.keyFile === undefined) throw new Error('--cert and --key go together');
    certPem = readFileSync(options.certFile, 'utf8');
    keyPem = readFileSync(options.keyFile, 'utf8');
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
  const leaf = parseCertificateChain(certPem)[0];
  if (leaf === undefined) throw new Error('no certificate in --cert file');
  const fingerprint = `SHA256:${fingerprint256(leaf)}`;

  const http = createHttpServer(respond);
  const server = createServer({
    key: keyPem,
    cert: certPem,
    ALPNProtocols: options.alpn,
    alpnStrict: false,
    provider,
    tickets: options.tickets,
    ticketKeys,
    sessionStore: options.sessionStore === 'memory' ? new MemorySessionStore(SESSION_STORE_ENTRIES) : undefined,
    maxEarlyDataSize: options.earlyData,
    requestCert: options.clientCaFile !== undefined,
    ca: options.clientCaFile === undefined ? undefined : readFileSync(options.clientCaFile, 'utf8'),
    clientAuthMode: options.clientAuth,
  });
  server.on('secureConnection', (sock: TLSSocket) => http.emit('connection', sock));
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
        http.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The page: what the request's TLS connection negotiated (HTML, or JSON at /json). */
export function respond(req: IncomingMessage, res: ServerResponse): void {
  const sock = req.socket as unknown as TLSSocket;
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
    earlyData: sock.earlyDataAccepted ?? null,
    clientCertificate: clientSubject(sock),
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
