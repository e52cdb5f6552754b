/**
 * @module node/tls-socket
 * `TLSSocket`: the `stream.Duplex` face, with `node:tls`-like members, of a TlsWrap (the layer
 * between a transport Duplex, usually a `net.Socket`, and a sans-I/O `Connection`:
 * node/tls-wrap.ts). It holds no protocol logic: the engine decides everything; this file maps
 * engine events to stream events, holds writes made before the handshake completes, and ties
 * the stream's flow control to the wrap's.
 */
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { Connection } from '../connection/connection.ts';
import type { ConnectionEvent, Negotiated, Question } from '../connection/events.ts';
import { ServerConnection } from '../connection/server.ts';
import { MAX_PLAINTEXT_LEN } from '../protocol/limits.ts';
import { encodeClientSession } from '../session/client-cache.ts';
import { parseCertificate } from '../x509/certificate.ts';
import { TlsWrap, type TlsWrapOwner } from './tls-wrap.ts';

export { HANDSHAKE_TIMEOUT_CODE } from './tls-wrap.ts';

/** Options of the `TLSSocket` constructor (createServer / connect fill these in). */
export interface TLSSocketOptions {
  /** True on the server side: the handshake completion event is then 'secure', else 'secureConnect'. */
  readonly isServer: boolean;
  /** Client: the server name requested. */
  readonly servername?: string;
  /** Keep the writable side open after the peer's close_notify / FIN (default false, as node:tls). */
  readonly allowHalfOpen?: boolean;
  /** Milliseconds before an unfinished handshake destroys the socket (0/undefined: no limit). */
  readonly handshakeTimeout?: number;
  /**
   * Client: data to deliver before anything written, of which the first `sent` bytes already went
   * out as 0-RTT early data; after the handshake the rest is sent, or all of it when the server
   * did not accept the early data.
   */
  readonly earlyData?: { readonly data: Uint8Array; readonly sent: number };
  /**
   * Server: answers the engine's questions (`pauseFor`, src/node/decisions.ts); the handshake
   * goes on when the promise settles (a rejection is the engine's TlsError: the socket fails).
   */
  readonly answerQuestion?: (q: Question) => Promise<void>;
  /**
   * The transport is a `net.Socket` node created (accepted by our server, or our `net.connect`):
   * every chunk it emits is a new buffer, which the engine may take over (TlsWrap's
   * `freshTransportChunks`). Leave unset for a caller's Duplex.
   */
  readonly freshTransportChunks?: boolean;
}

/** The subset of `tls.PeerCertificate` we provide. */
export interface PeerCertificate {
  readonly raw: Buffer;
  /** Subject distinguished name as text, e.g. `CN=localhost, O=puretls`. */
  readonly subject: string;
  readonly issuer: string;
  /** e.g. `DNS:localhost, IP Address:127.0.0.1` */
  readonly subjectaltname: string;
  readonly valid_from: string;
  readonly valid_to: string;
  readonly serialNumber: string;
  /** SHA-256 of the DER, upper-case hex bytes separated by colons. */
  readonly fingerprint256: string;
}

/**
 * A TLS 1.3 socket over any Duplex transport.
 *
 * Events: 'secureConnect' (client) / 'secure' (server) when the handshake is done, 'keylog'
 * (line: Buffer) when key logging is wired by createServer/connect, 'session' (session: Buffer,
 * client: a resumable session from a NewSessionTicket, RFC 8446 §4.6.1, emitted only when the
 * connection was authorized), 'earlyData' (accepted: boolean, when 0-RTT was offered), and the
 * usual stream events.
 *
 * The `tls*` methods are the TlsWrap's calls into the socket (TlsWrapOwner), not for applications.
 * @example
 * const sock = new TLSSocket(net.connect(443, 'example.com'), new ClientConnection(cfg), { isServer: false });
 * sock.on('secureConnect', () => sock.end('GET / HTTP/1.0\r\n\r\n'));
 */
