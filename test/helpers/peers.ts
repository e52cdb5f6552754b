/**
 * @module test/helpers/peers
 * Real TLS peers for the interop suite: `openssl s_server` / `s_client` child processes (output
 * captured, readiness detected, always killed by `Peers.stopAll()`), and node:tls servers/clients in
 * process. Every wait is bounded, so a misbehaving peer fails a test instead of hanging the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

/** Rejects with a clear message when `p` does not settle within `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolvePromise(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A free TCP port on 127.0.0.1 (bind to 0, read, close). Racy by nature: callers retry on EADDRINUSE. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolvePromise(port));
    });
  });
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process with its stdout/stderr captured in memory. */
export class PeerProcess {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly exited: Promise<ExitStatus>;
  private readonly out: Buffer[] = [];
  private readonly err: Buffer[] = [];
  private outLen = 0;
  private exitStatus: ExitStatus | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(name: string, command: string, args: readonly string[], options: { cwd?: string; stdinFile?: string } = {}) {
    this.name = name;
    const stdinFd = options.stdinFile === undefined ? undefined : openSync(options.stdinFile, 'r');
    this.proc = spawn(command, [...args], {
      cwd: options.cwd,
      stdio: [stdinFd ?? 'pipe', 'pipe', 'pipe'],
    });
    if (stdinFd !== undefined) closeSync(stdinFd);
    this.proc.stdin?.on('error', () => {}); // EPIPE when the peer exits first: the test checks the outcome
    this.proc.stdout?.on('data', (b: Buffer) => {
      this.out.push(b);
      this.outLen += b.length;
      this.notify();
    });
    this.proc.stderr?.on('data', (b: Buffer) => {
      this.err.push(b);
      this.notify();
    });
    this.exited = new Promise((resolvePromise) => {
      this.proc.on('close', (code, signal) => {
        this.exitStatus = { code, signal };
        this.notify();
        resolvePromise(this.exitStatus);
      });
      this.proc.on('error', () => {
        this.exitStatus = { code: -1, signal: null };
        this.notify();
        resolvePromise(this.exitStatus);
      });
    });
  }

  get hasExited(): boolean {
    return this.exitStatus !== undefined;
  }
  get stdoutLen(): number {
    return this.outLen;
  }
  stdoutBytes(): Buffer {
    return Buffer.concat(this.out);
  }
  stdout(): string {
    return this.stdoutBytes().toString('latin1');
  }
  stderr(): string {
    return Buffer.concat(this.err).toString('latin1');
  }
  /** Everything printed so far, for failure messages. */
  transcript(): string {
    const printable = (t: string): string => t.slice(-1500).replace(/[^\x20-\x7e\n]/g, '.');
    return `--- ${this.name} stdout (${this.outLen} bytes) ---\n${printable(this.stdout())}\n--- ${this.name} stderr ---\n${printable(this.stderr())}`;
  }

  /** Writes to the child's stdin (when it is a pipe). */
  send(data: string | Uint8Array): void {
    this.proc.stdin?.write(data);
  }
  endInput(): void {
    this.proc.stdin?.end();
  }

  /** Resolves when `pattern` appears on stdout (or stderr with `stream: 'stderr'`/`'any'`). */
  waitForOutput(pattern: string | RegExp, ms = 10_000, stream: 'stdout' | 'stderr' | 'any' = 'stdout'): Promise<void> {
    const test = (): boolean => {
      const hay = stream === 'stdout' ? this.stdout() : stream === 'stderr' ? this.stderr() : this.stdout() + this.stderr();
      return typeof pattern === 'string' ? hay.includes(pattern) : pattern.test(hay);
    };
    return this.waitUntil(test, ms, `${this.name} output ${String(pattern)}`);
  }

  /** Resolves when at least `n` bytes arrived on stdout. */
  waitForStdoutLen(n: number, ms = 30_000): Promise<void> {
    return this.waitUntil(() => this.outLen >= n, ms, `${this.name} stdout length ${n} (have ${this.outLen})`);
  }

