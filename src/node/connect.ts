/**
 * @module node/connect
 * `connect`: opens a TCP connection (or wraps a given Duplex) and runs a TLS 1.3 client
 * handshake over it (RFC 8446 client side), node:tls-style: `servername` drives SNI (RFC 6066 §3)
 * and the certificate name check, `ca` the trust anchors, `rejectUnauthorized` the verifier.
 */
import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { ClientConnection } from '../connection/client.ts';
import { keyLogLine, clientConfigFromOptions, trustedCertificates, type ClientSecureOptions } from './options.ts';
import { trustExactly } from '../x509/verifier.ts';
import { TLSSocket } from './tls-socket.ts';

/** Options of `connect`. */
export interface ConnectOptions extends ClientSecureOptions {
  readonly host?: string;
  readonly port?: number;
  /** SNI and certificate name; default `host` unless it is an IP literal (then the IP is checked, no SNI). */
  readonly servername?: string;
  /** An already connected Duplex to run TLS over instead of a new TCP connection. */
  readonly socket?: Duplex;
  /** Milliseconds before an unfinished handshake fails (default: none). */
  readonly handshakeTimeout?: number;
  readonly allowHalfOpen?: boolean;
}

/**
 * Connects and starts the handshake; `callback` runs on 'secureConnect'.
 * @example
 * const s = connect({ host: 'localhost', port: 8443, ca: fs.readFileSync('ca.pem') }, () => {
 *   console.log(s.negotiated); s.end();
 * });
 * @throws TypeError for bad options (e.g. no `ca` while rejectUnauthorized is true)
 */
export function connect(options: ConnectOptions, callback?: () => void): TLSSocket {
  const host = options.host ?? 'localhost';
  const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
  let sock: TLSSocket | undefined;
  const config = clientConfigFromOptions(options, (label, clientRandom, secret) => {
    if (sock && sock.listenerCount('keylog') > 0) sock.emit('keylog', Buffer.from(keyLogLine(label, clientRandom, secret)));
  });
  // The engine checks the certificate against serverName; for an IP host that is the IP itself.
  const connection = new ClientConnection(config, { serverName: servername ?? host });
  const transport =
    options.socket ?? netConnect({ host, port: options.port ?? 443, allowHalfOpen: true });
  sock = new TLSSocket(transport, connection, {
    isServer: false,
    servername,
    allowHalfOpen: options.allowHalfOpen ?? false,
    handshakeTimeout: options.handshakeTimeout,
  });
  if (options.rejectUnauthorized === false) {
    const insecure = sock;
    // Report what a verifying client would have concluded, without failing the handshake.
    insecure.prependOnceListener('secureConnect', () => {
      const n = insecure.negotiated;
      insecure.authorized = false;
      insecure.authorizationError = 'rejectUnauthorized is false: certificate not verified';
      if (n === undefined || options.ca === undefined) return;
      try {
        const verifier = trustExactly(trustedCertificates(options));
        verifier.verify({ chain: n.peerCertificates, serverName: servername ?? host, now: Date.now(), provider: config.provider });
        insecure.authorized = true;
        insecure.authorizationError = undefined;
      } catch (e) {
        insecure.authorizationError = e instanceof Error ? e.message : String(e);
      }
    });
  }
  if (callback) sock.once('secureConnect', callback);
  return sock;
}

