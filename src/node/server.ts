/**
 * @module node/server
 * `createServer`: a `net.Server` whose accepted sockets are wrapped in `TLSSocket`s driven by a
 * `ServerConnection` (RFC 8446 server side), with node:tls's events ('secureConnection',
 * 'tlsClientError', 'keylog') and a handshake timeout.
 */
import { Server as NetServer, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ServerConfig } from '../config.ts';
import { ServerConnection } from '../connection/server.ts';
import type { CertificateVerifier } from '../x509/verifier.ts';
import { isRemoteSessionStore } from '../session/store.ts';
import { questionAnswerer, type DecisionSources } from './decisions.ts';
import { keyLogLine, serverConfigFromOptions, serverPskLookup, type ServerSecureOptions } from './options.ts';
import { TLSSocket } from './tls-socket.ts';

/** Options of `createServer` (see ServerSecureOptions for the TLS ones). */
export interface ServerOptions extends ServerSecureOptions {
  /** Milliseconds a client has to finish the handshake (default 10000); then 'tlsClientError'. */
  readonly handshakeTimeout?: number;
  /** Keep our writable side open after the client ends (default false, as node:tls). */
  readonly allowHalfOpen?: boolean;
}

/**
 * A TLS 1.3 server. 'connection' still reports raw TCP sockets (as in node:tls).
 * Events: 'secureConnection' (socket: TLSSocket), 'tlsClientError' (err, socket),
 * 'keylog' (line: Buffer, socket) — the NSS key-log format, emitted only while listened to.
 */
export class Server extends NetServer {
  /** The validated engine configuration for new connections (replaced by setSecureContext). */
  config: ServerConfig;
  private readonly handshakeTimeout: number;
  private readonly socketHalfOpen: boolean;
  /** requestCert: how `socket.authorized` is decided for client certificates. */
  private clientCheck: { readonly verifier: CertificateVerifier; readonly enforced: boolean } | undefined;
  /** What answers the engine's questions (SNICallback, a remote session store, a signer). */
  private decisionSources: DecisionSources;
  private pskCallback: ServerSecureOptions['pskCallback'];

  constructor(options: ServerOptions, secureConnectionListener?: (socket: TLSSocket) => void) {
    // The transport stays half-open: the TLSSocket decides when to end it (after close_notify).
    super({ allowHalfOpen: true });
    ({ config: this.config, clientCheck: this.clientCheck } = serverConfigFromOptions(options));
    this.decisionSources = decisionSources(options);
    this.pskCallback = options.pskCallback;
    this.handshakeTimeout = options.handshakeTimeout ?? 10_000;
    this.socketHalfOpen = options.allowHalfOpen ?? false;
    if (secureConnectionListener) this.on('secureConnection', secureConnectionListener);
    this.on('connection', (raw: Socket) => this.accept(raw));
  }

  /**
   * Replaces the keys, certificates and other TLS options for connections accepted from now on
   * (node:tls `server.setSecureContext`); open connections keep the configuration they started with.
   * @throws TypeError / Error for bad options, leaving the current configuration in place
   */
  setSecureContext(options: ServerSecureOptions): void {
    ({ config: this.config, clientCheck: this.clientCheck } = serverConfigFromOptions(options));
    this.decisionSources = decisionSources(options);
    this.pskCallback = options.pskCallback;
  }

  private accept(raw: Socket): void {
    let tlsSocket: TLSSocket | undefined;
    let connection: ServerConnection;
    let config: ServerConfig;
    // node:tls's pskCallback gets the socket it is called for.
    const psk = this.pskCallback;
    const base: ServerConfig = psk === undefined ? this.config : { ...this.config, externalPsk: serverPskLookup(psk, () => tlsSocket) };
    try {
      config =
        this.listenerCount('keylog') > 0
          ? {
              ...base,
              keyLog: (label, clientRandom, secret) => {
                this.emit('keylog', Buffer.from(keyLogLine(label, clientRandom, secret)), tlsSocket);
              },
            }
          : base;
      connection = new ServerConnection(config);
    } catch (e) {
      raw.destroy();
      this.emit('tlsClientError', e, undefined);
      return;
    }
    const sock = new TLSSocket(raw, connection, {
      isServer: true,
      allowHalfOpen: this.socketHalfOpen,
      handshakeTimeout: this.handshakeTimeout,
      answerQuestion: questionAnswerer(connection, this.decisionSources),
      // What node accepted gives a new buffer per read; a Duplex emitted as 'connection' by the
      // application may not.
      freshTransportChunks: raw instanceof Socket,
    });
    tlsSocket = sock;
    // Until the handshake is done, failures belong to the server ('tlsClientError'), not the socket.
    const onEarlyError = (err: Error): void => {
      this.emit('tlsClientError', err, sock);
    };
    sock.on('error', onEarlyError);
    const check = this.clientCheck;
    const engineConfig = config;
    sock.once('secure', () => {
      sock.off('error', onEarlyError);
      if (check !== undefined) authorizeClient(sock, check, engineConfig);
      this.emit('secureConnection', sock);
    });
  }
}

