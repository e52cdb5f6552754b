/**
 * @module tools/terminate
 * `puretls terminate`: a TLS 1.3 termination proxy. It accepts TLS on one or more addresses
 * (createServer), picks the certificate and the upstream by SNI, and bridges each connection to
 * a plain TCP connection to the upstream (tools/tls-bridge.ts: the engine's plaintext straight
 * to the upstream socket and back, backpressure both ways, half-close passed through). Without
 * an upstream it serves the `puretls serve` page itself.
 *
 * It holds no TLS logic: the engine decides; this file routes, times out, counts and logs.
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { asTlsError } from '../errors.ts';
import { resolveProvider, type KeyCertPair, type ServerSecureOptions } from '../node/options.ts';
import { createServer, type Server } from '../node/server.ts';
import { fingerprint256, type TLSSocket } from '../node/tls-socket.ts';
import { parseCertificateChain } from '../x509/certificate.ts';
import { pemEncode } from '../x509/pem.ts';
import { generateSelfSigned } from '../x509/self-signed.ts';
import { keyLogSink } from './keylog.ts';
import { readKeyFile } from './passphrase.ts';
import { LazyHttp } from './lazy-http.ts';
import { UsageError } from './usage-error.ts';
import { lineSink, type LineSink } from './log-sink.ts';
import type { HandshakeKind, ProxyMetrics } from './metrics.ts';
import type { StoreOutcome } from './redis-session-store.ts';
import { SignerPool } from './sign-workers.ts';
import { MemorySessionStore, type RemoteSessionStore, type SessionStore } from '../session/store.ts';
import { proxyV2Header } from './proxy-protocol.ts';
import { respond } from './serve.ts';
import { TlsBridge } from './tls-bridge.ts';
import type { HostPort } from './args.ts';
import { readOcspFile, type LogLevel, type SniRoute, type TerminateOptions } from './terminate-config.ts';

/** A running proxy (one process). */
export interface RunningProxy {
  /** The bound listen addresses, in --listen order. */
  readonly addresses: readonly HostPort[];
  /** The bound metrics address, when --metrics was given. */
  readonly metricsAddress: HostPort | undefined;
  /** SHA-256 fingerprint of the default certificate. */
  readonly fingerprint: string;
  /** Connections open now (handshaking or established). */
  readonly activeConnections: number;
  /** Re-reads the certificate files for new connections. @throws Error when a file is unusable (old ones stay) */
  reload(): void;
  /** Stops accepting, waits up to drainTimeout for open connections, then closes the rest. */
  shutdown(): Promise<void>;
}

/** Writes one JSON object per line for levels at or above its level. */
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

