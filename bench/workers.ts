/**
 * @module bench/workers
 * `puretls terminate --workers N` across cores (issue 9 item 5): the proxy (node:crypto provider,
 * its built-in page, ECDSA P-256) run as one process and as a cluster of two workers, both on
 * cores 0 and 1, loaded with full handshakes by bench/loadgen.c (on core 0: the same cores).
 * The control: two independent one-worker proxies on two ports, each with its own generator (half
 * the connections each), which share nothing but the machine. Interleaved rounds; for each:
 * handshakes/s, and CPU per handshake summed over every process of the proxy (the primary and its
 * workers), with the primary's part of it. CPU per handshake of the cluster equal to the
 * control's, and a primary that takes none of it, show that the workers share nothing per
 * connection beyond what two unrelated processes on the same cores do (caches, memory, SMT):
 * handshakes/s then grow with the cores left to the workers. The generator costs about a fifth of
 * a handshake on the same two cores, so two workers cannot reach 2× one worker's rate here: at
 * most 2 ÷ (1 + generator share) of it.
 * Run alone: `npx tsx bench/workers.ts [--quick]`.
 */
import { readFileSync } from 'node:fs';
import { QUICK } from './_harness.ts';
import { freePort, listening } from './_ports.ts';
import type { LoadGen } from './_loadgen.ts';
import { cpuMs, pinSelf, priority, ROUNDS, ROOT, sleep, spawnPinned, startLoad, WARMUP_MS, WINDOW_MS } from './_rounds.ts';
import { certPaths } from '../test/helpers/pki.ts';

const CONC = 32;

/** What is compared: one proxy, a cluster of two workers, two independent proxies. */
const KINDS = ['--workers 1', '--workers 2', 'two processes'] as const;
type Kind = (typeof KINDS)[number];

interface Proxy {
  readonly ports: readonly number[];
  /** Every process: the primary and its workers, or the independent processes. */
  pids(): number[];
  /** The cluster primary, when there is one. */
  readonly primary: number | undefined;
  stop(): void;
}

async function startKind(kind: Kind): Promise<Proxy> {
  if (kind === 'two processes') {
    const a = await startProxy(1);
    const b = await startProxy(1);
    return { ports: [...a.ports, ...b.ports], pids: () => [...a.pids(), ...b.pids()], primary: undefined, stop: () => (a.stop(), b.stop()) };
  }
  return startProxy(kind === '--workers 2' ? 2 : 1);
}

async function startProxy(workers: number): Promise<Proxy> {
  const port = await freePort();
  const paths = certPaths('ecdsa-p256');
  const child = spawnPinned('0,1', [
    process.execPath, '--import', 'tsx', 'src/tools/cli.ts', 'terminate', '--listen', `127.0.0.1:${port}`,
    '--cert', paths.endChain, '--key', paths.endKey, '--workers', String(workers), '--log-level', 'warn', '--provider', 'node',
  ]);
  child.stdout?.resume();
  await listening(port);
  const pid = child.pid!;
  // With a cluster, wait until both workers accept (the primary listens as soon as one does).
  if (workers > 1) for (let i = 0; i < 600 && childrenOf(pid).length < workers; i++) await sleep(50);
  await sleep(500);
  return { ports: [port], pids: () => [pid, ...childrenOf(pid)], primary: workers > 1 ? pid : undefined, stop: () => child.kill('SIGKILL') };
}

