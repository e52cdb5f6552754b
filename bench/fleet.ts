/**
 * @module bench/fleet
 * `puretls terminate` with its session stores (issue 13): handshakes/s, latency p50/p99 and server
 * CPU per handshake for every combination of provider (node:crypto, pure) × tickets (stateless,
 * `--session-store memory`, `--session-store redis://…` on a redis-server started here) × handshake
 * (full, resumed, 0-RTT), with node:tls (bench/_servers.ts `proxy:node:tls`, no 0-RTT in node) as the
 * anchor of the full and resumed rows. Each operation is a new connection, its handshake, one HTTP
 * request through the proxy to the upstream (bench/loadgen.c's upstream mode) and the whole answer:
 * the generator's modes `http-new` (full), `http-resume` (single-use tickets: each used once and
 * replaced by the one the connection gets; `--tickets reuse` for stateless tickets and node:tls)
 * and `http-0rtt` (the request as early data). Every window counts resumed and full handshakes
 * and accepted and rejected early data, so a row whose resumption or 0-RTT silently failed is
 * marked, not quoted.
 *
 * Method (docs/06 §6.4): each server alone on core 1, the generator, the upstream and
 * redis-server on core 0, each in its own session with autogroup nice -10; all the rows are
 * measured in interleaved rounds (order reversed every round), a fresh generator per window;
 * server CPU = utime + stime of the terminate process from /proc, redis-server's CPU separately.
 * The cost of the Redis round trip per resumption is the Redis row minus the memory row of the
 * same provider and handshake, paired by round (server CPU and latency), with redis-server's own
 * CPU per handshake beside it.
 *
 * Run: `setsid -w sh -c 'echo -10 > /proc/$$/autogroup && exec npx tsx bench/fleet.ts'` (about 4
 * minutes; `--quick`: a smoke run, do not quote; `--json FILE`: every round). `--sign-workers`
 * measures instead full handshakes with stateless tickets, both providers, with `--sign-workers`
 * 0 (signing on the event loop), 1 and 2 (issue 13 item 3); the server process and its threads
 * share core 1, the other core carries the generator, as for every other row.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { RedisSessionStore } from '../src/tools/redis-session-store.ts';
import { QUICK, percentile } from './_harness.ts';
import type { LoadGen, LoadMode } from './_loadgen.ts';
import { freePort } from './_ports.ts';
import {
  cpuMs, LOAD_CORE, logRound, machineHeader, measureWindow, pinSelf, ramp, roundOrder, roundValue, sleep, spawnPinned, startLoad, startServer,
  type RoundValue, type ServerProc, type Window,
} from './_rounds.ts';

const ROUNDS = QUICK ? 1 : 5;
const WINDOW_MS = QUICK ? 700 : 1500;
const WARMUP_MS = QUICK ? 300 : 1000;
/** Connections in flight: enough that the proxy always has work while requests travel. */
const CONC = 32;
const EARLY_DATA = '16384';

type Server = 'node' | 'pure' | 'node:tls';
type Tickets = 'stateless' | 'memory' | 'redis';
type Handshake = 'full' | 'resumed' | '0-RTT';

interface Config {
  readonly server: Server;
  readonly tickets: Tickets;
  readonly handshake: Handshake;
  /** terminate --sign-workers N (0: signing on the event loop). */
  readonly signWorkers?: number;
}

/** One window of one configuration. */
interface Round {
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuUs: number;
  /** redis-server CPU per handshake (Redis rows), µs. */
  readonly redisUs: number | undefined;
  /** Of the handshakes completed in the window: resumed share; of the early data sent: accepted share. */
  readonly resumedShare: number;
  readonly earlyShare: number | undefined;
  readonly value: RoundValue;
}

const SIGN_WORKERS = process.argv.includes('--sign-workers');

const STORE_CONFIGS: readonly Config[] = [
  ...(['node', 'pure'] as const).flatMap((server) =>
    (['stateless', 'memory', 'redis'] as const).flatMap((tickets) =>
      (tickets === 'stateless' ? (['full', 'resumed'] as const) : (['full', 'resumed', '0-RTT'] as const)).map((handshake) => ({ server, tickets, handshake })),
    ),
  ),
  { server: 'node:tls', tickets: 'stateless', handshake: 'full' },
  { server: 'node:tls', tickets: 'stateless', handshake: 'resumed' },
];

const SIGN_CONFIGS: readonly Config[] = [
  ...(['node', 'pure'] as const).flatMap((server) =>
    [0, 1, 2].map((signWorkers): Config => ({ server, tickets: 'stateless', handshake: 'full', signWorkers })),
  ),
  { server: 'node:tls', tickets: 'stateless', handshake: 'full' },
];

