/**
 * @module node/connect
 * `connect`: opens a TCP connection (or wraps a given Duplex) and runs a TLS 1.3 client
 * handshake over it (RFC 8446 client side), node:tls-style: `servername` drives SNI (RFC 6066 §3)
 * and the certificate name check, `ca` the trust anchors, `rejectUnauthorized` the verifier.
 */
import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { ClientConnection } from '../connection/client.ts';
import type { ConnectionObserver } from '../connection/observer.ts';
import { decodeClientSession, isSessionValid, type ClientSession } from '../session/client-cache.ts';
import { keyLogLine, clientConfigFromOptions, type ClientSecureOptions } from './options.ts';
import { TLSSocket } from './tls-socket.ts';

/** Options of `connect`. */
export interface ConnectOptions extends ClientSecureOptions {
  readonly host?: string;
  readonly port?: number;
  /** A Unix domain socket (or Windows named pipe) to connect to instead of `host`/`port`. */
  readonly path?: string;
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
  /**
   * puretls extension: sees every record, handshake message, alert and key schedule value of the
   * connection as it happens (connection/observer.ts; `puretls connect --trace` prints them).
   */
  readonly observer?: ConnectionObserver;
}

/**
 * Connects and starts the handshake; `callback` runs on 'secureConnect'. The call forms are
 * node:tls's: `connect(options[, cb])`, `connect(port[, host][, options][, cb])` and
 * `connect(path[, options][, cb])` (a `host` or `path` in `options` wins over the argument).
 * Trust: `ca` when given, else node's bundled Mozilla roots (`tls.rootCertificates`). Failures to
 * connect (ECONNREFUSED, DNS) arrive as the socket's 'error' event, as in node:tls.
 * @example
 * const s = connect(8443, 'localhost', { ca: fs.readFileSync('ca.pem') }, () => {
 *   console.log(s.negotiated); s.end();
 * });
 * @throws TypeError / Error for bad options (malformed `ca` or `session`, a setting that cannot be
 *   honoured)
 */
export function connect(options: ConnectOptions, callback?: () => void): TLSSocket;
export function connect(port: number, host?: string, options?: ConnectOptions, callback?: () => void): TLSSocket;
export function connect(port: number, options?: ConnectOptions, callback?: () => void): TLSSocket;
export function connect(port: number, callback?: () => void): TLSSocket;
export function connect(port: number, host: string, callback?: () => void): TLSSocket;
export function connect(path: string, options?: ConnectOptions, callback?: () => void): TLSSocket;
export function connect(path: string, callback?: () => void): TLSSocket;
export function connect(...args: unknown[]): TLSSocket {
  const [options, callback] = connectArguments(args);
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
  const connection = new ClientConnection(setup.config, { serverName: certName, session, observer: options.observer });
  const early = options.earlyData;
  const sentEarly = early === undefined ? 0 : connection.writeEarlyData(early);
  const transport =
    options.socket ??
    (options.path !== undefined
      ? netConnect({ path: options.path, allowHalfOpen: true })
      : netConnect({ host, port: options.port ?? 443, allowHalfOpen: true }));
  sock = new TLSSocket(transport, connection, {
    isServer: false,
    servername,
    allowHalfOpen: options.allowHalfOpen ?? false,
    handshakeTimeout: options.handshakeTimeout,
    earlyData: early === undefined ? undefined : { data: early, sent: sentEarly },
    // A socket of ours gives a new buffer per read; a caller's socket may not.
    freshTransportChunks: options.socket === undefined,
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

/**
 * node:tls's argument forms (its normalizeConnectArgs over net's): the first argument is the
 * options, a port (a number, or a string of digits) or a path (any other string); a host may
 * follow a port; then options (merged over them) and the callback, last.
 * @throws TypeError for arguments that fit none of the forms
 */
function connectArguments(args: readonly unknown[]): [ConnectOptions, (() => void) | undefined] {
  const last = args[args.length - 1];
  const callback = typeof last === 'function' ? (last as () => void) : undefined;
  const rest = callback === undefined ? args : args.slice(0, -1);
  const [first, second, third] = rest;
  const isObject = (x: unknown): x is ConnectOptions => typeof x === 'object' && x !== null;
  let options: ConnectOptions;
  if (isObject(first)) {
    options = first;
  } else if (typeof first === 'number' || (typeof first === 'string' && /^[0-9]+$/.test(first))) {
    const port = Number(first);
    options = typeof second === 'string' ? { port, host: second } : { port };
  } else if (typeof first === 'string') {
    options = { path: first };
  } else {
    throw new TypeError('connect: the first argument must be options, a port or a path');
  }
  const more = isObject(second) ? second : isObject(third) ? third : undefined;
  return [isObject(first) || more === undefined ? options : { ...options, ...more }, callback];
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
