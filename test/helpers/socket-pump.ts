/**
 * @module test/helpers/socket-pump
 * Drives a sans-I/O puretls connection over a real `net.Socket` for the interop suite, without the
 * Node adapter: socket 'data' → `receive()`, `takeOutput()` → socket, `read()` → collected bytes,
 * `poll()` → recorded events. A fatal error from `receive()` sends the queued alert and ends the
 * socket (RFC 8446 §6.2), as the connection contract asks.
 */
import net from 'node:net';
import type { ConnectionEvent, Negotiated } from '../../src/connection/events.ts';
import { withTimeout } from './peers.ts';

/** The part of `Connection` (src/connection/connection.ts) the pump uses. */
export interface SansIoConnection {
  receive(bytes: Uint8Array): void;
  takeOutput(): Uint8Array;
  write(data: Uint8Array): void;
  read(): Uint8Array | undefined;
  poll(): ConnectionEvent | undefined;
  close(): void;
  updateKeys(requestPeerUpdate: boolean): void;
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array;
  readonly isHandshakeDone: boolean;
  readonly negotiated: Negotiated | undefined;
  readonly peerClosed: boolean;
}

/** An error thrown by `receive()`: a TlsError carries `alert` and `origin`. */
export type PumpFailure = Error & { readonly alert?: number; readonly origin?: string };

export class SocketPump {
  readonly conn: SansIoConnection;
  readonly socket: net.Socket;
  /** Every event `poll()` returned, in order. */
  readonly events: ConnectionEvent[] = [];
  /** The error `receive()` threw, if any. */
  failure: PumpFailure | undefined;
  /** The TCP connection is gone (both directions). */
  socketClosed = false;
  /** Bytes of application data received so far. */
  receivedLen = 0;
  private readonly chunks: Buffer[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(conn: SansIoConnection, socket: net.Socket) {
    this.conn = conn;
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (b: Buffer) => this.onData(b));
    socket.on('error', () => {}); // ECONNRESET after a fatal alert: the test checks `failure`/`socketClosed`
    socket.on('close', () => {
      this.socketClosed = true;
      this.notify();
    });
    this.flush(); // a client has its ClientHello queued at construction
  }

  get handshakeDone(): boolean {
    return this.events.some((e) => e.kind === 'handshakeDone');
  }
  get peerClosed(): boolean {
    return this.events.some((e) => e.kind === 'peerClosed');
  }
  received(): Buffer {
    if (this.chunks.length > 1) this.chunks.splice(0, this.chunks.length, Buffer.concat(this.chunks));
    return this.chunks[0] ?? Buffer.alloc(0);
  }
  receivedText(): string {
    return this.received().toString('latin1');
  }

  /** Queues application data and sends what the connection produced. */
  write(data: Uint8Array | string): void {
    this.conn.write(typeof data === 'string' ? new Uint8Array(Buffer.from(data, 'latin1')) : data);
    this.pollEvents(); // a KeyUpdate of ours may go first (RFC 8446 §4.6.3)
    this.flush();
  }

  /** Writes `data` in `chunkLen` pieces, honouring socket backpressure. */
  async writeAll(data: Uint8Array, chunkLen = 64 * 1024): Promise<void> {
    for (let off = 0; off < data.length; off += chunkLen) {
      if (this.failure) throw this.failure;
      this.conn.write(data.subarray(off, Math.min(off + chunkLen, data.length)));
      if (!this.flush()) {
        await withTimeout(
          new Promise<void>((r) => {
            this.socket.once('drain', () => r());
            this.socket.once('close', () => r());
          }),
          30_000,
          'socket drain',
        );
      }
    }
  }

  /** Queues close_notify (RFC 8446 §6.1) and sends it. */
  close(): void {
    this.conn.close();
    this.flush();
  }

  /** Queues a KeyUpdate (RFC 8446 §4.6.3) and sends it. */
  updateKeys(requestPeerUpdate: boolean): void {
    this.conn.updateKeys(requestPeerUpdate);
    this.pollEvents();
    this.flush();
  }

  /** Half-closes the TCP connection (FIN) after pending writes. */
  end(): void {
    this.socket.end();
  }

  /** Sends whatever the connection has queued; false when the socket asks us to wait for 'drain'. */
  flush(): boolean {
    const out = this.conn.takeOutput();
    if (out.length === 0 || this.socket.destroyed) return true;
    return this.socket.write(out);
  }

  /** Resolves when `test()` holds; rejects early on a connection failure or socket close. */
  waitFor(test: () => boolean, what: string, ms = 15_000): Promise<void> {
    return withTimeout(
      new Promise<void>((resolvePromise, reject) => {
        const check = (): void => {
          if (test()) {
            this.waiters.delete(check);
            resolvePromise();
          } else if (this.failure) {
            this.waiters.delete(check);
            reject(this.failure);
          } else if (this.socketClosed) {
            this.waiters.delete(check);
            reject(new Error(`socket closed while waiting for ${what} (received ${this.receivedLen} bytes)`));
          }
        };
        this.waiters.add(check);
        check();
      }),
      ms,
      what,
    ).finally(() => this.notify());
  }

