/**
 * @module node/tls-socket
 * `TLSSocket`: a `stream.Duplex` that moves bytes between a transport Duplex (usually a
 * `net.Socket`) and a sans-I/O `Connection`, with `node:tls`-like members. It holds no protocol
 * logic: the engine decides everything; this file only does flow control (both directions), maps
 * engine events to stream events and sends the engine's alert before closing on failure.
 */
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { Connection } from '../connection/connection.ts';
import type { ConnectionEvent, Negotiated, Question } from '../connection/events.ts';
import { ServerConnection } from '../connection/server.ts';
import { asTlsError } from '../errors.ts';
import { MAX_PENDING_OUTPUT } from '../protocol/limits.ts';
import { encodeClientSession } from '../session/client-cache.ts';
import { parseCertificate } from '../x509/certificate.ts';

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

/** Error code used when the handshake does not finish within `handshakeTimeout`. */
export const HANDSHAKE_TIMEOUT_CODE = 'ERR_TLS_HANDSHAKE_TIMEOUT';

/**
 * A TLS 1.3 socket over any Duplex transport.
 *
 * Events: 'secureConnect' (client) / 'secure' (server) when the handshake is done, 'keylog'
 * (line: Buffer) when key logging is wired by createServer/connect, 'session' (session: Buffer,
 * client: a resumable session from a NewSessionTicket, RFC 8446 §4.6.1, emitted only when the
 * connection was authorized), 'earlyData' (accepted: boolean, when 0-RTT was offered), and the
 * usual stream events.
 * @example
 * const sock = new TLSSocket(net.connect(443, 'example.com'), new ClientConnection(cfg), { isServer: false });
 * sock.on('secureConnect', () => sock.end('GET / HTTP/1.0\r\n\r\n'));
 */
export class TLSSocket extends Duplex {
  /** Always true, as in node:tls. */
  readonly encrypted = true;
  /** The engine under this socket. */
  readonly connection: Connection;
  /** The transport under this socket. */
  readonly transport: Duplex;
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
  private handshakeTimer: NodeJS.Timeout | undefined;
  private pendingWriteCb: ((err?: Error | null) => void) | undefined;
  private pendingFinalCb: ((err?: Error | null) => void) | undefined;
  private readBlocked = false;
  private transportPaused = false;
  /**
   * Bytes the engine produced in answer to what we read (handshake flights, alerts) that the
   * transport has not flushed yet. Over MAX_UNSENT_REPLIES we stop reading: a peer that sends
   * and never reads must not grow our memory. (Application writes wait for their own callbacks.)
   */
  private unsentReplies = 0;
  private peerEnded = false;
  private endPushed = false;
  private alertPending = false;
  private lastSession: Buffer | undefined;
  private earlyData: { readonly data: Uint8Array; readonly sent: number } | undefined;
  /** Writes made before the handshake finished, sent (after the early data) once it has. */
  private heldWrites: Uint8Array[] = [];
  private readonly answerQuestion: ((q: Question) => Promise<void>) | undefined;