export class TLSSocket extends Duplex implements TlsWrapOwner {
  /** Always true, as in node:tls. */
  readonly encrypted = true;
  /** The engine under this socket. */
  readonly connection: Connection;
  /** The transport under this socket. */
  readonly transport: Duplex;
  /** The layer between the transport and the engine. */
  readonly tlsWrap: TlsWrap;
  /** Negotiated ALPN protocol, or false (node:tls convention). */
  alpnProtocol: string | false = false;
  /** Client: the name requested; server: the SNI the client sent (after the handshake). */
  servername: string | undefined;
  /** Whether the peer's certificate was verified (client; server with requestCert: the client's). */
  authorized = false;
  /** Why `authorized` is false, when it is: the CertificateError `reason` (e.g. 'unknown_issuer'). */
  authorizationError: string | undefined;
  /** The verifier's error behind `authorizationError` (a CertificateError), when there is one. */
  authorizationErrorDetail: Error | undefined;
  /** True once the handshake completed. */
  secureEstablished = false;
  private readonly isServer: boolean;
  private pendingWriteCb: ((err?: Error | null) => void) | undefined;
  private pendingFinalCb: ((err?: Error | null) => void) | undefined;
  private lastSession: Buffer | undefined;
  private earlyData: { readonly data: Uint8Array; readonly sent: number } | undefined;
  /** Writes made before the handshake finished, sent (after the early data) once it has. */
  private heldWrites: Uint8Array[] | undefined;

  constructor(transport: Duplex, connection: Connection, options: TLSSocketOptions) {
    super({ allowHalfOpen: options.allowHalfOpen ?? false });
    this.transport = transport;
    this.connection = connection;
    this.isServer = options.isServer;
    this.servername = options.servername;
    this.earlyData = options.earlyData;
    // The wrap sends what the engine already queued (a client's ClientHello).
    this.tlsWrap = new TlsWrap(transport, connection, this, options);
  }

  /** What the handshake agreed (undefined before it is done). */
  get negotiated(): Negotiated | undefined {
    return this.connection.negotiated;
  }

  /** 'TLSv1.3' once the handshake is done, else null (node:tls). */
  getProtocol(): string | null {
    return this.connection.negotiated ? 'TLSv1.3' : null;
  }

  /** The cipher suite, in node:tls's shape. */
  getCipher(): { name: string; standardName: string; version: string } | undefined {
    const n = this.connection.negotiated;
    return n ? { name: n.cipherSuite, standardName: n.cipherSuite, version: 'TLSv1.3' } : undefined;
  }

  /** True when the handshake resumed a session with a PSK (RFC 8446 §2.2), as in node:tls. */
  isSessionReused(): boolean {
    return this.connection.negotiated?.isResumed ?? false;
  }

  /**
   * Client: the newest resumable session received (pass it as `connect({ session })`), or
   * undefined. As the 'session' event, only for an authorized connection.
   */
  getSession(): Buffer | undefined {
    return this.lastSession;
  }

  /**
   * Whether the server accepted 0-RTT early data (RFC 8446 §4.2.10): undefined when none was
   * offered or before it is known. On a server, accepted early data was read first and is
   * REPLAYABLE (RFC 8446 §8).
   */
  get earlyDataAccepted(): boolean | undefined {
    return this.connection.earlyDataAccepted;
  }

  /** The peer's leaf certificate (a minimal `tls.PeerCertificate`), or `{}` when there is none. */
  getPeerCertificate(): PeerCertificate | Record<string, never> {
    const der = this.connection.negotiated?.peerCertificates[0];
    return der ? describeCertificate(der) : {};
  }

  /**
   * puretls extension: sends a KeyUpdate (RFC 8446 §4.6.3); with `requestPeerUpdate` (default)
   * the peer updates its sending key too.
   */
  keyUpdate(requestPeerUpdate = true): void {
    this.connection.updateKeys(requestPeerUpdate);
    this.tlsWrap.flush();
  }