/** One generator per port, the connections split between them. */
function load(proxy: Proxy): LoadGen[] {
  return proxy.ports.map((port) => startLoad({ port, mode: 'full', conc: CONC / proxy.ports.length }));
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

interface Round {
  readonly rate: number;
  readonly cpuUs: number;
  readonly primaryUs: number;
  readonly errors: number;
}

async function measure(proxy: Proxy, gens: readonly LoadGen[], ms: number): Promise<Round> {
  const pids = proxy.pids();
  const cpu = (): number[] => pids.map((p) => cpuMs(p));
  const marks = async (): Promise<{ ops: number; errors: number }> => {
    const ms = await Promise.all(gens.map((g) => g.mark()));
    return { ops: ms.reduce((a, m) => a + m.ops, 0), errors: ms.reduce((a, m) => a + m.errors, 0) };
  };
  const m0 = await marks();
  const c0 = cpu();
  const t0 = performance.now();
  await sleep(ms);
  const m1 = await marks();
  const c1 = cpu();
  const wall = performance.now() - t0;
  const ops = m1.ops - m0.ops;
  const used = c1.map((v, i) => v - c0[i]!);
  const total = used.reduce((a, b) => a + b, 0);
  console.log(`#   CPU per process (ms): ${used.map((u) => u.toFixed(0)).join(' ')} over ${wall.toFixed(0)} ms`);
  return {
    rate: (ops * 1000) / wall,
    cpuUs: (total * 1000) / ops,
    primaryUs: proxy.primary === undefined ? 0 : (used[pids.indexOf(proxy.primary)]! * 1000) / ops,
    errors: m1.errors - m0.errors,
  };
}

export async function workerRounds(): Promise<Map<Kind, Round[]>> {
  const out = new Map<Kind, Round[]>(KINDS.map((k) => [k, []]));
  const proxies = new Map<Kind, Proxy>();
  const stopAll = (gens: readonly LoadGen[]): Promise<void[]> => Promise.all(gens.map((g) => g.stop()));
  try {
    for (const k of KINDS) proxies.set(k, await startKind(k));
    for (const k of KINDS) {
      const gens = load(proxies.get(k)!);
      await sleep(WARMUP_MS * 2);
      await stopAll(gens);
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const k of r % 2 === 0 ? KINDS : [...KINDS].reverse()) {
        const gens = load(proxies.get(k)!);
        try {
          await sleep(QUICK ? 300 : 600);
          const v = await measure(proxies.get(k)!, gens, WINDOW_MS);
          out.get(k)!.push(v);
          console.log(
            `# terminate ${k} | round ${r + 1}: ${v.rate.toFixed(0)} handshakes/s, ${v.cpuUs.toFixed(0)} µs CPU per handshake` +
              `${k === '--workers 2' ? ` (primary ${v.primaryUs.toFixed(1)} µs)` : ''}${v.errors ? `, ${v.errors} errors` : ''}`,
          );
        } finally {
          await stopAll(gens);
        }
      }
    }
  } finally {
    for (const p of proxies.values()) p.stop();
  }
  return out;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

function cell(xs: readonly number[], digits = 0): string {
  return `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;
}

/** The table: per kind, median (range); ratios to one worker paired by round. */
export function workersTable(rounds: Map<Kind, Round[]>): string {
  const one = rounds.get('--workers 1')!;
  const ratio = (k: Kind, f: (r: Round) => number): string => `×${cell(rounds.get(k)!.map((r, i) => f(r) / f(one[i]!)), 2)}`;
  const col = (f: (r: Round) => number, digits = 0): string => KINDS.map((k) => cell(rounds.get(k)!.map(f), digits)).join(' | ');
  return [
    `| \`terminate\` | ${KINDS.join(' | ')} | --workers 2 ÷ 1 | two processes ÷ 1 |`,
    '|---|---|---|---|---|---|',
    `| handshakes/s | ${col((r) => r.rate)} | ${ratio('--workers 2', (r) => r.rate)} | ${ratio('two processes', (r) => r.rate)} |`,
    `| CPU per handshake, every process, µs | ${col((r) => r.cpuUs)} | ${ratio('--workers 2', (r) => r.cpuUs)} | ${ratio('two processes', (r) => r.cpuUs)} |`,
    `| of which a cluster primary, µs | ${col((r) => r.primaryUs, 1)} | | |`,
  ].join('\n');
}

if (process.argv[1]?.endsWith('bench/workers.ts')) {
  pinSelf();
  const rounds = await workerRounds();
  console.log(`\n${priority}; proxy processes on cores 0,1, generator on core 0; ${ROUNDS} interleaved rounds of ${WINDOW_MS} ms; cwd ${ROOT}\n`);
  console.log(workersTable(rounds));
  process.exit(0);
}