/** A logger writing JSON lines to `sink` (which drops what it cannot write: tools/log-sink.ts). */
export function jsonLogger(level: LogLevel, sink: LineSink): Logger {
  const min = LEVELS[level];
  return (lvl, msg, fields) => {
    if (LEVELS[lvl] > min) return;
    sink.write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })}\n`);
  };
}

/** How startTerminate reports: metrics on or off, and the log lines dropped so far. */
export interface ProxyReporting {
  /** Collect metrics (default: when options.metrics is set; a cluster worker sends them to the primary). */
  readonly metrics?: boolean;
  /** Log lines the log output dropped, for puretls_log_lines_dropped_total. */
  readonly droppedLogLines?: () => number;
}

/** Starts the proxy in this process and resolves once every listener is bound. */
export async function startTerminate(options: TerminateOptions, log: Logger, reporting: ProxyReporting = {}): Promise<RunningProxy> {
  const provider = resolveProvider(options.provider);
  const generated = options.certFile === undefined ? selfSigned(provider) : undefined;
  // One ticket master secret for the process, kept across SIGHUP reloads (tickets stay valid):
  // the --ticket-secret file's, or the one a cluster primary handed to all its workers (so a
  // ticket from one worker resumes on any other), else a random one.
  const ticketKeys = options.ticketSecret ?? provider.randomBytes(32);
  // Stateful resumption, made once and kept across SIGHUP reloads; @redis/client is loaded only
  // for a redis:// store.
  const sessions = await openSessionStore(options, log, (op, outcome) => metrics?.sessionStore(op, outcome));
  // --sign-workers: a pool of signing threads per key set, replaced on SIGHUP (the old one stops
  // once the handshakes it serves are over).
  let signers: SignerPool | undefined;
  const loadSecure = (): ServerSecureOptions => {
    const pair = generated ?? readPair(options.certFile!, options.keyFile!, '--key', options.passphrase);
    const main: KeyCertPair = options.ocspFile === undefined ? pair : { ...pair, ocspResponse: readOcspFile(options.ocspFile) };
    const contexts: Record<string, KeyCertPair> = {};
    for (const r of options.sni) contexts[r.name] = readPair(r.certFile, r.keyFile, `--sni ${r.name}`, options.passphrase);
    const previous = signers;
    signers = options.signWorkers > 0 ? new SignerPool(options.signWorkers, [main, ...Object.values(contexts)], options.provider, options.passphrase) : undefined;
    if (previous) setTimeout(() => void previous.close(), options.handshakeTimeoutMs + 1000).unref();
    return {
      key: main.key,
      cert: main.cert,
      passphrase: options.passphrase,
      ocspResponse: main.ocspResponse,
      contexts,
      // The upstream's protocols: terminate passes bytes through, so only what the upstream for
      // this name speaks may be agreed (RFC 7301 §3.2, server preference order). A client offering
      // none of them continues without ALPN (alpnStrict false), as with one list for all.
      ALPNCallback: ({ servername, protocols }) => {
        const ours = (servername === undefined ? undefined : lookupRoute(alpnRoutes, servername)) ?? options.alpn;
        return ours.find((p) => protocols.includes(p));
      },
      alpnStrict: false,
      provider,
      ecdhCurve: options.groups,
      ciphers: options.ciphers,
      ticketKeys,
      // With a store the engine answers a resumption with one new ticket (its tickets are single-use).
      sessionStore: sessions?.store,
      maxEarlyDataSize: options.earlyData,
      signer: signers?.signer,
    };
  };
  const alpnRoutes = routeTable(options.sni, (r) => r.alpn);
  let fingerprint: string;
  let servers: Server[];
  try {
    // Reading the files and building the servers checks keys, certificates and passphrase.
    const secure = loadSecure();
    fingerprint = `SHA256:${fingerprint256(parseCertificateChain(secure.cert as string)[0]!)}`;
    servers = options.listen.map(() => createServer({ ...secure, handshakeTimeout: options.handshakeTimeoutMs, allowHalfOpen: true }));
  } catch (e) {
    throw new UsageError(`certificate or key files: ${describe(e)}`);
  }
  // prom-client is loaded only when metrics are asked for (--metrics): never by library users.
  const metricsLib = (reporting.metrics ?? options.metrics !== undefined) ? await import('./metrics.ts') : undefined;
  const metrics: ProxyMetrics | undefined = metricsLib ? new metricsLib.ProxyMetrics(reporting.droppedLogLines ?? (() => 0)) : undefined;
  // A failing key log must not fail handshakes: it is reported once and key logging stops.
  const keyLog = keyLogSink(options.keyLogFile, (err) => log('warn', 'key log write failed: key logging stopped', { file: options.keyLogFile, error: describe(err) }));
  const routes = routeTable(options.sni, (r) => r.upstream);
  /** Open connections, by their TCP socket. */
  const live = new Map<Socket, Live>();
  let draining = false;

  const http = new LazyHttp(
    createHttpServer((req, res) => {
      if (draining) res.setHeader('connection', 'close');
      respond(req, res);
    }),
  );

  for (const server of servers) {
    server.maxConnections = options.maxConnections;
    if (keyLog) server.on('keylog', keyLog);
    server.on('connection', (raw: Socket) => track(raw));
    server.on('secureConnection', (tls: TLSSocket) => established(tls));
    server.on('tlsClientError', (err: Error, tls: TLSSocket | undefined) => {
      const c = tls && live.get(tls.transport as Socket);
      const alert = handshakeFailureName(err);
      metrics?.handshakeFailure(alert);
      if (c) c.end ??= `handshake failed: ${alert}`;
      log('debug', 'handshake failed', { client: c?.client, error: err.message });
    });
    server.on('drop', (d: { remoteAddress?: string } | undefined) => {
      log('warn', 'connection dropped: --max-connections reached', { client: d?.remoteAddress });
    });
  }

  const addresses: HostPort[] = [];
  try {
    for (const [i, at] of options.listen.entries()) {
      const server = servers[i]!;
      await new Promise<void>((resolveListen, reject) => {
        server.once('error', reject);
        server.listen(at.port, at.host, () => {
          server.off('error', reject);
          resolveListen();
        });
      });
      addresses.push(boundAddress(server));
    }
  } catch (e) {
    for (const s of servers) s.close();
    throw e;
  }
  let metricsServer: HttpServer | undefined;
  if (metricsLib && metrics && cluster.isWorker) metricsLib.shareWithPrimary(metrics);
  else if (metricsLib && metrics && options.metrics) {
    metricsServer = await metricsLib.serveMetrics(options.metrics, () => metrics.registry.metrics(), metrics.registry.contentType);
  }

  function track(raw: Socket): void {
    // No Nagle towards the client (as towards the upstream, tls-bridge.ts): with it, the upstream's
    // answer behind the tickets of a new connection waited for the client's delayed ACK (~40 ms
    // per new connection + request, seen with bench/fleet.ts).
    raw.setNoDelay(true);
    const c: Live = {
      raw,
      tls: undefined,
      upstream: undefined,
      client: `${raw.remoteAddress ?? '?'}:${raw.remotePort ?? '?'}`,
      started: performance.now(),
      handshakeMs: undefined,
      route: undefined,
      end: undefined,
      open: 1,
      bytesIn: 0,
      bytesOut: 0,
    };
    live.set(raw, c);
    metrics?.connectionOpened();
    raw.setTimeout(options.idleTimeoutMs || 0);
    raw.once('close', () => closed(c));
  }

  function established(tls: TLSSocket): void {
    const c = live.get(tls.transport as Socket);
    if (!c) {
      tls.destroy();
      return;
    }
    c.tls = tls;
    c.handshakeMs = performance.now() - c.started;
    const n = tls.negotiated!;
    metrics?.handshake(handshakeKind(n, tls.connection.earlyDataAccepted), c.handshakeMs / 1000);
    const sni = n.serverName;
    const target = (sni === undefined ? undefined : lookupRoute(routes, sni)) ?? options.upstream;
    if (target === undefined) {
      c.route = 'builtin';
      tls.on('timeout', () => {
        c.end ??= 'idle timeout';
        tls.destroy();
      });
      tls.on('error', (err: Error) => {
        c.end ??= `client error: ${describe(err)}`;
      });
      http.add(tls);
      return;
    }
    c.route = `${target.host}:${target.port}`;
    const header = options.proxyProtocol
      ? proxyV2Header(
          { address: c.raw.remoteAddress ?? '', port: c.raw.remotePort ?? 0 },
          { address: c.raw.localAddress ?? '', port: c.raw.localPort ?? 0 },
          { authority: sni, alpn: n.alpnProtocol },
        )
      : undefined;
    const bridge = new TlsBridge(tls, target, header, {
      forwarded(direction, bytes) {
        if (direction === 'in') c.bytesIn += bytes;
        else c.bytesOut += bytes;
        metrics?.forwarded(direction, bytes);
      },
      ending(reason, err) {
        c.end ??= err === undefined ? reason : `${reason}: ${describe(err)}`;
      },
      upstreamConnectFailed() {
        metrics?.upstreamError();
      },
    });
    c.upstream = bridge.upstream;
    c.open++;
    bridge.upstream.once('close', () => closed(c));
  }

  function closed(c: Live): void {
    const up = c.upstream;
    if (c.raw.destroyed && up && !up.destroyed) {
      // The client is gone: send what it already sent, then FIN (the bridge may have sent it
      // already); the bridge discards the upstream's answer.
      up.resume();
      if (!up.writableEnded) up.end();
      up.setTimeout(UPSTREAM_LINGER_MS, () => up.destroy());
    }
    if (--c.open > 0) return;
    if (!live.delete(c.raw)) return;
    metrics?.connectionClosed();
    const n = c.tls?.negotiated;
    log('info', 'connection', {
      client: c.client,
      sni: n?.serverName ?? null,
      alpn: n?.alpnProtocol ?? null,
      suite: n?.cipherSuite ?? null,
      group: n?.group ?? null,
      resumed: n?.isResumed ?? false,
      hrr: n?.didRetry ?? false,
      handshake_ms: c.handshakeMs === undefined ? null : Math.round(c.handshakeMs * 1000) / 1000,
      upstream: c.route ?? null,
      bytes_in: c.bytesIn,
      bytes_out: c.bytesOut,
      tls_bytes_in: c.raw.bytesRead,
      tls_bytes_out: c.raw.bytesWritten,
      duration_ms: Math.round(performance.now() - c.started),
      end: c.end ?? (c.tls ? 'closed' : 'closed before handshake'),
      ...(cluster.isWorker ? { worker: process.pid } : {}),
    });
    if (draining && live.size === 0) drained?.();
  }

  let drained: (() => void) | undefined;
  let stopping: Promise<void> | undefined;
  const metricsAddress = metricsServer ? boundAddress(metricsServer) : undefined;
  log('info', 'listening', { addresses, metrics: metricsAddress ?? null, fingerprint, pid: process.pid });

  return {
    addresses,
    metricsAddress,
    fingerprint,
    get activeConnections() {
      return live.size;
    },
    reload(): void {
      const next = loadSecure();
      for (const s of servers) s.setSecureContext(next);
      log('info', 'certificates reloaded', {});
    },
    shutdown(): Promise<void> {
      stopping ??= (async () => {
        draining = true;
        log('info', 'shutting down', { open: live.size, drain_timeout_ms: options.drainTimeoutMs });
        await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))).concat(waitDrained()));
        metricsServer?.close();
        await sessions?.close();
        await signers?.close();
        log('info', 'stopped', {});
      })();
      return stopping;
    },
  };

  function waitDrained(): Promise<void> {
    http.closeIdle();
    if (live.size === 0) return Promise.resolve();
    return new Promise<void>((resolveDrain) => {
      const timer = setTimeout(() => {
        log('warn', 'drain timeout: closing open connections', { open: live.size });
        for (const c of live.values()) {
          c.end ??= 'shutdown';
          c.tls?.destroy();
          c.upstream?.destroy();
          c.raw.destroy();
        }
      }, options.drainTimeoutMs);
      drained = () => {
        clearTimeout(timer);
        resolveDrain();
      };
    });
  }
}

/**
 * Runs `terminate` as the CLI does: one process, or with `workers > 1` a cluster primary that
 * forks the workers, serves their summed metrics and relays signals. Resolves with the exit code
 * after a graceful shutdown.
 */
export async function runTerminate(options: TerminateOptions): Promise<number> {
  // stderr carries the log sink's own reports; it may be the same broken pipe as stdout.
  process.stderr.on('error', () => {});
  const sink = lineSink(process.stdout, 1, (line) => process.stderr.write(`puretls terminate: ${line}\n`));
  const log = jsonLogger(options.logLevel, sink);
  if (options.workers > 1 && cluster.isPrimary) return runPrimary(options, log);
  const ticketSecret = cluster.isWorker ? await ticketSecretFromPrimary() : options.ticketSecret;
  const proxy = await startTerminate({ ...options, ticketSecret }, log, { droppedLogLines: () => sink.dropped });
  if (cluster.isWorker) process.send?.({ puretls: 'ready' });
  return new Promise<number>((resolveExit) => {
    const stop = (): void => {
      void proxy.shutdown().then(() => resolveExit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    if (cluster.isWorker) process.on('message', (m: unknown) => (m as { puretls?: string })?.puretls === 'shutdown' && stop());
    process.on('SIGHUP', () => {
      try {
        proxy.reload();
      } catch (e) {
        log('error', 'certificate reload failed; keeping the current certificates', { error: describe(e) });
      }
    });
  });
}

async function runPrimary(options: TerminateOptions, log: Logger): Promise<number> {
  // The workers' shared ticket master secret (RFC 8446 §4.6.1 tickets are sealed with keys derived
  // from it): the --ticket-secret file's, else a random one. Each worker asks for it over the
  // cluster IPC channel (a socket pair only the two processes hold), never through the
  // environment, which outlives any `delete process.env[...]` in /proc/PID/environ.
  const secret = Buffer.from(options.ticketSecret ?? resolveProvider(options.provider).randomBytes(32)).toString('hex');
  // Each worker accepts from the listening socket itself (the kernel picks which): node's default
  // on Linux, round-robin, has the primary accept every connection and pass it to a worker over
  // IPC, work shared by all workers that cost as much as a tenth of a handshake (bench/workers.ts).
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const workers = Array.from({ length: options.workers }, () => {
    const w = cluster.fork();
    w.on('message', (m: unknown) => {
      if ((m as { puretls?: string })?.puretls === TICKET_SECRET_REQUEST) w.send({ puretls: TICKET_SECRET_REPLY, secret });
    });
    return w;
  });
  let metricsServer: HttpServer | undefined;
  if (options.metrics) {
    const metricsLib = await import('./metrics.ts');
    const agg = metricsLib.clusterRegistry();
    metricsServer = await metricsLib.serveMetrics(options.metrics, agg.text, agg.contentType);
  }
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((r, reject) => {
          w.on('message', (m: unknown) => (m as { puretls?: string })?.puretls === 'ready' && r());
          w.once('exit', (code) => reject(new Error(`worker ${w.process.pid} exited with ${code} before listening`)));
        }),
    ),
  );
  log('info', 'workers ready', { workers: workers.map((w) => w.process.pid), metrics: metricsServer ? boundAddress(metricsServer) : null });
  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      // SIGINT from a terminal reaches the workers too; an IPC message reaches them in every case.
      for (const w of workers) if (w.isConnected()) w.send({ puretls: 'shutdown' });
    };
    let exited = 0;
    for (const w of workers) {
      w.on('exit', () => {
        if (++exited === workers.length) {
          metricsServer?.close();
          resolveExit(stopping ? 0 : 1);
        }
      });
    }
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.on('SIGHUP', () => {
      for (const w of workers) w.process.kill('SIGHUP');
    });
  });
}

/** One client connection and what it is connected to. */
interface Live {
  readonly raw: Socket;
  tls: TLSSocket | undefined;
  upstream: Socket | undefined;
  readonly client: string;
  readonly started: number;
  handshakeMs: number | undefined;
  route: string | undefined;
  end: string | undefined;
  /** Sockets still open (client, and upstream once connected). */
  open: number;
  bytesIn: number;
  bytesOut: number;
}

/** In a cluster worker: the ticket secret, asked of the primary over the IPC channel. */
function ticketSecretFromPrimary(): Promise<Uint8Array> {
  return new Promise((resolveSecret, reject) => {
    const onMessage = (m: unknown): void => {
      const reply = m as { puretls?: string; secret?: unknown };
      if (reply?.puretls !== TICKET_SECRET_REPLY || typeof reply.secret !== 'string') return;
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
      resolveSecret(Buffer.from(reply.secret, 'hex'));
    };
    const onDisconnect = (): void => reject(new Error('the primary went away before handing over the ticket secret'));
    process.on('message', onMessage);
    process.once('disconnect', onDisconnect);
    process.send!({ puretls: TICKET_SECRET_REQUEST });
  });
}

function readPair(certFile: string, keyFile: string, keyFlag: string, passphrase: string | undefined): KeyCertPair {
  return { cert: readFileSync(certFile, 'utf8'), key: readKeyFile(keyFile, keyFlag, passphrase) };
}

function selfSigned(provider: ReturnType<typeof resolveProvider>): { cert: string; key: string } {
  const g = generateSelfSigned(provider, {
    hosts: ['localhost', '127.0.0.1', '::1'],
    now: Date.now(),
    random: (n) => provider.randomBytes(n),
  });
  return { cert: pemEncode('CERTIFICATE', g.certDer), key: pemEncode('PRIVATE KEY', g.keyPkcs8) };
}

/** What the routes that define it say about `pick` (their upstream, their ALPN), by name. */
function routeTable<T>(sni: readonly SniRoute[], pick: (r: SniRoute) => T | undefined): Map<string, T> {
  const m = new Map<string, T>();
  for (const r of sni) {
    const v = pick(r);
    if (v !== undefined) m.set(r.name, v);
  }
  return m;
}

/** Exact name first, then `*.parent` (one label, RFC 6125 §6.4.3 style). */
function lookupRoute<T>(routes: Map<string, T>, serverName: string): T | undefined {
  const name = serverName.toLowerCase();
  const exact = routes.get(name);
  if (exact) return exact;
  const dot = name.indexOf('.');
  return dot > 0 ? routes.get(`*${name.slice(dot)}`) : undefined;
}

function handshakeKind(n: { isResumed: boolean; didRetry: boolean }, earlyDataAccepted: boolean | undefined): HandshakeKind {
  if (n.didRetry) return 'hrr';
  // RFC 8446 §4.2.10: 0-RTT data accepted (only with --session-store and --early-data).
  if (earlyDataAccepted === true) return '0rtt';
  return n.isResumed ? 'resumed' : 'full';
}

/** The --session-store: none, a MemorySessionStore, or a RedisSessionStore (loaded on demand). */
async function openSessionStore(
  options: TerminateOptions,
  log: Logger,
  report: (op: 'put' | 'take', outcome: StoreOutcome) => void,
): Promise<{ readonly store: SessionStore | RemoteSessionStore; readonly close: () => Promise<void> } | undefined> {
  const spec = options.sessionStore;
  if (spec === undefined) return undefined;
  if (spec.kind === 'memory') return { store: new MemorySessionStore(MEMORY_STORE_ENTRIES), close: async () => {} };
  const { RedisSessionStore } = await import('./redis-session-store.ts');
  const store = new RedisSessionStore({
    url: spec.url,
    report,
    onConnection: (event, error) =>
      event === 'down'
        ? log('warn', 'session store unreachable: full handshakes until it is back', { store: spec.url, error: error?.message ?? null })
        : log('info', 'session store reachable again', { store: spec.url }),
  });
  return { store, close: () => store.close() };
}

/** Sessions one process keeps with --session-store memory (an LRU). */
const MEMORY_STORE_ENTRIES = 100_000;

/** The alert name of a TLS failure; timeouts and transport errors by their code. */
function handshakeFailureName(err: Error): string {
  const code = (err as { code?: unknown }).code;
  if (err.name === 'TlsError') return asTlsError(err).alertName;
  return typeof code === 'string' ? code : 'internal_error';
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

/** IPC messages of the ticket-secret handover (worker asks, primary replies). */
const TICKET_SECRET_REQUEST = 'ticket-secret?';
const TICKET_SECRET_REPLY = 'ticket-secret';

/** How long an upstream may keep a connection whose client has gone before it is closed. */
const UPSTREAM_LINGER_MS = 10_000;

const LEVELS: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** The bound address of a listening server. */
function boundAddress(server: { address(): AddressInfo | string | null }): HostPort {
  const a = server.address() as AddressInfo;
  return { host: a.address, port: a.port };
}
