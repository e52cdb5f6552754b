/**
 * @module node/connect
 * `connect`: opens a TCP connection (or wraps a given Duplex) and runs a TLS 1.3 client
 * handshake over it (RFC 8446 client side), node:tls-style: `servername` drives SNI (RFC 6066 §3)
 * and the certificate name check, `ca` the trust anchors, `rejectUnauthorized` the verifier.
 */
import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { ClientConnection } from '../connection/client.ts';
import { decodeClientSession, isSessionValid, type ClientSession } from '../session/client-cache.ts';
import { keyLogLine, clientConfigFromOptions, type ClientSecureOptions } from './options.ts';
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
  /**
   * A session to resume (RFC 8446 §4.6.1): a Buffer from an earlier socket's 'session' event or
   * getSession(). It is offered only to the same server name and while its ticket lifetime lasts;
   * otherwise (or when the server declines) a full handshake runs. @throws TypeError when malformed
   */
  readonly session?: Uint8Array;
  /**
   * Data to send first. With a `session` whose ticket allows 0-RTT, as much as the ticket allows
   * goes out as early data (RFC 8446 §4.2.10) before the server answers; data sent that way is
   * REPLAYABLE by an attacker (RFC 8446 §8), so send only idempotent requests. Whatever was not
   * sent early, or was rejected by the server, is sent after the handshake, before any write():
   * the peer receives it exactly once either way; `socket.earlyDataAccepted` says which.
   */
  readonly earlyData?: Uint8Array;
}

/**
 * Connects and starts the handshake; `callback` runs on 'secureConnect'.
 * Trust: `ca` when given, else node's bundled Mozilla roots (`tls.rootCertificates`).
 * @example
 * const s = connect({ host: 'localhost', port: 8443, ca: fs.readFileSync('ca.pem') }, () => {
 *   console.log(s.negotiated); s.end();
 * });
 * @throws TypeError / Error for bad options (malformed `ca` or `session`)
 */
export function connect(options: ConnectOptions, callback?: () => void): TLSSocket {
  const host = options.host ?? 'localhost';
  const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
  const certName = servername ?? host;
  let sock: TLSSocket | undefined;
  const setup = clientConfigFromOptions(
    options,
    (label, clientRandom, secret) => {
      if (sock && sock.listenerCount('keylog') > 0) sock.emit('keylog', Buffer.from(keyLogLine(label, clientRandom, secret)));
    },
    { earlyData: options.earlyData !== undefined && options.earlyData.length > 0 },
  );
  const session = resumable(options.session, certName, setup.config.now());
  // The engine checks the certificate against serverName; for an IP host that is the IP itself.
  const connection = new ClientConnection(setup.config, { serverName: certName, session });
  const early = options.earlyData;
  const sentEarly = early === undefined ? 0 : connection.writeEarlyData(early);
  const transport =
    options.socket ?? netConnect({ host, port: options.port ?? 443, allowHalfOpen: true });
  sock = new TLSSocket(transport, connection, {
    isServer: false,
    servername,
    allowHalfOpen: options.allowHalfOpen ?? false,
    handshakeTimeout: options.handshakeTimeout,
    earlyData: early === undefined ? undefined : { data: early, sent: sentEarly },
  });
  if (options.rejectUnauthorized === false) {
    const insecure = sock;
    // Report what a verifying client would have concluded (the handshake itself did not fail).
    insecure.prependOnceListener('secureConnect', () => {
      const verdict = setup.verdict();
      if (verdict === undefined && insecure.isSessionReused()) return; // authenticated by the original handshake
      insecure.authorized = verdict === null;
      insecure.authorizationError =
        verdict === null ? undefined : verdict === undefined ? 'certificate not checked' : authorizationText(verdict);
      insecure.authorizationErrorDetail = verdict ?? undefined;
    });
  }
  if (options.requestOCSP === true) {
    const s = sock;
    // RFC 6066 §8: the stapled response, as received (node:tls 'OCSPResponse'; not checked here).
    s.prependOnceListener('secureConnect', () => {
      const r = s.negotiated?.ocspResponse;
      if (r !== undefined) s.emit('OCSPResponse', Buffer.from(r));
    });
  }
  if (callback) sock.once('secureConnect', callback);
  return sock;
}

/** The CertificateError's reason (a stable code, like node's error codes), else the message. */
function authorizationText(e: Error): string {
  const reason = (e as { reason?: unknown }).reason;
  return typeof reason === 'string' ? reason : e.message;
}

/** RFC 8446 §4.6.1, RFC 6066 §3: offer a session only to the name it was made with, while valid. */
function resumable(bytes: Uint8Array | undefined, name: string, nowMs: number): ClientSession | undefined {
  if (bytes === undefined) return undefined;
  let s: ClientSession;
  try {
    s = decodeClientSession(bytes);
  } catch (e) {
    throw new TypeError('connect: `session` is not a session saved by this library', { cause: e });
  }
  return s.serverName.toLowerCase() === name.toLowerCase() && isSessionValid(s, nowMs) ? s : undefined;
}
