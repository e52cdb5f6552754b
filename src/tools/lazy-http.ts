/**
 * @module tools/lazy-http
 * node:http for TLS connections, started on each connection when its first bytes arrive: a
 * connection that is open but silent (a browser's spare connection, a client before its first
 * request) costs no HTTP parser, listeners or timers. `serve` and `terminate`'s built-in page use
 * it.
 *
 * What node:http would have done for a silent connection still happens: it is closed once it has
 * sent nothing for the server's `headersTimeout` (node:http counts that bound from the connection
 * too), checked by one sweep for all connections as node:http's own; one that ends without a
 * request is ended in turn (close_notify, then FIN), also when the socket allows half-open; and its
 * errors are caught (node:http listens for them from the start; an 'error' without a listener
 * would end the process).
 */
import type { Server as HttpServer } from 'node:http';
import type { TLSSocket } from '../node/tls-socket.ts';

/** Hands TLS connections to one node:http server on their first bytes. */
export class LazyHttp {
  readonly http: HttpServer;
  /** Connections that have not sent anything yet, with the time they were added (ms). */
  private readonly waiting = new Map<TLSSocket, number>();
  private readonly onFirstData: (this: TLSSocket, chunk: Buffer) => void;
  private readonly onClose: (this: TLSSocket) => void;
  /** Closes the connections silent for longer than headersTimeout; runs while some wait. */
  private sweeper: NodeJS.Timeout | undefined;

  constructor(http: HttpServer) {
    this.http = http;
    const waiting = this.waiting;
    // Shared by every connection (`this` is the socket): nothing is allocated per connection.
    const onClose = function (this: TLSSocket): void {
      waiting.delete(this);
    };
    const onFirstData = function (this: TLSSocket, chunk: Buffer): void {
      this.off('data', onFirstData);
      this.off('close', onClose);
      this.off('error', ignoreError);
      this.off('end', endToo);
      waiting.delete(this);
      // node:http reads the chunk again from the stream, as if it had been the first to listen.
      this.pause();
      this.unshift(chunk);
      http.emit('connection', this);
      this.resume();
    };
    this.onFirstData = onFirstData;
    this.onClose = onClose;
  }

  /** Waits for `sock`'s first bytes, then gives it to the HTTP server. */
  add(sock: TLSSocket): void {
    this.waiting.set(sock, performance.now());
    sock.on('error', ignoreError);
    sock.on('end', endToo);
    sock.on('close', this.onClose);
    sock.on('data', this.onFirstData);
    if (this.sweeper === undefined && this.http.headersTimeout > 0) {
      this.sweeper = setInterval(() => this.sweep(), Math.min(SWEEP_MS, this.http.headersTimeout / 2));
      this.sweeper.unref();
    }
  }

  /** Closes the connections that sent nothing yet and those node:http holds idle between requests. */
  closeIdle(): void {
    for (const s of this.waiting.keys()) s.destroy();
    this.http.closeIdleConnections();
  }

  /** Closes every connection. */
  closeAll(): void {
    for (const s of this.waiting.keys()) s.destroy();
    this.http.closeAllConnections();
  }

  private sweep(): void {
    const limit = performance.now() - this.http.headersTimeout;
    for (const [s, added] of this.waiting) if (added <= limit) s.destroy();
    if (this.waiting.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}

/** A waiting connection whose peer ended before asking anything: end ours too, as node:http does. */
function endToo(this: TLSSocket): void {
  this.end();
}

/**
 * A waiting connection's errors: it is destroyed already (the adapter reports errors by
 * destroying) and its 'close' removes it from the waiting set.
 */
function ignoreError(): void {}

/** How often silent connections are checked at most: node:http's connectionsCheckingInterval default. */
const SWEEP_MS = 30_000;
