/**
 * @module node/tls-wrap
 * `TlsWrap`: the one layer between a transport (a `net.Socket`, or any Duplex) and a sans-I/O
 * `Connection`, as node's C++ TLSWrap sits between a socket handle and OpenSSL. Ciphertext read
 * from the transport goes straight into the engine and the engine's output straight to the
 * transport; plaintext goes to an owner: the `TLSSocket` Duplex for library users, or the
 * proxy's upstream socket (tools/tls-bridge.ts), with no stream in between. It holds no protocol
 * logic: it does flow control (reading stops while the owner, the engine's plaintext buffer or
 * our unsent replies are full), the handshake timeout, and sends the engine's alert before
 * closing on failure.
 *
 * An idle connection costs little here: the transport's listeners are shared functions that
 * find their TlsWrap through a symbol on the transport (no closures per connection), and nothing
 * is buffered between reads.
 */
import type { Duplex } from 'node:stream';
import type { Connection, ReceiveOptions } from '../connection/connection.ts';
import type { ConnectionEvent, Question } from '../connection/events.ts';
import { ServerConnection } from '../connection/server.ts';
import { asTlsError } from '../errors.ts';
import { MAX_PENDING_OUTPUT } from '../protocol/limits.ts';

/** What a TlsWrap reports to, and hands plaintext to. */
export interface TlsWrapOwner {
  /**
   * An engine event; 'handshakeDone' comes after the handshake timer was cleared. The engine's
   * questions (needCertificate, needSession, needSignature) are the wrap's: they do not come here.
   */
  tlsEvent(ev: ConnectionEvent): void;
  /**
   * Plaintext from the peer, in order (accepted 0-RTT data first). Return false to stop: no
   * more is delivered, and the transport is paused, until `TlsWrap.readMore()`.
   */
  tlsData(chunk: Uint8Array): boolean;
  /** The chunks delivered by one read of the transport are all delivered (a place to flush them). */
  tlsDataDone(): void;
  /** The peer will send no more (close_notify, or a FIN after the handshake); all data was delivered. */
  tlsEnd(): void;
  /**
   * The connection failed: an engine error (its alert is on the way), a transport error, the
   * transport closing before the handshake completed, or the handshake timeout. The owner tears
   * down (and calls `destroy()`).
   */
  tlsError(err: Error): void;
  /** The transport's idle timeout fired (`setTimeout` on the transport). */
  tlsTimeout(): void;
}

/** Options of a TlsWrap (see the constructor). */
export interface TlsWrapOptions {
  readonly handshakeTimeout?: number | undefined;
  readonly answerQuestion?: ((q: Question) => Promise<void>) | undefined;
  /**
   * Each chunk the transport emits is a fresh buffer that nothing else reads or reuses: true for
   * a `net.Socket` that node created (accepted, or `net.connect`) without an `onread` buffer,
   * which gets a new buffer of its own for every read. The engine then takes the chunks over
   * (`receive(chunk, { transfer: true })`): records are decrypted in place where the provider
   * can, and handshake messages kept without a copy. Default false: chunks are only read.
   */
  readonly freshTransportChunks?: boolean | undefined;
}

/** Error code used when the handshake does not finish within `handshakeTimeout`. */
export const HANDSHAKE_TIMEOUT_CODE = 'ERR_TLS_HANDSHAKE_TIMEOUT';

/** The transport property that leads the shared listeners below to their TlsWrap. */
const WRAP: unique symbol = Symbol('puretls.TlsWrap');

interface Wrapped {
  [WRAP]?: TlsWrap;
}

/** A transport bound to an engine (see the module comment). */
export class TlsWrap {
  readonly transport: Duplex;
  readonly connection: Connection;
  /** Who gets plaintext and events; `handOver` changes it (the proxy takes a connection over). */
  private owner: TlsWrapOwner;
  private handshakeTimer: NodeJS.Timeout | undefined;
  /** The owner asked for no more plaintext (tlsData returned false). */
  private ownerFull = false;
  private transportPaused = false;
  /**
   * Bytes the engine produced in answer to what we read (handshake flights, alerts, KeyUpdate
   * answers) that the transport has not flushed yet. Over MAX_UNSENT_REPLIES we stop reading: a
   * peer that sends and never reads must not grow our memory. (Application writes are the
   * owner's to bound.)
   */
  private unsentReplies = 0;
  private peerEnded = false;
  private endDelivered = false;
  private alertPending = false;
  private destroyed = false;
  private readonly answerQuestion: ((q: Question) => Promise<void>) | undefined;
  /** How received chunks are given to the engine (see `TlsWrapOptions.freshTransportChunks`). */
  private readonly receiveOptions: ReceiveOptions | undefined;

