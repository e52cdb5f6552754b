/**
 * @module bench/proxy
 * `puretls terminate` (both providers) against the same proxy on node:tls (bench/_servers.ts
 * `proxy:node:tls`: node:tls in front of the upstream, piping both ways), in front of the same
 * upstream (bench/loadgen.c's upstream mode, 1 KiB answers, on the load core): proxy CPU per
 * request over 64 keep-alive connections, and per new connection + one request (64 clients):
 * enough in flight that the proxy always has work while its requests travel through the generator
 * and the upstream.
 * Run alone: `npx tsx bench/proxy.ts [--quick]`.
 */
import { interleave, runAlone, startLoad, startServer, TLS_KINDS, type Contender, type Row } from './_rounds.ts';

export async function proxyRows(): Promise<Row[]> {
  const upstream = startLoad({ port: 0, mode: 'upstream', body: 1024 });
  const upPort = Number((await upstream.nextLine())['port']);
  const contenders: Contender[] = await Promise.all(
    TLS_KINDS.map(async (tls) => ({
      tls,
      server: await startServer(tls === 'node:tls' ? 'proxy:node:tls' : `terminate:${tls}`, 'ecdsa-p256', [String(upPort)]),
    })),
  );
  const rows: Row[] = [];
  try {
    for (const [mode, what] of [
      ['http-keep', '`terminate` CPU per keep-alive request (64 connections)'],
      ['http-new', '`terminate` CPU per new connection + request (64 clients)'],
    ] as const) {
      const [cpu] = await interleave(
        [what],
        ['µs'],
        contenders,
        (c) => startLoad({ port: c.server.port, mode, conc: 64 }),
        (w) => [(w.serverCpuMs * 1000) / w.ops],
        { saturating: true, otherPids: [upstream.child.pid!] },
      );
      rows.push({ id: `proxy-${mode}`, what, unit: 'µs', values: cpu! });
    }
  } finally {
    for (const c of contenders) c.server.stop();
    await upstream.stop();
  }
  return rows;
}

await runAlone(import.meta.url, proxyRows);