  /** Resolves with the exit status (bounded). */
  waitForExit(ms = 10_000): Promise<ExitStatus> {
    return withTimeout(this.exited, ms, `${this.name} exit`).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${this.transcript()}`);
    });
  }

  /** SIGKILL unless already gone; resolves when the process is reaped (bounded). */
  async kill(): Promise<void> {
    if (!this.hasExited) this.proc.kill('SIGKILL');
    await withTimeout(this.exited, 5_000, `${this.name} kill`).catch(() => undefined);
  }

  private waitUntil(test: () => boolean, ms: number, what: string): Promise<void> {
    return new Promise((resolvePromise, reject) => {
      const check = (): boolean => {
        if (test()) {
          done();
          resolvePromise();
          return true;
        }
        if (this.hasExited) {
          done();
          reject(new Error(`${what}: process exited (${JSON.stringify(this.exitStatus)})\n${this.transcript()}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timeout after ${ms} ms waiting for ${what}\n${this.transcript()}`));
      }, ms);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter = (): void => {
        check();
      };
      if (!check()) this.waiters.add(waiter);
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** Server identity files for openssl (leaf and intermediate separately: `-cert` loads only one certificate). */
export interface OpensslIdentity {
  readonly cert: string;
  readonly key: string;
  readonly chain?: string;
}

export interface OpensslServerOptions {
  readonly identity: OpensslIdentity;
  /** Extra arguments, e.g. `['-www']`, `['-groups', 'P-256']`, `['-alpn', 'h2']`. */
  readonly args?: readonly string[];
  /**
   * `-quiet`: stdout carries exactly the application data received (for byte-exact bulk tests).
   * s_server then prints no "ACCEPT": readiness is read from /proc/net/tcp.
   */
  readonly quiet?: boolean;
  readonly cwd?: string;
}

/** A started `openssl s_server` and the port it listens on. */
export interface OpensslServer {
  readonly peer: PeerProcess;
  readonly port: number;
}

/** Starts `openssl s_server -tls1_3` on a free port, retrying if another process grabbed the port first. */
export async function startOpensslServer(options: OpensslServerOptions): Promise<OpensslServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const id = options.identity;
    const args = [
      's_server', '-accept', `127.0.0.1:${port}`, '-tls1_3', '-cert', id.cert, '-key', id.key,
      ...(id.chain === undefined ? [] : ['-cert_chain', id.chain]),
      ...(options.quiet === true ? ['-quiet'] : []),
      ...(options.args ?? []),
    ];
    const peer = new PeerProcess(`s_server:${port}`, 'openssl', args, { cwd: options.cwd });
    try {
      if (options.quiet === true) await waitForListening(peer, port);
      else await peer.waitForOutput('ACCEPT', 10_000);
      return { peer, port };
    } catch (e) {
      lastError = e;
      await peer.kill();
      if (!/in use|bind|EADDRINUSE/i.test(peer.stderr())) break;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/**
 * `openssl s_client -tls1_3 -connect 127.0.0.1:port` plus `args`. Feed data with `send()` and keep
 * stdin open: at stdin EOF s_client/s_server shut down and may drop their last unsent buffer.
 */
export function startOpensslClient(port: number, args: readonly string[]): PeerProcess {
  return new PeerProcess(`s_client:${port}`, 'openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', ...args]);
}

/**
 * Polls until `port` is in LISTEN state. Reads /proc/net/tcp instead of probing with a connection:
 * a probe would be accepted by s_server, which would then send (and lose) the first stdin chunk on it.
 */
async function waitForListening(peer: PeerProcess, port: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  const needle = `:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A`;
  while (Date.now() < deadline) {
    if (peer.hasExited) throw new Error(`${peer.name} exited before listening\n${peer.transcript()}`);
    let table = '';
    try {
      table = readFileSync('/proc/net/tcp', 'utf8');
    } catch {
      await sleep(300); // not Linux: give s_server a moment
      return;
    }
    if (table.includes(needle)) return;
    await sleep(20);
  }
  throw new Error(`timeout waiting for ${peer.name} to listen\n${peer.transcript()}`);
}

/** Tracks everything a test started, so `afterEach(() => peers.stopAll())` leaves nothing behind. */
export class Peers {
  private readonly processes: PeerProcess[] = [];
  private readonly closers: (() => Promise<void> | void)[] = [];

  track<T extends PeerProcess>(p: T): T {
    this.processes.push(p);
    return p;
  }
  /** Registers a cleanup function (server.close(), socket.destroy(), ...). */
  onStop(fn: () => Promise<void> | void): void {
    this.closers.push(fn);
  }
  async stopAll(): Promise<void> {
    const procs = this.processes.splice(0);
    const closers = this.closers.splice(0);
    await Promise.all(procs.map((p) => p.kill()));
    for (const c of closers.reverse()) {
      try {
        await withTimeout(Promise.resolve(c()), 5_000, 'cleanup');
      } catch {
        // cleanup is best effort; the test itself reports the failure
      }
    }
  }
}

/** A node:tls server on a free loopback port. */
export interface NodeTlsServer {
  readonly server: tls.Server;
  readonly port: number;
  close(): Promise<void>;
}

export function startNodeTlsServer(
  options: tls.TlsOptions,
  onConnection: (socket: tls.TLSSocket) => void,
): Promise<NodeTlsServer> {
  return new Promise((resolvePromise, reject) => {
    const sockets = new Set<net.Socket>();
    const server = tls.createServer({ minVersion: 'TLSv1.3', ...options }, onConnection);
    server.on('connection', (s: net.Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.on('tlsClientError', () => {}); // negative tests inspect the client side
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolvePromise({
        server,
        port,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** node:tls client; resolves on 'secureConnect', rejects on error (bounded). */
export function nodeTlsConnect(options: tls.ConnectionOptions, ms = 10_000): Promise<tls.TLSSocket> {
  return withTimeout(
    new Promise<tls.TLSSocket>((resolvePromise, reject) => {
      const s = tls.connect({ host: '127.0.0.1', minVersion: 'TLSv1.3', ...options }, () => resolvePromise(s));
      s.once('error', reject);
    }),
    ms,
    'node:tls connect',
  );
}

/** Collects everything a readable stream delivers until 'end'/'close' (bounded). */
export function readAll(stream: NodeJS.ReadableStream & { once: net.Socket['once'] }, ms = 30_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (b: Buffer) => chunks.push(b));
  return withTimeout(
    new Promise<Buffer>((resolvePromise, reject) => {
      stream.once('end', () => resolvePromise(Buffer.concat(chunks)));
      stream.once('close', () => resolvePromise(Buffer.concat(chunks)));
      stream.once('error', reject);
    }),
    ms,
    'readAll',
  );
}
