/**
 * @module tools/tls-bridge
 * One `terminate` connection's data path: a client's TLS connection bridged to its upstream TCP
 * connection with no stream in between. The TLSSocket's TlsWrap (node/tls-wrap.ts) hands this
 * bridge the client's plaintext, which is written straight to the upstream socket (records that
 * arrived in one read go out in one writev); the upstream's bytes are read into one buffer shared
 * by every connection (the `onread` option of net.connect: no allocation per read) and sealed
 * straight into records for the client.
 *
 * Backpressure both ways: while the upstream socket's buffer is full, the wrap delivers nothing
 * and stops reading the client; while the client's socket buffer is full, the upstream is not
 * read. Half-close passes through: the client's close_notify (or FIN) becomes a FIN to the
 * upstream, the upstream's FIN a close_notify and FIN to the client (RFC 8446 §6.1).
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { ConnectionEvent } from '../connection/events.ts';
import type { TLSSocket } from '../node/tls-socket.ts';
import type { TlsWrap, TlsWrapOwner } from '../node/tls-wrap.ts';
import type { HostPort } from './args.ts';

/** What the bridge tells the proxy (logging, metrics). */
export interface BridgeReport {
  /** Application bytes forwarded: 'in' client → upstream, 'out' upstream → client. */
  forwarded(direction: 'in' | 'out', bytes: number): void;
  /**
   * Why the connection is ending ('client closed', 'upstream closed', 'idle timeout', or with the
   * error: 'client error', 'upstream error', 'upstream connect error'); the proxy keeps the first.
   */
  ending(reason: string, err?: Error): void;
  /** The upstream connection could not be made. */
  upstreamConnectFailed(err: Error): void;
}

/** The client's TLS connection and its upstream, bridged (see the module comment). */
export class TlsBridge implements TlsWrapOwner {
  readonly tls: TLSSocket;
  readonly upstream: Socket;
  private readonly wrap: TlsWrap;
  private readonly report: BridgeReport;
  private connected = false;
  /** The upstream socket is corked for the records of one client read (see tlsData). */
  private corked = false;
  /** The upstream is not read until the client's socket drains. */
  private upstreamPaused = false;

  /**
   * Connects to `target` and bridges `tls` (an established connection: call it from
   * 'secureConnection') to it; `header` (a PROXY protocol header) goes to the upstream first.
   */
  constructor(tls: TLSSocket, target: HostPort, header: Uint8Array | undefined, report: BridgeReport) {
    this.tls = tls;
    this.wrap = tls.tlsWrap;
    this.report = report;
    const up = netConnect({
      host: target.host,
      port: target.port,
      allowHalfOpen: true,
      onread: { buffer: UPSTREAM_READ_BUFFER, callback: onUpstreamRead },
    });
    this.upstream = up;
    (up as Bridged)[BRIDGE] = this;
    (tls.transport as Bridged)[BRIDGE] = this;
    up.once('connect', onUpstreamConnect);
    up.on('error', onUpstreamError);
    up.on('end', onUpstreamEnd);
    up.on('drain', onUpstreamDrain);
    tls.transport.on('drain', onClientDrain);
    if (header !== undefined) up.write(header);
    // Plaintext the TLSSocket already holds (accepted 0-RTT data) goes first, then the wrap
    // delivers here (the end of the stream too, if the TLSSocket had it).
    this.wrap.handOver(this);
    while (tls.readableLength > 0) this.tlsData(tls.read() as Buffer);
    this.wrap.readMore();
  }

  /** Closes both sides now. */
  destroy(): void {
    this.tls.destroy();
    this.upstream.destroy();
  }

  // ---------------------------------------------------------------- client → upstream (TlsWrapOwner)

  tlsData(chunk: Uint8Array): boolean {
    this.report.forwarded('in', chunk.length);
    // More records of the same read to come: one writev for all of them (uncorked in tlsDataDone).
    if (!this.corked && this.wrap.connection.bufferedPlaintextLen > 0) {
      this.corked = true;
      this.upstream.cork();
    }
    return this.upstream.write(chunk);
  }

  tlsDataDone(): void {
    if (!this.corked) return;
    this.corked = false;
    this.upstream.uncork();
  }

  tlsEnd(): void {
    this.report.ending('client closed');
    this.upstream.end();
  }

  tlsError(err: Error): void {
    this.report.ending('client error', err);
    this.destroy();
  }

  tlsTimeout(): void {
    this.report.ending('idle timeout');
    this.destroy();
  }

  tlsEvent(_ev: ConnectionEvent): void {
    // After the handshake the events (key updates, warning alerts) need nothing from the proxy.
  }

  // ---------------------------------------------------------------- upstream → client

  /** Bytes the upstream sent, in the shared buffer: sealed for the client before returning. */
  fromUpstream(data: Uint8Array): boolean {
    const t = this.tls.transport;
    // A client that is gone: what the upstream still says is discarded.
    if (t.destroyed || t.writableEnded) return true;
    this.report.forwarded('out', data.length);
    try {
      this.wrap.write(data);
    } catch (e) {
      this.tlsError(e instanceof Error ? e : new Error(String(e)));
      return false;
    }
    if (this.wrap.flush()) return true;
    this.upstreamPaused = true;
    return false;
  }

  upstreamConnected(): void {
    this.connected = true;
    this.upstream.setNoDelay(true);
  }

  upstreamFailed(err: Error): void {
    if (!this.connected) this.report.upstreamConnectFailed(err);
    this.report.ending(this.connected ? 'upstream error' : 'upstream connect error', err);
    this.tls.destroy();
  }

  upstreamEnded(): void {
    this.report.ending('upstream closed');
    this.wrap.end(noop);
  }

  upstreamDrained(): void {
    this.wrap.readMore();
  }

  clientDrained(): void {
    if (!this.upstreamPaused) return;
    this.upstreamPaused = false;
    this.upstream.resume();
  }
}

/** Leads the shared listeners to their bridge (on the upstream socket and the client's). */
const BRIDGE: unique symbol = Symbol('puretls.TlsBridge');

interface Bridged {
  [BRIDGE]?: TlsBridge;
}

/**
 * Where every upstream socket is read into: its bytes are sealed into the client's records
 * before the read callback returns, so one buffer serves all connections.
 */
const UPSTREAM_READ_BUFFER = new Uint8Array(64 * 1024);

function onUpstreamRead(this: Bridged, n: number, buf: Uint8Array): boolean {
  return this[BRIDGE]!.fromUpstream(buf.subarray(0, n));
}

function onUpstreamConnect(this: Bridged): void {
  this[BRIDGE]!.upstreamConnected();
}

function onUpstreamError(this: Bridged, err: Error): void {
  this[BRIDGE]!.upstreamFailed(err);
}

function onUpstreamEnd(this: Bridged): void {
  this[BRIDGE]!.upstreamEnded();
}

function onUpstreamDrain(this: Bridged): void {
  this[BRIDGE]!.upstreamDrained();
}

function onClientDrain(this: Bridged): void {
  this[BRIDGE]?.clientDrained();
}

function noop(): void {}