/**
 * Server-side STARTTLS: upgrades an existing plain connection (e.g. after a protocol's
 * "STARTTLS" command was answered) to TLS 1.3 as the server, like node's
 * `new tls.TLSSocket(socket, { isServer: true, ... })`. The handshake starts with the next bytes
 * the client sends; the returned socket emits 'secure' when it is done and 'error' when it fails
 * (the transport is then destroyed), and 'keylog' (line: Buffer) while listened to.
 *
 * Remove your own 'data'/'readable' listeners from `socket` first; bytes you already read past
 * your protocol's command go back with `socket.unshift(rest)` before this call. Create the plain
 * server with `allowHalfOpen: true` so a TLS close_notify is not cut short by an automatic FIN.
 * Without `ticketKeys` each call gets its own ticket secret (tickets resume only on that socket's
 * configuration); pass one to share resumption.
 * @example
 * sock.once('data', () => { sock.write('READY\r\n'); const tls = wrapServerSocket(sock, { key, cert });
 *   tls.on('secure', () => tls.end('hello over TLS\n')); });
 * @throws TypeError / Error for bad options (as createServer)
 */
export function wrapServerSocket(socket: Duplex, options: ServerOptions): TLSSocket {
  const { config: base, clientCheck: check } = serverConfigFromOptions(options);
  let tlsSocket: TLSSocket | undefined;
  const config: ServerConfig = {
    ...base,
    keyLog: (label, clientRandom, secret) => {
      if (tlsSocket !== undefined && tlsSocket.listenerCount('keylog') > 0) {
        tlsSocket.emit('keylog', Buffer.from(keyLogLine(label, clientRandom, secret)));
      }
    },
  };
  const connection = new ServerConnection(config);
  const sock = new TLSSocket(socket, connection, {
    isServer: true,
    allowHalfOpen: options.allowHalfOpen ?? false,
    handshakeTimeout: options.handshakeTimeout ?? 10_000,
    answerQuestion: questionAnswerer(connection, decisionSources(options)),
  });
  tlsSocket = sock;
  if (check !== undefined) sock.prependOnceListener('secure', () => authorizeClient(sock, check, config));
  // The caller may have paused the plain connection while it answered the STARTTLS command.
  socket.resume();
  return sock;
}

/** The options that answer the engine's questions (src/node/decisions.ts). */
function decisionSources(options: ServerSecureOptions): DecisionSources {
  const store = options.sessionStore;
  return {
    SNICallback: options.SNICallback,
    remoteStore: store !== undefined && isRemoteSessionStore(store) ? store : undefined,
    signer: options.signer,
  };
}

/**
 * Creates a TLS 1.3 server (node:tls-like).
 * @example
 * const server = createServer({ key: fs.readFileSync('key.pem'), cert: fs.readFileSync('cert.pem') }, (s) => {
 *   s.end('hello\n');
 * });
 * server.listen(8443);
 * @throws TypeError / Error for bad options (missing key, key not matching cert, bad ALPN name)
 */
export function createServer(options: ServerOptions, secureConnectionListener?: (socket: TLSSocket) => void): Server {
  return new Server(options, secureConnectionListener);
}

/**
 * requestCert: `authorized` says whether the client's chain validated. Enforced, the engine's
 * verifier already refused anything else; with rejectUnauthorized false the real check runs
 * here, after the handshake, and only reports (RFC 5280 §6.1, usage clientAuth).
 */
function authorizeClient(
  sock: TLSSocket,
  check: { readonly verifier: CertificateVerifier; readonly enforced: boolean },
  config: ServerConfig,
): void {
  const chain = sock.negotiated?.peerCertificates ?? [];
  if (chain.length === 0) {
    sock.authorized = false;
    sock.authorizationError = 'no_certificate';
    return;
  }
  if (check.enforced) {
    sock.authorized = true;
    return;
  }
  try {
    check.verifier.verify({ chain, serverName: undefined, now: config.now(), provider: config.provider, usage: 'client' });
    sock.authorized = true;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const reason = (err as { reason?: unknown }).reason;
    sock.authorized = false;
    sock.authorizationError = typeof reason === 'string' ? reason : err.message;
    sock.authorizationErrorDetail = err;
  }
}