  /**
   * Binds `transport` to `connection` and sends what the engine already queued (a client's
   * ClientHello). `handshakeTimeout` (ms, 0/undefined: none) fails the connection with
   * HANDSHAKE_TIMEOUT_CODE when the handshake has not completed by then; `answerQuestion`
   * answers a paused server engine's questions (src/node/decisions.ts).
   */
  constructor(transport: Duplex, connection: Connection, owner: TlsWrapOwner, options: TlsWrapOptions = {}) {
    const { handshakeTimeout } = options;
    this.transport = transport;
    this.connection = connection;
    this.owner = owner;
    this.answerQuestion = options.answerQuestion;
    this.receiveOptions = options.freshTransportChunks === true ? TRANSFER : undefined;
    (transport as Wrapped)[WRAP] = this;
    transport.on('data', onTransportData);
    transport.on('end', onTransportEnd);
    transport.on('error', onTransportError);
    transport.on('close', onTransportClose);
    transport.on('timeout', onTransportTimeout);
    if (handshakeTimeout !== undefined && handshakeTimeout > 0) {
      this.handshakeTimer = setTimeout(onHandshakeTimeout, handshakeTimeout, this);
      this.handshakeTimer.unref?.();
    }
    this.flush();
  }

  /**
   * Gives plaintext and events to `owner` from now on: what is not yet delivered, and the end of
   * the stream even when the previous owner already had it. Nothing is delivered before the next
   * `readMore()`, so the new owner can first take what the previous one still holds.
   */
  handOver(owner: TlsWrapOwner): void {
    this.owner = owner;
    this.ownerFull = true;
    this.endDelivered = false;
  }

  /** True while `owner` gets the plaintext. */
  isOwnedBy(owner: TlsWrapOwner): boolean {
    return this.owner === owner;
  }

  /** The owner can take plaintext again after tlsData returned false. */
  readMore(): void {
    this.ownerFull = false;
    this.pump();
  }

  /**
   * Hands application data to the engine, first moving the engine's output to the transport when
   * much of it waits: the engine refuses to hold more than MAX_PENDING_OUTPUT (4 MiB) untaken.
   * @throws what `Connection.write` throws
   */
  write(chunk: Uint8Array): void {
    if (this.connection.pendingOutputLen > MAX_PENDING_OUTPUT / 2) this.flush();
    if (chunk.length > 0) this.connection.write(chunk);
  }

  /**
   * Writes the engine's pending output to the transport, in one gathered write (`writev`) when
   * it is several chunks. `callback` fires once it was written (at once when there was nothing to
   * write). Returns the transport's `write()` result: false when its buffer is full ('drain'
   * follows).
   */
  flush(callback?: (error?: Error | null) => void): boolean {
    const out = this.connection.takeOutputChunks();
    const t = this.transport;
    if (out.length === 0 || t.destroyed || t.writableEnded) {
      if (callback) {
        const err = out.length > 0 ? new Error('transport is closed') : null;
        process.nextTick(callback, err);
      }
      return true;
    }
    return writeGathered(t, out, callback);
  }

  /** Queues close_notify (RFC 8446 §6.1) and ends the transport after it; `callback` when sent. */
  end(callback: () => void): void {
    try {
      this.connection.close();
    } catch {
      // already failed or closed: just end the transport
    }
    const out = this.connection.takeOutputChunks();
    const t = this.transport;
    if (t.destroyed || t.writableEnded) {
      process.nextTick(callback);
      return;
    }
    // end() uncorks: what is written before it goes out with the last chunk in one writev.
    if (out.length > 1) t.cork();
    for (let i = 0; i < out.length - 1; i++) t.write(out[i]);
    t.end(out[out.length - 1], callback);
  }

  /**
   * Stops reading and closes the transport, after the fatal alert reached the wire when one is
   * on its way (2 s at most).
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.handshakeTimer);
    const t = this.transport;
    t.off('data', onTransportData);
    if (this.alertPending && !t.destroyed && !t.writableFinished) {
      const timer = setTimeout(() => t.destroy(), 2000);
      timer.unref?.();
      t.once('finish', () => {
        clearTimeout(timer);
        t.destroy();
      });
    } else {
      t.destroy();
    }
  }

  /** Feeds a chunk read from the transport to the engine, then answers, reports and delivers. */
  receive(chunk: Uint8Array): void {
    if (this.destroyed) return;
    try {
      this.connection.receive(chunk, this.receiveOptions);
    } catch (e) {
      this.fail(e);
      return;
    }
    this.process();
  }

  /** After the engine took input: its answers to the transport, its events, the plaintext. */
  private process(): void {
    this.flushReplies();
    for (let ev = this.connection.poll(); ev !== undefined; ev = this.connection.poll()) {
      if (ev.kind === 'needCertificate' || ev.kind === 'needSession' || ev.kind === 'needSignature') {
        this.answer(ev);
      } else {
        if (ev.kind === 'handshakeDone') {
          clearTimeout(this.handshakeTimer);
          this.handshakeTimer = undefined;
        } else if (ev.kind === 'peerClosed') {
          this.peerEnded = true;
        }
        this.owner.tlsEvent(ev);
      }
      if (this.destroyed) return;
    }
    this.pump();
  }

  /** The engine paused for `q`: once answered, it goes on with what it buffered meanwhile. */
  private answer(q: Question): void {
    if (this.answerQuestion === undefined) {
      this.fail(new Error(`${q.kind}: this socket has no answer for the engine's question`));
      return;
    }
    this.answerQuestion(q).then(
      () => {
        if (!this.destroyed) this.process();
      },
      (e: unknown) => {
        if (!this.destroyed) this.fail(e);
      },
    );
  }