  /**
   * puretls extension, server side: asks the client for a certificate after the handshake
   * (RFC 8446 §4.6.2; needs a client that offered post_handshake_auth and the `postHandshakeCa`
   * option). 'clientCertificate' is emitted with the verified leaf (or null when the client has
   * none, in 'optional' mode); a refused certificate fails the socket with the alert.
   * @throws Error when a request is not possible now
   */
  requestClientCertificate(): void {
    if (!(this.connection instanceof ServerConnection)) throw new Error('requestClientCertificate: only a server asks for certificates');
    this.connection.requestClientCertificate();
    this.tlsWrap.flush();
  }

  /** RFC 8446 §7.5 exporter, with node:tls's argument order. */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Buffer {
    const out = this.connection.exportKeyingMaterial(label, context, length);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }

  get remoteAddress(): string | undefined {
    return (this.transport as Partial<Socket>).remoteAddress;
  }
  get remotePort(): number | undefined {
    return (this.transport as Partial<Socket>).remotePort;
  }
  get remoteFamily(): string | undefined {
    return (this.transport as Partial<Socket>).remoteFamily;
  }
  get localAddress(): string | undefined {
    return (this.transport as Partial<Socket>).localAddress;
  }
  get localPort(): number | undefined {
    return (this.transport as Partial<Socket>).localPort;
  }
  address(): ReturnType<Socket['address']> | Record<string, never> {
    const t = this.transport as Partial<Socket>;
    return typeof t.address === 'function' ? t.address() : {};
  }

