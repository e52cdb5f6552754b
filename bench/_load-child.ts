/**
 * @module bench/_load-child
 * The load generator, in its own process: node:tls clients (OpenSSL, ~1 ms CPU per handshake)
 * against a bench server. Modes: `handshakes` (connect, complete the TLS 1.3 handshake with X25519,
 * close; `concurrency` loops for `durationMs`; records each latency), `resumed` (the same, each
 * connection resuming with node:tls `session` from a ticket taken by a first full handshake;
 * `count` counts only connections that did resume, `errors` the rest), `download`/`upload` (one
 * connection moving `bulkLen` bytes), `idle` (`concurrency` connections completed and held open,
 * without traffic, for `durationMs`, for the server's memory per idle connection). Prints one JSON
 * line with counts, latencies and its own CPU.
 */
import tls from 'node:tls';

interface Args {
  readonly port: number;
  readonly ca: string;
  readonly mode: 'handshakes' | 'resumed' | 'download' | 'upload' | 'idle';
  readonly concurrency: number;
  readonly durationMs: number;
  readonly bulkLen: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;

function connect(session?: Buffer): Promise<{ sock: tls.TLSSocket; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const sock = tls.connect(
      { host: '127.0.0.1', port: args.port, ca: args.ca, servername: 'localhost', minVersion: 'TLSv1.3', ecdhCurve: 'X25519', session },
      () => resolve({ sock, ms: performance.now() - t0 }),
    );
    sock.once('error', reject);
  });
}

/** A TLS 1.3 session (ticket) from one full handshake: node:tls emits it when the ticket arrives. */
async function firstSession(): Promise<Buffer> {
  const { sock } = await connect();
  const session = await new Promise<Buffer>((resolve, reject) => {
    sock.once('session', resolve);
    sock.once('error', reject);
    setTimeout(() => reject(new Error('no session ticket')), 10_000).unref();
  });
  sock.destroy();
  return session;
}

async function handshakes(): Promise<{ count: number; errors: number; latencies: number[] }> {
  const session = args.mode === 'resumed' ? await firstSession() : undefined;
  const end = performance.now() + args.durationMs;
  const latencies: number[] = [];
  let errors = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      try {
        const { sock, ms } = await connect(session);
        if (session !== undefined && !sock.isSessionReused()) errors++;
        else latencies.push(ms);
        sock.on('error', () => {});
        sock.end();
        sock.destroy();
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, loop));
  return { count: latencies.length, errors, latencies };
}

async function bulk(): Promise<{ ms: number; bytes: number }> {
  const { sock } = await connect();
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    let got = 0;
    sock.on('error', reject);
    if (args.mode === 'download') {
      sock.on('data', (b: Buffer) => {
        got += b.length;
        if (got >= args.bulkLen) resolve();
      });
      sock.write('D');
    } else {
      sock.on('data', () => resolve());
      sock.write('U');
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      let sent = 0;
      const pump = (): void => {
        while (sent < args.bulkLen) {
          const n = Math.min(chunk.length, args.bulkLen - sent);
          sent += n;
          if (!sock.write(chunk.subarray(0, n))) {
            sock.once('drain', pump);
            return;
          }
        }
      };
      pump();
    }
  });
  const ms = performance.now() - t0;
  sock.destroy();
  return { ms, bytes: args.bulkLen };
}

/** Opens `concurrency` connections (a few at a time), holds them `durationMs`, then closes them. */
async function idle(): Promise<{ count: number; errors: number }> {
  const open: tls.TLSSocket[] = [];
  let errors = 0;
  for (let i = 0; i < args.concurrency; i += 8) {
    const batch = await Promise.allSettled(Array.from({ length: Math.min(8, args.concurrency - i) }, () => connect()));
    for (const r of batch) {
      if (r.status === 'fulfilled') {
        r.value.sock.on('error', () => {});
        open.push(r.value.sock);
      } else errors++;
    }
  }
  await new Promise((r) => setTimeout(r, args.durationMs));
  for (const sock of open) sock.destroy();
  return { count: open.length, errors };
}

const cpu0 = process.cpuUsage();
const w0 = performance.now();
const result =
  args.mode === 'handshakes' || args.mode === 'resumed' ? await handshakes() : args.mode === 'idle' ? await idle() : await bulk();
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ ...result, wallMs: performance.now() - w0, cpuMs: (cpu.user + cpu.system) / 1000 }));
process.exit(0);