  /** Resolves with the negotiated parameters once the handshake completed. */
  async handshake(ms = 15_000): Promise<Negotiated> {
    await this.waitFor(() => this.handshakeDone, 'handshake', ms);
    const n = this.conn.negotiated;
    if (!n) throw new Error('handshakeDone without negotiated parameters');
    return n;
  }

  /** Resolves when the received text contains `needle`. */
  waitForText(needle: string, ms = 15_000): Promise<void> {
    return this.waitFor(() => this.receivedText().includes(needle), `text ${JSON.stringify(needle)}`, ms);
  }

  /** Resolves when at least `n` bytes of application data arrived. */
  waitForBytes(n: number, ms = 60_000): Promise<void> {
    return this.waitFor(() => this.receivedLen >= n, `${n} bytes`, ms);
  }

  /** Resolves when the peer's close_notify arrived (RFC 8446 §6.1). */
  waitForPeerClose(ms = 15_000): Promise<void> {
    return this.waitFor(() => this.peerClosed, 'close_notify from peer', ms);
  }

  /** Resolves when the socket is closed, whatever the reason. */
  waitForSocketClose(ms = 15_000): Promise<void> {
    return withTimeout(
      new Promise<void>((r) => {
        if (this.socketClosed) r();
        else this.socket.once('close', () => r());
      }),
      ms,
      'socket close',
    );
  }

  /** Resolves with the error `receive()` threw (the handshake or record layer failed). */
  waitForFailure(ms = 15_000): Promise<PumpFailure> {
    return withTimeout(
      new Promise<PumpFailure>((resolvePromise, reject) => {
        const check = (): void => {
          if (this.failure) {
            this.waiters.delete(check);
            resolvePromise(this.failure);
          } else if (this.socketClosed) {
            this.waiters.delete(check);
            reject(new Error('socket closed without a connection error'));
          }
        };
        this.waiters.add(check);
        check();
      }),
      ms,
      'connection failure',
    );
  }

  private onData(b: Buffer): void {
    if (this.failure) return;
    try {
      this.conn.receive(b);
    } catch (e) {
      this.failure = e instanceof Error ? (e as PumpFailure) : new Error(String(e));
      // The fatal alert is queued: send it, then close the socket.
      try {
        this.flush();
      } catch {
        // nothing more to send
      }
      this.socket.end();
      this.notify();
      return;
    }
    this.drain();
    this.flush(); // KeyUpdate responses, NewSessionTicket, queued application data...
    this.notify();
  }

  private pollEvents(): void {
    for (let e = this.conn.poll(); e !== undefined; e = this.conn.poll()) this.events.push(e);
  }

  private drain(): void {
    this.pollEvents();
    for (let d = this.conn.read(); d !== undefined; d = this.conn.read()) {
      this.chunks.push(Buffer.from(d.buffer, d.byteOffset, d.byteLength));
      this.receivedLen += d.length;
    }
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** Connects to `port` on loopback and pumps `conn` over the socket. */
export function connectPump(port: number, conn: SansIoConnection, ms = 10_000): Promise<SocketPump> {
  return withTimeout(
    new Promise<SocketPump>((resolvePromise, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolvePromise(new SocketPump(conn, socket));
      });
    }),
    ms,
    `connect to ${port}`,
  );
}

/** A loopback listener that wraps each accepted socket in a pump around a fresh connection. */
export interface PumpListener {
  readonly port: number;
  /** Pumps in accept order. */
  readonly pumps: SocketPump[];
  /** Resolves with the `index`-th accepted pump (0-based). */
  accepted(index: number, ms?: number): Promise<SocketPump>;
  close(): Promise<void>;
}

export function listenPumps(makeConnection: () => SansIoConnection, onPump?: (p: SocketPump) => void): Promise<PumpListener> {
  const pumps: SocketPump[] = [];
  const waiters = new Set<() => void>();
  const server = net.createServer((socket) => {
    let pump: SocketPump;
    try {
      pump = new SocketPump(makeConnection(), socket);
    } catch (e) {
      socket.destroy();
      throw e;
    }
    pumps.push(pump);
    onPump?.(pump);
    for (const w of [...waiters]) w();
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolvePromise({
        port,
        pumps,
        accepted: (index: number, ms = 15_000) =>
          withTimeout(
            new Promise<SocketPump>((r) => {
              const check = (): void => {
                const p = pumps[index];
                if (p) {
                  waiters.delete(check);
                  r(p);
                }
              };
              waiters.add(check);
              check();
            }),
            ms,
            `accept #${index}`,
          ),
        close: () =>
          new Promise<void>((r) => {
            for (const p of pumps) p.socket.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