  /** Idle timeout on the transport; emits 'timeout' here (node:http relies on it). */
  setTimeout(ms: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback);
    (this.transport as Partial<Socket>).setTimeout?.(ms);
    return this;
  }
  setNoDelay(noDelay?: boolean): this {
    (this.transport as Partial<Socket>).setNoDelay?.(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    (this.transport as Partial<Socket>).setKeepAlive?.(enable, initialDelay);
    return this;
  }
  ref(): this {
    (this.transport as Partial<Socket>).ref?.();
    return this;
  }
  unref(): this {
    (this.transport as Partial<Socket>).unref?.();
    return this;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.holdUntilHandshake([chunk], callback)) return;
    this.writeAndFlush(chunk, callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    const buffers = chunks.map((c) => c.chunk);
    if (this.holdUntilHandshake(buffers, callback)) return;
    let total = 0;
    for (const b of buffers) total += b.length;
    // Small chunks written together (an HTTP head, then its body) go in one record, as node:tls
    // does: fewer records to seal, and one write to the transport.
    if (total <= MAX_PLAINTEXT_LEN) this.writeAndFlush(Buffer.concat(buffers, total), callback);
    else this.writeAndFlush(buffers, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.connection.isHandshakeDone && this.connection.error === undefined) {
      this.pendingFinalCb = callback;
      return;
    }
    this.tlsWrap.end(callback);
  }

  override _read(): void {
    // After a hand-over (the proxy's bridge) the plaintext goes elsewhere.
    if (this.tlsWrap.isOwnedBy(this)) this.tlsWrap.readMore();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.tlsWrap.destroy();
    this.heldWrites = undefined;
    const pending = [this.pendingWriteCb, this.pendingFinalCb];
    this.pendingWriteCb = this.pendingFinalCb = undefined;
    for (const cb of pending) cb?.(error ?? new Error('socket destroyed'));
    callback(error);
  }

  tlsData(chunk: Uint8Array): boolean {
    return this.push(chunk);
  }

  tlsDataDone(): void {}

  tlsEnd(): void {
    this.push(null);
  }

  tlsError(err: Error): void {
    this.destroy(err);
  }

  tlsTimeout(): void {
    this.emit('timeout');
  }

  tlsEvent(ev: ConnectionEvent): void {
    switch (ev.kind) {
      case 'handshakeDone': {
        this.secureEstablished = true;
        this.alpnProtocol = ev.negotiated.alpnProtocol ?? false;
        if (this.isServer) this.servername = ev.negotiated.serverName;
        else this.authorized = true; // the verifier accepted the chain (connect() overrides without rejectUnauthorized)
        const writeCb = this.pendingWriteCb;
        this.pendingWriteCb = undefined;
        try {
          this.writeHeld();
        } catch (e) {
          writeCb?.(e instanceof Error ? e : new Error(String(e)));
          this.destroy(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        this.tlsWrap.flush(writeCb);
        this.emit(this.isServer ? 'secure' : 'secureConnect');
        const finalCb = this.pendingFinalCb;
        this.pendingFinalCb = undefined;
        if (finalCb && !this.destroyed) this.tlsWrap.end(finalCb);
        return;
      }
      case 'peerClosed':
        return;
      case 'warningAlert':
        this.emit('warningAlert', ev.description);
        return;
      case 'keyUpdate':
        this.emit('keyUpdate', ev.direction);
        return;
      case 'sessionTicket':
        // A ticket carries the authentication of this connection: hand it out only when that held.
        if (!this.authorized) return;
        this.lastSession = Buffer.from(encodeClientSession(ev.session));
        this.emit('session', this.lastSession);
        return;
      case 'earlyData':
        this.emit('earlyData', ev.accepted);
        return;
      case 'clientCertificate':
        this.emit('clientCertificate', ev.peerCertificates.length > 0 ? this.getPeerCertificate() : null);
        return;
    }
  }

  /**
   * Before the handshake is done, writes are held (the early data, if any, goes first), and so is
   * their callback; bounded: the stream writes again only after the callback. True when held.
   */
  private holdUntilHandshake(chunks: readonly Buffer[], callback: (error?: Error | null) => void): boolean {
    if (this.connection.isHandshakeDone || this.connection.error !== undefined) return false;
    for (const chunk of chunks) if (chunk.length > 0) (this.heldWrites ??= []).push(chunk);
    this.pendingWriteCb = callback;
    return true;
  }

  /** Seals `data` and writes the records to the transport; `callback` once the transport took them. */
  private writeAndFlush(data: Uint8Array | readonly Uint8Array[], callback: (error?: Error | null) => void): void {
    try {
      if (data instanceof Uint8Array) this.tlsWrap.write(data);
      else for (const chunk of data) this.tlsWrap.write(chunk);
    } catch (e) {
      callback(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    this.tlsWrap.flush(callback);
  }

  /** Handshake done: the early data not accepted as 0-RTT, then the writes made meanwhile. */
  private writeHeld(): void {
    const early = this.earlyData;
    this.earlyData = undefined;
    if (early !== undefined) {
      const rest = this.connection.earlyDataAccepted === true ? early.data.subarray(early.sent) : early.data;
      this.tlsWrap.write(rest);
    }
    const held = this.heldWrites;
    this.heldWrites = undefined;
    for (const chunk of held ?? []) this.tlsWrap.write(chunk);
  }
}

/** Describes a DER certificate in node:tls's `PeerCertificate` shape. */
export function describeCertificate(der: Uint8Array): PeerCertificate {
  const c = parseCertificate(der);
  const sans = [...c.dnsNames.map((d) => `DNS:${d}`), ...c.ipAddresses.map((ip) => `IP Address:${ipText(ip)}`)];
  return {
    raw: Buffer.from(der),
    subject: c.subjectText,
    issuer: c.issuerText,
    subjectaltname: sans.join(', '),
    valid_from: new Date(c.notBefore).toUTCString(),
    valid_to: new Date(c.notAfter).toUTCString(),
    serialNumber: c.serialNumberHex.toUpperCase(),
    fingerprint256: fingerprint256(der),
  };
}

/** SHA-256 of `der` as `AB:CD:...` (the form `openssl x509 -fingerprint -sha256` prints). */
export function fingerprint256(der: Uint8Array): string {
  const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  return hex.match(/../g)!.join(':');
}

function ipText(ip: Uint8Array): string {
  if (ip.length === 4) return Array.from(ip).join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < ip.length; i += 2) groups.push((((ip[i] ?? 0) << 8) | (ip[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}