  /** The transport ended (FIN) or closed: the end of the stream, or a failure before the handshake. */
  transportEnded(closed: boolean): void {
    if (this.destroyed) return;
    if (!this.connection.isHandshakeDone) {
      const what = closed ? 'transport closed' : 'peer closed';
      this.owner.tlsError(Object.assign(new Error(`socket hang up: ${what} before the TLS handshake completed`), { code: 'ECONNRESET' }));
      return;
    }
    // A FIN without close_notify ends the stream too (as node:tls does); what is buffered is
    // delivered first, and a full owner gets the rest through readMore().
    this.peerEnded = true;
    this.pump();
  }

  /** Reports a transport error or the handshake timeout to the owner (once the wrap is live). */
  failWith(err: Error): void {
    if (!this.destroyed) this.owner.tlsError(err);
  }

  timeout(): void {
    if (!this.destroyed) this.owner.tlsTimeout();
  }

  /** Moves plaintext from the engine to the owner, and throttles the transport. */
  private pump(): void {
    const c = this.connection;
    const owner = this.owner;
    // RFC 8446 §4.2.10: accepted 0-RTT data precedes everything sent after the handshake.
    let delivered = false;
    if (c instanceof ServerConnection) {
      while (!this.ownerFull && !this.destroyed) {
        const chunk = c.readEarlyData();
        if (chunk === undefined) break;
        delivered = true;
        if (!owner.tlsData(chunk)) this.ownerFull = true;
      }
    }
    while (!this.ownerFull && !this.destroyed) {
      const chunk = c.read();
      if (chunk === undefined) break;
      delivered = true;
      if (!owner.tlsData(chunk)) this.ownerFull = true;
    }
    if (delivered && !this.destroyed) owner.tlsDataDone();
    if (this.destroyed) return;
    if (!this.ownerFull && this.peerEnded && !this.endDelivered && c.bufferedPlaintextLen === 0) {
      this.endDelivered = true;
      owner.tlsEnd();
      if (this.destroyed) return;
    }
    // Backpressure: stop reading the transport while the owner is full, the engine holds a lot
    // of undelivered plaintext, or the peer does not read our replies; readMore() and the
    // replies' write callbacks resume.
    const full = this.ownerFull || c.bufferedPlaintextLen >= MAX_BUFFERED_PLAINTEXT || this.unsentReplies > MAX_UNSENT_REPLIES;
    if (full && !this.transportPaused) {
      this.transportPaused = true;
      this.transport.pause();
    } else if (!full && this.transportPaused) {
      this.transportPaused = false;
      this.transport.resume();
    }
  }

  /** Like flush, for output that answers what we read: counted until the transport flushes it. */
  private flushReplies(): void {
    const out = this.connection.takeOutputChunks();
    const t = this.transport;
    if (out.length === 0 || t.destroyed || t.writableEnded) return;
    let len = 0;
    for (const chunk of out) len += chunk.length;
    this.unsentReplies += len;
    writeGathered(t, out, () => {
      this.unsentReplies -= len;
      if (!this.destroyed) this.pump();
    });
  }

  /** The engine failed: send its alert (already queued), then report. */
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
    this.owner.tlsError(err);
  }
}

/**
 * Writes `chunks` (at least one) to `t` as one gathered write: corked, so that a net.Socket
 * passes them to one writev(2). `callback` and the result are the last write's.
 */
function writeGathered(t: Duplex, chunks: readonly Uint8Array[], callback?: (error?: Error | null) => void): boolean {
  const last = chunks.length - 1;
  if (last === 0) return t.write(chunks[0], callback);
  t.cork();
  for (let i = 0; i < last; i++) t.write(chunks[i]);
  const ok = t.write(chunks[last], callback);
  t.uncork();
  return ok;
}

// The transport's listeners: shared by every connection (`this` is the transport).

function onTransportData(this: Wrapped, chunk: Buffer): void {
  this[WRAP]?.receive(chunk);
}

function onTransportEnd(this: Wrapped): void {
  this[WRAP]?.transportEnded(false);
}

function onTransportClose(this: Wrapped): void {
  this[WRAP]?.transportEnded(true);
}

function onTransportError(this: Wrapped, err: Error): void {
  this[WRAP]?.failWith(err);
}

function onTransportTimeout(this: Wrapped): void {
  this[WRAP]?.timeout();
}

function onHandshakeTimeout(wrap: TlsWrap): void {
  wrap.failWith(Object.assign(new Error('TLS handshake timeout'), { code: HANDSHAKE_TIMEOUT_CODE }));
}

/** The engine takes fresh transport chunks over (no copy of what it keeps). */
const TRANSFER: ReceiveOptions = Object.freeze({ transfer: true });
/** Stop feeding the engine when this much received plaintext is waiting for the owner. */
const MAX_BUFFERED_PLAINTEXT = 256 * 1024;
/** Stop reading while this much of our answers to the peer is not flushed (see `unsentReplies`). */
const MAX_UNSENT_REPLIES = 64 * 1024;
