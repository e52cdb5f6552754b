/**
 * @module node/server
 * `createServer`: a `net.Server` whose accepted sockets are wrapped in `TLSSocket`s driven by a
 * `ServerConnection` (RFC 8446 server side), with node:tls's events ('secureConnection',
 * 'tlsClientError', 'keylog') and a handshake timeout.
 */
import { Server as NetServer, type Socket } from 'node:net';
import type { ServerConfig } from '../config.ts';
import { ServerConnection } from '../connection/server.ts';
import { keyLogLine, serverConfigFromOptions, type ServerSecureOptions } from './options.ts';
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

  constructor(options: ServerOptions, secureConnectionListener?: (socket: TLSSocket) => void) {
    // The transport stays half-open: the TLSSocket decides when to end it (after close_notify).
    super({ allowHalfOpen: true });
    this.config = serverConfigFromOptions(options);
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
    this.config = serverConfigFromOptions(options);
  }

  private accept(raw: Socket): void {
    let tlsSocket: TLSSocket | undefined;
    let connection: ServerConnection;
    try {
      const config: ServerConfig =
        this.listenerCount('keylog') > 0
          ? {
              ...this.config,
              keyLog: (label, clientRandom, secret) => {
                this.emit('keylog', Buffer.from(keyLogLine(label, clientRandom, secret)), tlsSocket);
              },
            }
          : this.config;
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
    });
    tlsSocket = sock;
    // Until the handshake is done, failures belong to the server ('tlsClientError'), not the socket.
    const onEarlyError = (err: Error): void => {
      this.emit('tlsClientError', err, sock);
    };
    sock.on('error', onEarlyError);
    sock.once('secure', () => {
      sock.off('error', onEarlyError);
      this.emit('secureConnection', sock);
    });
  }
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