const CONFIGS: readonly Config[] = SIGN_WORKERS ? SIGN_CONFIGS : STORE_CONFIGS;

/** The server's label in the tables: its kind, provider and sign workers. */
function serverLabel(c: Config): string {
  if (c.server === 'node:tls') return 'node:tls proxy';
  const workers = c.signWorkers === undefined ? '' : `, --sign-workers ${c.signWorkers}`;
  return `terminate, ${c.server === 'node' ? 'node:crypto' : 'pure'} provider${workers}`;
}

function name(c: Config): string {
  return `${serverLabel(c)} | ${c.tickets} | ${c.handshake}`;
}

function generatorMode(c: Config): { mode: LoadMode; tickets?: 'once' | 'reuse' } {
  if (c.handshake === 'full') return { mode: 'http-new' };
  if (c.handshake === '0-RTT') return { mode: 'http-0rtt' };
  return { mode: 'http-resume', tickets: c.tickets === 'stateless' ? 'reuse' : 'once' };
}

/** A private redis-server on core 0: loopback, a free port, no persistence (as test/proxy/redis-fleet.test.ts). */
async function startRedis(): Promise<{ pid: number; port: number; stop: () => void }> {
  const bin = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
  if (bin === undefined) throw new Error('bench/fleet.ts needs redis-server: apt-get install -y redis-server');
  const port = await freePort();
  const child = spawnPinned(LOAD_CORE, [bin, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start')), 20_000);
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (l.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${String(code)})`)));
  });
  return { pid: child.pid!, port, stop: () => child.kill('SIGKILL') };
}

/**
 * The Redis round trips of one resumption alone: terminate's own store (src/tools/redis-session-store.ts)
 * in this process puts a session (SET … EX) and takes it back (GETDEL), one pair after another; the
 * CPU of this process and of redis-server per pair, and the wall time of a pair (p50, p99).
 */
async function redisRoundTrip(redis: { pid: number; port: number }): Promise<string> {
  const n = QUICK ? 300 : 3000;
  let last = '';
  const store = new RedisSessionStore({ url: `redis://127.0.0.1:${redis.port}`, report: (_, outcome) => (last = outcome) });
  const id = (i: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, k) => (i >> (k % 4) * 8) & 0xff);
  const state = new Uint8Array(160).fill(7); // about a session state's size
  try {
    for (let i = 0; i < 100 && last !== 'miss'; i++) {
      await store.takeRemote(id(-1));
      if (last !== 'miss') await sleep(50);
    }
    for (let i = 0; i < 200; i++) { // warm-up
      store.put(id(i), state, 60);
      await store.takeRemote(id(i));
    }
    const walls: number[] = [];
    const cpu0 = process.cpuUsage();
    const redis0 = cpuMs(redis.pid);
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      store.put(id(i), state, 60);
      const got = await store.takeRemote(id(i));
      walls.push(performance.now() - t);
      if (got?.length !== state.length) throw new Error(`Redis round trip: take ${i} came back ${last}`);
    }
    const cpu = process.cpuUsage(cpu0);
    const redisUs = ((cpuMs(redis.pid) - redis0) * 1000) / n;
    return (
      `Redis round trips alone (${n} × SET + GETDEL of 160 bytes, one pair after another, this process and redis-server both on core 0): ` +
      `${fmt((cpu.user + cpu.system) / n)} µs of client CPU per pair (terminate's store code, @redis/client), ${fmt(redisUs)} µs of redis-server CPU, ` +
      `wall p50 ${fmt(percentile(walls, 50) * 1000)} µs, p99 ${fmt(percentile(walls, 99) * 1000)} µs.`
    );
  } finally {
    await store.close();
  }
}