  constructor(transport: Duplex, connection: Connection, options: TLSSocketOptions) {
    super({ allowHalfOpen: options.allowHalfOpen ?? false });
    this.transport = transport;
    this.connection = connection;
    this.isServer = options.isServer;
    this.servername = options.servername;
    this.earlyData = options.earlyData;
    this.answerQuestion = options.answerQuestion;
    transport.on('data', this.onTransportData);
    transport.on('end', this.onTransportEnd);
    transport.on('error', this.onTransportError);
    transport.on('close', this.onTransportClose);
    transport.on('timeout', this.onTransportTimeout);
    if (options.handshakeTimeout !== undefined && options.handshakeTimeout > 0) {
      this.handshakeTimer = setTimeout(() => {
        const err = Object.assign(new Error('TLS handshake timeout'), { code: HANDSHAKE_TIMEOUT_CODE });
        this.destroy(err);
      }, options.handshakeTimeout);
      this.handshakeTimer.unref?.();
    }
    // The client's ClientHello is already queued at construction.
    this.flushOutput();
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
    this._writev([{ chunk }], callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    if (!this.connection.isHandshakeDone && this.connection.error === undefined) {
      // Held until the handshake is done (the early data, if any, goes first); so is the callback.
      // Bounded: the stream calls _writev again only after this callback.
      for (const { chunk } of chunks) if (chunk.length > 0) this.heldWrites.push(chunk);
      this.pendingWriteCb = callback;
      return;
    }
    try {
      for (const { chunk } of chunks) this.writeToEngine(chunk);
    } catch (e) {
      callback(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    this.flushOutput(callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.connection.isHandshakeDone && this.connection.error === undefined) {
      this.pendingFinalCb = callback;
      return;
    }
    this.closeAndEnd(callback);
  }

  override _read(): void {
    this.readBlocked = false;
    this.pump();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.handshakeTimer);
    const t = this.transport;
    t.off('data', this.onTransportData);
    if (this.alertPending && !t.destroyed && !t.writableFinished) {
      // Let the fatal alert reach the wire before the transport goes away.
      const timer = setTimeout(() => t.destroy(), 2000);
      timer.unref?.();
      t.once('finish', () => {
        clearTimeout(timer);
        t.destroy();
      });
    } else {
      t.destroy();
    }
    this.heldWrites = [];
    const pending = [this.pendingWriteCb, this.pendingFinalCb];
    this.pendingWriteCb = this.pendingFinalCb = undefined;
    for (const cb of pending) cb?.(error ?? new Error('socket destroyed'));
    callback(error);
  }

  private readonly onTransportData = (chunk: Buffer): void => {
    if (this.destroyed) return;
    try {
      this.connection.receive(chunk);
    } catch (e) {
      this.fail(e);
      return;
    }
    this.process();
  };

  private readonly onTransportEnd = (): void => {
    if (this.destroyed) return;
    if (!this.connection.isHandshakeDone) {
      this.destroy(Object.assign(new Error('socket hang up: peer closed before the TLS handshake completed'), {
        code: 'ECONNRESET',
      }));
      return;
    }
    // A FIN without close_notify: end the readable side like node:tls does.
    this.peerEnded = true;
    this.pump();
  };

  private readonly onTransportError = (err: Error): void => {
    this.destroy(err);
  };

  private readonly onTransportClose = (): void => {
    if (this.destroyed) return;
    if (!this.connection.isHandshakeDone) {
      this.destroy(Object.assign(new Error('socket hang up: transport closed before the TLS handshake completed'), {
        code: 'ECONNRESET',
      }));
      return;
    }
    // Deliver what is still buffered, then end; a blocked reader gets the rest through _read().
    this.peerEnded = true;
    this.pump();
  };

  private readonly onTransportTimeout = (): void => {
    this.emit('timeout');
  };

  /** After `receive()`: send what the engine produced, handle its events, deliver plaintext. */
  private process(): void {
    this.flushReplies();
    for (let ev = this.connection.poll(); ev !== undefined; ev = this.connection.poll()) {
      this.onEvent(ev);
      if (this.destroyed) return;
    }
    this.pump();
  }

  private onEvent(ev: ConnectionEvent): void {
    switch (ev.kind) {
      case 'handshakeDone': {
        clearTimeout(this.handshakeTimer);
        this.handshakeTimer = undefined;
        this.secureEstablished = true;
        this.alpnProtocol = ev.negotiated.alpnProtocol ?? false;
        if (this.isServer) this.servername = ev.negotiated.serverName;
        else this.authorized = true; // the verifier accepted the chain (connect() overrides when insecure)
        const writeCb = this.pendingWriteCb;
        this.pendingWriteCb = undefined;
        try {
          this.writeHeld();
        } catch (e) {
          writeCb?.(e instanceof Error ? e : new Error(String(e)));
          this.fail(e);
          return;
        }
        this.flushOutput(writeCb);
        this.emit(this.isServer ? 'secure' : 'secureConnect');
        const finalCb = this.pendingFinalCb;
        this.pendingFinalCb = undefined;
        if (finalCb && !this.destroyed) this.closeAndEnd(finalCb);
        return;
      }
      case 'peerClosed':
        this.peerEnded = true;
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
      case 'needCertificate':
      case 'needSession':
      case 'needSignature':
        this.answer(ev);
        return;
    }
  }

  /** The engine paused for `q`: once answered, it goes on with what it buffered meanwhile. */
  private answer(q: Question): void {
    if (this.answerQuestion === undefined) return this.fail(new Error(`${q.kind}: this socket has no answer for the engine's question`));
    this.answerQuestion(q).then(
      () => {
        if (!this.destroyed) this.process();
      },
      (e: unknown) => {
        if (!this.destroyed) this.fail(e);
      },
    );
  }

  /** Handshake done: the early data not accepted as 0-RTT, then the writes made meanwhile. */
  private writeHeld(): void {
    const early = this.earlyData;
    this.earlyData = undefined;
    if (early !== undefined) {
      const rest = this.connection.earlyDataAccepted === true ? early.data.subarray(early.sent) : early.data;
      this.writeToEngine(rest);
    }
    const held = this.heldWrites;
    this.heldWrites = [];
    for (const chunk of held) this.writeToEngine(chunk);
  }

  /**
   * Hands application data to the engine, first moving the engine's output to the transport when
   * much of it waits: the engine refuses to hold more than MAX_PENDING_OUTPUT (4 MiB) untaken.
   */
  private writeToEngine(chunk: Uint8Array): void {
    if (this.connection.pendingOutputLen > MAX_PENDING_OUTPUT / 2) this.flushOutput();
    if (chunk.length > 0) this.connection.write(chunk);
  }

  /** Moves plaintext from the engine into the readable side, and throttles the transport. */
  private pump(): void {
    // RFC 8446 §4.2.10: accepted 0-RTT data precedes everything sent after the handshake.
    if (this.connection instanceof ServerConnection) {
      while (!this.readBlocked && !this.destroyed) {
        const chunk = this.connection.readEarlyData();
        if (chunk === undefined) break;
        if (!this.push(chunk)) this.readBlocked = true;
      }
    }
    while (!this.readBlocked && !this.destroyed) {
      const chunk = this.connection.read();
      if (chunk === undefined) break;
      if (!this.push(chunk)) this.readBlocked = true;
    }
    if (this.destroyed) return;
    if (!this.readBlocked && this.peerEnded && !this.endPushed && this.connection.bufferedPlaintextLen === 0) {
      this.endPushed = true;
      this.push(null);
    }
    // Backpressure: stop reading the transport while our reader is full, the engine holds a lot
    // of undelivered plaintext, or the peer does not read our replies; _read() and the replies'
    // write callbacks resume.
    const full =
      this.readBlocked || this.connection.bufferedPlaintextLen >= MAX_BUFFERED_PLAINTEXT || this.unsentReplies > MAX_UNSENT_REPLIES;
    if (full && !this.transportPaused) {
      this.transportPaused = true;
      this.transport.pause();
    } else if (!full && this.transportPaused) {
      this.transportPaused = false;
      this.transport.resume();
    }
  }

  /** Like flushOutput, for output that answers what we read: counted until the transport flushes it. */
  private flushReplies(): void {
    const out = this.connection.takeOutput();
    const t = this.transport;
    if (out.length === 0 || t.destroyed || t.writableEnded) return;
    this.unsentReplies += out.length;
    t.write(out, () => {
      this.unsentReplies -= out.length;
      if (!this.destroyed) this.pump();
    });
  }

  /** Writes the engine's pending output to the transport; `callback` fires when it was written. */
  private flushOutput(callback?: (error?: Error | null) => void): void {
    const out = this.connection.takeOutput();
    const t = this.transport;
    if (out.length === 0 || t.destroyed || t.writableEnded) {
      if (callback) {
        const err = out.length > 0 ? new Error('transport is closed') : null;
        process.nextTick(() => callback(err));
      }
      return;
    }
    t.write(out, callback ? (err?: Error | null) => callback(err ?? null) : undefined);
  }

  private closeAndEnd(callback: (error?: Error | null) => void): void {
    try {
      this.connection.close(); // RFC 8446 §6.1 close_notify
    } catch {
      // already failed or closed: just end the transport
    }
    const out = this.connection.takeOutput();
    const t = this.transport;
    if (t.destroyed || t.writableEnded) {
      process.nextTick(() => callback());
      return;
    }
    t.end(out.length > 0 ? out : undefined, () => callback());
  }

  /** The engine failed: send its alert (already queued), then report and tear down. */
  private fail(e: unknown): void {
    const err = asTlsError(e);
    let out: Uint8Array | undefined;
    try {
      out = this.connection.takeOutput();
    } catch {
      out = undefined;
    }
    const t = this.transport;
    if (out !== undefined && out.length > 0 && !t.destroyed && !t.writableEnded) {
      this.alertPending = true;
      t.end(out);
    }
    this.destroy(err);
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

/** Stop feeding the engine when this much received plaintext is waiting for our reader. */
const MAX_BUFFERED_PLAINTEXT = 256 * 1024;
/** Stop reading while this much of our answers to the peer is not flushed (see `unsentReplies`). */
const MAX_UNSENT_REPLIES = 64 * 1024;
