/**
 * @module bench/proxy
 * `puretls terminate` against the same proxy written with node:tls (the few lines in
 * `nodeTlsProxy` below): same upstream (a node:http server in this process), same load (node:tls
 * clients in a separate process), one run each. Measures requests/s over keep-alive connections
 * and handshakes/s (connect, handshake, one request, close), plus each proxy process's CPU per
 * operation (from /proc), and prints puretls / node:tls ratios.
 *
 * Run: npx tsx bench/proxy.ts [--quick]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { header, QUICK } from './_harness.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const CERTS = join(ROOT, 'vectors/certs/ecdsa-p256');
/** Response body size of the upstream. */
const BODY_LEN = 1024;
/** Children to kill on exit (also on failure). */
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

interface LoadArgs {
  readonly port: number;
  readonly ca: string;
  readonly mode: 'requests' | 'handshakes';
  readonly concurrency: number;
  readonly durationMs: number;
}

const role = process.argv[2];
if (role === '--node-tls-proxy') await nodeTlsProxy(Number(process.argv[3]));
else if (role === '--load') await load(JSON.parse(process.argv[3] ?? '{}') as LoadArgs);
else await main();

/** The comparison proxy: node:tls in front of the upstream, piping both ways. */
async function nodeTlsProxy(upstreamPort: number): Promise<void> {
  const server = tls.createServer(
    { key: readFileSync(join(CERTS, 'end.key')), cert: readFileSync(join(CERTS, 'end.chain.pem')), minVersion: 'TLSv1.3', allowHalfOpen: true },
    (client) => {
      const up = net.connect({ port: upstreamPort, host: '127.0.0.1', allowHalfOpen: true });
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
      client.pipe(up).pipe(client);
    },
  );
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as net.AddressInfo).port })));
}

/** The load generator (child process): node:tls clients sending `GET /` and reading the answer. */
async function load(a: LoadArgs): Promise<void> {
  const REQ = 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n';
  const open = (): Promise<tls.TLSSocket> =>
    new Promise((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port: a.port, ca: a.ca, servername: 'localhost', ecdhCurve: 'X25519' }, () => resolve(s));
      s.once('error', reject);
    });
  // A request is done when the headers and Content-Length bytes of body arrived.
  const ask = (s: tls.TLSSocket): Promise<void> =>
    new Promise((resolve, reject) => {
      let buf = '';
      const onData = (d: Buffer): void => {
        buf += d.toString('latin1');
        const h = buf.indexOf('\r\n\r\n');
        if (h < 0) return;
        const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, h))?.[1] ?? 0);
        if (buf.length >= h + 4 + len) {
          s.off('data', onData);
          s.off('error', reject);
          resolve();
        }
      };
      s.on('data', onData);
      s.once('error', reject);
      s.write(REQ);
    });
  const end = performance.now() + a.durationMs;
  let count = 0;
  let errors = 0;
  const loop = async (): Promise<void> => {
    let s: tls.TLSSocket | undefined;
    while (performance.now() < end) {
      try {
        s ??= await open();
        await ask(s);
        count++;
        if (a.mode === 'handshakes') {
          s.destroy();
          s = undefined;
        }
      } catch {
        errors++;
        s?.destroy();
        s = undefined;
      }
    }
    s?.destroy();
  };
  await Promise.all(Array.from({ length: a.concurrency }, loop));
  console.log(JSON.stringify({ count, errors }));
  process.exit(0);
}

async function main(): Promise<void> {
  header('proxy: puretls terminate vs the same proxy on node:tls');
  const body = 'x'.repeat(BODY_LEN);
  const upstream = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) });
    res.end(body);
  });
  upstream.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const upPort = (upstream.address() as net.AddressInfo).port;
  const ca = readFileSync(join(CERTS, 'ca.pem'), 'utf8');
  const durationMs = QUICK ? 1500 : 8000;

  const proxies: Array<{ name: string; start: () => Promise<{ child: ChildProcess; port: number }> }> = [
    {
      name: 'puretls terminate',
      // --log-level warn (no line per connection); the port is then known from the 'listening'
      // line of a first start at info level, so pick a free one instead.
      start: async () => {
        const port = await freePort();
        const started = startChild(
          [join(ROOT, 'src/tools/cli.ts'), 'terminate', '--listen', `127.0.0.1:${port}`, '--cert', join(CERTS, 'end.chain.pem'),
            '--key', join(CERTS, 'end.key'), '--upstream', `127.0.0.1:${upPort}`, '--log-level', 'warn'],
        );
        await waitListening(port);
        return { child: started.child, port };
      },
    },
    {
      name: 'node:tls proxy',
      start: async () => {
        const started = startChild([fileURLToPath(import.meta.url), '--node-tls-proxy', String(upPort)], (j) => j['port'] as number | undefined);
        return { child: started.child, port: await started.port! };
      },
    },
  ];
  const results: Record<string, Record<string, { perSec: number; cpuMsPerOp: number }>> = {};
  for (const p of proxies) {
    const { child, port } = await p.start();
    results[p.name] = {};
    for (const [mode, concurrency] of [['requests', 16], ['handshakes', 8]] as const) {
      await runLoad({ port, ca, mode, concurrency, durationMs: 500 }); // warm-up
      const cpu0 = cpuMs(child.pid!);
      const t0 = performance.now();
      const r = await runLoad({ port, ca, mode, concurrency, durationMs });
      const wall = performance.now() - t0;
      const cpu = cpuMs(child.pid!) - cpu0;
      if (r.errors > 0) console.log(`# ${p.name} ${mode}: ${r.errors} errors`);
      results[p.name]![mode] = { perSec: (r.count / wall) * 1000, cpuMsPerOp: cpu / Math.max(1, r.count) };
      console.log(`${p.name.padEnd(18)} ${mode.padEnd(10)} ${((r.count / wall) * 1000).toFixed(0).padStart(7)} /s   proxy CPU ${(cpu / Math.max(1, r.count)).toFixed(3)} ms/op   (c=${concurrency})`);
    }
    child.kill('SIGKILL');
  }
  const ours = results['puretls terminate']!;
  const theirs = results['node:tls proxy']!;
  for (const mode of ['requests', 'handshakes'] as const) {
    console.log(
      `ratio puretls / node:tls, ${mode}: ${(ours[mode]!.perSec / theirs[mode]!.perSec).toFixed(2)}x per second, ` +
        `${(ours[mode]!.cpuMsPerOp / theirs[mode]!.cpuMsPerOp).toFixed(2)}x proxy CPU per op`,
    );
  }
  upstream.closeAllConnections();
  upstream.close();
  process.exit(0);
}

function startChild(
  args: string[],
  portOf?: (j: Record<string, unknown>) => number | undefined,
): { child: ChildProcess; port: Promise<number> | undefined } {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  if (portOf === undefined) return { child, port: undefined };
  const port = new Promise<number>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no port from ${args.join(' ')}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      for (const line of text.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const port = portOf(JSON.parse(line) as Record<string, unknown>);
          if (port !== undefined) {
            clearTimeout(timer);
            resolve(port);
            return;
          }
        } catch {
          // a partial line: wait for more
        }
      }
    });
  });
  return { child, port };
}


function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP on `port` (polls every 100 ms, up to 30 s). */
async function waitListening(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

function runLoad(a: LoadArgs): Promise<{ count: number; errors: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--load', JSON.stringify(a)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as { count: number; errors: number });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

/** User + system CPU of a process so far, in ms (Linux /proc/PID/stat, clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