/** The judgement of bench/_rounds.ts, plus what this bench must see: resumption and 0-RTT working. */
function disturbed(c: Config, w: Window, base: readonly string[]): string[] {
  const why = [...base];
  const hs = w.resumed + w.fullHandshakes;
  if (c.handshake !== 'full' && w.fullHandshakes > hs / 100) why.push(`${w.fullHandshakes} of ${hs} handshakes not resumed`);
  if (c.handshake === '0-RTT' && w.resumed - w.earlyAccepted > w.resumed / 100) {
    why.push(`early data accepted on ${w.earlyAccepted} of ${w.resumed} resumed handshakes`);
  }
  return why;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function cell(xs: readonly number[], prefix = ''): string {
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x))) return 'n/a';
  return `${prefix}${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
}

/** A difference: median with its sign, and the range. */
function cellSigned(xs: readonly number[]): string {
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x))) return 'n/a';
  const m = median(xs);
  return `${m >= 0 ? '+' : ''}${fmt(m)} (${fmt(Math.min(...xs))} to ${fmt(Math.max(...xs))})`;
}

async function main(): Promise<void> {
  pinSelf();
  const started = Date.now();
  const redis = await startRedis();
  const upstream = startLoad({ port: 0, mode: 'upstream', body: 1024 });
  const upPort = String(Number((await upstream.nextLine())['port']));
  const servers = new Map<string, ServerProc>();
  const key = (c: Config): string => `${c.server}|${c.tickets}|${c.signWorkers ?? 0}`;
  const rounds = new Map<Config, Round[]>(CONFIGS.map((c) => [c, []]));
  let roundTrip = '';
  try {
    for (const c of CONFIGS) {
      if (servers.has(key(c))) continue;
      const store = c.tickets === 'memory' ? ['--session-store', 'memory'] : c.tickets === 'redis' ? ['--session-store', `redis://127.0.0.1:${redis.port}`] : [];
      const early = store.length > 0 ? ['--early-data', EARLY_DATA] : [];
      const sign = c.signWorkers ? ['--sign-workers', String(c.signWorkers)] : [];
      servers.set(key(c), await startServer(c.server === 'node:tls' ? 'proxy:node:tls' : `terminate:${c.server}`, 'ecdsa-p256', [upPort, ...store, ...early, ...sign]));
    }
    const load = (c: Config): LoadGen => startLoad({ port: servers.get(key(c))!.port, conc: CONC, ...generatorMode(c) });
    for (const c of CONFIGS) {
      const gen = load(c);
      await ramp(gen);
      await sleep(WARMUP_MS);
      await gen.stop();
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of roundOrder(CONFIGS, r)) {
        const gen = load(c);
        try {
          await ramp(gen);
          const server = servers.get(key(c))!;
          const others = [upstream.child.pid!, ...(c.tickets === 'redis' ? [redis.pid] : [])];
          const w = await measureWindow(server, gen, WINDOW_MS, others);
          const cpuUs = (w.serverCpuMs * 1000) / w.ops;
          const base = roundValue(w, cpuUs, true);
          logRound(name(c), 'server CPU', r, base, 'µs/handshake');
          const value = { ...base, disturbed: disturbed(c, w, base.disturbed) };
          const hs = w.resumed + w.fullHandshakes;
          const round: Round = {
            rate: (w.ops * 1000) / w.wallMs,
            p50Ms: w.p50 / 1000,
            p99Ms: w.p99 / 1000,
            cpuUs,
            redisUs: c.tickets === 'redis' ? (w.otherCpuMs[1]! * 1000) / w.ops : undefined,
            resumedShare: hs > 0 ? w.resumed / hs : 0,
            earlyShare: c.handshake === '0-RTT' ? (w.resumed > 0 ? w.earlyAccepted / w.resumed : 0) : undefined,
            value,
          };
          rounds.get(c)!.push(round);
          console.log(
            `#   ${fmt(round.rate)} handshakes/s, p50 ${fmt(round.p50Ms)} ms, p99 ${fmt(round.p99Ms)} ms, ` +
              `resumed ${(round.resumedShare * 100).toFixed(1)}%` +
              (round.earlyShare === undefined ? '' : `, early data accepted ${(round.earlyShare * 100).toFixed(1)}%`) +
              (round.redisUs === undefined ? '' : `, redis-server ${fmt(round.redisUs)} µs/handshake`) +
              (value.disturbed.length > base.disturbed.length ? `, DISTURBED: ${value.disturbed.slice(base.disturbed.length).join('; ')}` : ''),
          );
        } finally {
          await gen.stop();
        }
      }
    }
    for (const s of servers.values()) s.stop();
    if (!SIGN_WORKERS) roundTrip = await redisRoundTrip(redis);
  } finally {
    for (const s of servers.values()) s.stop();
    await upstream.stop();
    redis.stop();
  }
  const header = machineHeader().split('\n')[0]!;
  console.log(SIGN_WORKERS ? `\n## \`terminate --sign-workers\` (issue 13)\n` : `\n## \`terminate\` with its session stores (issue 13)\n`);
  console.log(
    `${header}\nserver on core 1; generator (bench/loadgen.c, ${CONC} connections), upstream (1 KiB answers) and redis-server on core 0; ` +
      `each in its own session, autogroup nice -10; ${ROUNDS} interleaved rounds of ${WINDOW_MS} ms per row. ` +
      'One operation: a new connection, its handshake, one request through the proxy, the whole answer.\n',
  );
  console.log(fleetTable(rounds));
  if (!SIGN_WORKERS) {
    console.log(`\n${redisCostTable(rounds)}`);
    console.log(`\n${roundTrip}`);
  }
  console.log(`\n${((Date.now() - started) / 60000).toFixed(1)} minutes.`);
  const jsonAt = process.argv.indexOf('--json');
  if (jsonAt > 0 && process.argv[jsonAt + 1] !== undefined) {
    writeFileSync(process.argv[jsonAt + 1]!, JSON.stringify({ header, rows: CONFIGS.map((c) => ({ ...c, rounds: rounds.get(c) })) }, null, 2));
  }
}

