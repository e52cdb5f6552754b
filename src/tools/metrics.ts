/**
 * @module tools/metrics
 * Prometheus metrics of `puretls terminate` (prom-client): handshakes by kind, handshake latency,
 * handshake failures by alert, active connections, bytes each way, upstream connect errors, session
 * store operations by outcome, log lines dropped by a failing log output; and
 * the HTTP endpoint that serves them (`--metrics HOST:PORT`, path /metrics). With `--workers`
 * each worker keeps its own registry and the primary serves the sum (prom-client's
 * AggregatorRegistry over the cluster IPC channel).
 */
import { createServer, type Server } from 'node:http';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HostPort } from './args.ts';

/** Handshake kinds: full, resumed (PSK), hrr (after a HelloRetryRequest), 0rtt (early data accepted). */
export type HandshakeKind = 'full' | 'resumed' | 'hrr' | '0rtt';

/** The proxy's metrics in one registry. */
export class ProxyMetrics {
  readonly registry: Registry = new Registry();
  private readonly handshakes: Counter<'kind'>;
  private readonly latency: Histogram;
  private readonly failures: Counter<'alert'>;
  private readonly active: Gauge;
  private readonly bytes: Counter<'direction'>;
  private readonly upstreamErrors: Counter;
  private readonly storeOperations: Counter<'op' | 'outcome'>;
  private readonly bytesIn;
  private readonly bytesOut;

  /** `droppedLogLines`: the log output's count of dropped lines, read at each scrape. */
  constructor(droppedLogLines: () => number) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'puretls_' });
    this.handshakes = new Counter({
      name: 'puretls_handshakes_total',
      help: 'Completed TLS handshakes by kind (full, resumed, hrr, 0rtt)',
      labelNames: ['kind'],
      registers,
    });
    this.latency = new Histogram({
      name: 'puretls_handshake_duration_seconds',
      help: 'Time from TCP accept to handshake completion',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    });
    this.failures = new Counter({
      name: 'puretls_handshake_failures_total',
      help: 'Handshakes that failed, by TLS alert (timeout and transport errors by their own names)',
      labelNames: ['alert'],
      registers,
    });
    this.active = new Gauge({ name: 'puretls_active_connections', help: 'Open client connections', registers });
    this.bytes = new Counter({
      name: 'puretls_bytes_total',
      help: 'Application bytes forwarded: in = client to upstream, out = upstream to client',
      labelNames: ['direction'],
      registers,
    });
    this.upstreamErrors = new Counter({
      name: 'puretls_upstream_connect_errors_total',
      help: 'Upstream connections that failed',
      registers,
    });
    this.storeOperations = new Counter({
      name: 'puretls_session_store_operations_total',
      help: 'Session store operations (--session-store redis://) by op (put, take) and outcome (stored, hit, miss, error, timeout); take errors and timeouts are full handshakes',
      labelNames: ['op', 'outcome'],
      registers,
    });
    new Counter({
      name: 'puretls_log_lines_dropped_total',
      help: 'Log lines dropped because the log output failed or did not keep up',
      registers,
      collect(): void {
        this.reset();
        this.inc(droppedLogLines());
      },
    });
    this.bytesIn = this.bytes.labels('in');
    this.bytesOut = this.bytes.labels('out');
  }

  handshake(kind: HandshakeKind, seconds: number): void {
    this.handshakes.inc({ kind });
    this.latency.observe(seconds);
  }
  handshakeFailure(alert: string): void {
    this.failures.inc({ alert });
  }
  connectionOpened(): void {
    this.active.inc();
  }
  connectionClosed(): void {
    this.active.dec();
  }
  forwarded(direction: 'in' | 'out', n: number): void {
    (direction === 'in' ? this.bytesIn : this.bytesOut).inc(n);
  }
  upstreamError(): void {
    this.upstreamErrors.inc();
  }
  sessionStore(op: 'put' | 'take', outcome: string): void {
    this.storeOperations.inc({ op, outcome });
  }
}

/** Makes a worker's registry visible to the primary's aggregated endpoint. */
export function shareWithPrimary(metrics: ProxyMetrics): void {
  // Constructing one installs prom-client's worker-side IPC listener (lib/cluster.js addListeners).
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([metrics.registry]);
}

/**
 * Serves `text()` as Prometheus text at `http://HOST:PORT/metrics`.
 * @returns the server once it listens
 */
export async function serveMetrics(at: HostPort, text: () => Promise<string>, contentType: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    text().then(
      (body) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (e: unknown) => res.writeHead(500).end(String(e)),
    );
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  return server;
}

/** The registry of the primary process that sums its workers' metrics. */
export function clusterRegistry(): { text: () => Promise<string>; contentType: string } {
  const agg = new AggregatorRegistry();
  return { text: () => agg.clusterMetrics(), contentType: agg.contentType };
}