/** Per row: medians and ranges over the rounds, server CPU ÷ node:tls's for the same handshake. */
function fleetTable(rounds: Map<Config, Round[]>): string {
  const anchor = (h: Handshake): Round[] | undefined =>
    [...rounds].find(([c]) => c.server === 'node:tls' && c.handshake === h)?.[1];
  const out = [
    '| server | tickets | handshake | handshakes/s | p50 ms | p99 ms | server CPU µs/handshake | ÷ node:tls (CPU) | redis-server µs/handshake | resumed; 0-RTT accepted | rounds clean; max foreign load (measured core) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [c, rs] of rounds) {
    const base = c.server === 'node:tls' ? undefined : anchor(c.handshake);
    const ratio = base === undefined ? '' : cell(rs.map((x, i) => x.cpuUs / (base[i]?.cpuUs ?? Number.NaN)), '×');
    const clean = rs.filter((x) => x.value.disturbed.length === 0).length;
    const share = (f: number): string => `${(f * 100).toFixed(1)}%`;
    const minResumed = Math.min(...rs.map((x) => x.resumedShare));
    const early = rs.every((x) => x.earlyShare === undefined) ? '' : `; ${share(Math.min(...rs.map((x) => x.earlyShare ?? 0)))}`;
    out.push(
      `| ${serverLabel(c)} | ${c.tickets} | ${c.handshake} ` +
        `| ${cell(rs.map((x) => x.rate))} | ${cell(rs.map((x) => x.p50Ms))} | ${cell(rs.map((x) => x.p99Ms))} | ${cell(rs.map((x) => x.cpuUs))} ` +
        `| ${ratio} | ${c.tickets === 'redis' ? cell(rs.map((x) => x.redisUs!)) : ''} | ${c.handshake === 'full' ? '' : `≥ ${share(minResumed)}${early}`} ` +
        `| ${clean}/${rs.length}; ${fmt(Math.max(...rs.map((x) => x.value.foreign)))} (${fmt(Math.max(...rs.map((x) => x.value.foreignServerCore)))}) |`,
    );
  }
  out.push(
    '\n"resumed; 0-RTT accepted": the smallest share over the rounds of the handshakes that resumed, and of the resumed ones whose early data was accepted.',
  );
  return out.join('\n');
}

/** The Redis round trip per resumption: Redis row − memory row, paired by round. */
function redisCostTable(rounds: Map<Config, Round[]>): string {
  const find = (server: Server, tickets: Tickets, h: Handshake): Round[] =>
    [...rounds].find(([c]) => c.server === server && c.tickets === tickets && c.handshake === h)?.[1] ?? [];
  const out = [
    '| cost of the Redis round trip (Redis − memory store, paired by round) | terminate CPU µs/handshake | + redis-server µs/handshake | p50 ms | p99 ms | handshakes/s, Redis ÷ memory |',
    '|---|---|---|---|---|---|',
  ];
  for (const server of ['node', 'pure'] as const) {
    for (const h of ['full', 'resumed', '0-RTT'] as const) {
      const redis = find(server, 'redis', h);
      const memory = find(server, 'memory', h);
      const diff = (f: (r: Round) => number): number[] => redis.map((r, i) => (memory[i] === undefined ? Number.NaN : f(r) - f(memory[i]!)));
      out.push(
        `| ${server === 'node' ? 'node:crypto' : 'pure'} provider, ${h} | ${cellSigned(diff((r) => r.cpuUs))} | ${cell(redis.map((r) => r.redisUs!))} ` +
          `| ${cellSigned(diff((r) => r.p50Ms))} | ${cellSigned(diff((r) => r.p99Ms))} | ${cell(redis.map((r, i) => r.rate / (memory[i]?.rate ?? Number.NaN)), '×')} |`,
      );
    }
  }
  out.push('\n(Per handshake with a store: a full one puts its two tickets (two SETs); a resumption takes its ticket (GETDEL) and puts the one new ticket (SET).)');
  return out.join('\n');
}

await main();
process.exit(0);
