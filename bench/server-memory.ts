/**
 * @module bench/server-memory
 * Server memory per idle connection: a fresh `puretls serve` (both providers) or node:tls serve
 * process is warmed up by 200 handshakes, then bench/loadgen.c opens N connections (1,000 and
 * 5,000), completes their handshakes and holds them silent; RSS and the V8 heap (after a forced
 * GC) are read before and while they are held, and the growth divided by N. RSS counts what
 * node:tls keeps in OpenSSL's native memory; the heap row shows the JavaScript share. Run alone:
 * `npx tsx bench/server-memory.ts [--quick]`.
 */
import { logRound, measureWindow, roundOrder, ROUNDS, runAlone, sleep, startLoad, startServer, TLS_KINDS, type Row, type RoundValue, type Tls } from './_rounds.ts';
import { QUICK } from './_harness.ts';

const HELD = QUICK ? [1000] : [1000, 5000];

export async function memoryRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of HELD) {
    const held = n.toLocaleString('en-US');
    const rss: Row = { id: `idle-rss-${n}`, what: `RSS per idle connection, ${held} held`, unit: 'KiB', values: {} };
    const heap: Row = { id: `idle-heap-${n}`, what: `V8 heap per idle connection, ${held} held`, unit: 'KiB', values: {} };
    for (let r = 0; r < ROUNDS; r++) {
      for (const tls of roundOrder(TLS_KINDS, r)) {
        const [vr, vh] = await oneRound(tls, n);
        (rss.values[tls] ??= []).push(vr);
        (heap.values[tls] ??= []).push(vh);
        logRound(rss.what, tls, r, vr, 'KiB');
        logRound(heap.what, tls, r, vh, 'KiB');
      }
    }
    rows.push(rss, heap);
  }
  return rows;
}

async function oneRound(tls: Tls, n: number): Promise<[RoundValue, RoundValue]> {
  const server = await startServer(`serve:${tls}`, 'ecdsa-p256');
  try {
    const warm = startLoad({ port: server.port, mode: 'full', conc: 8, ops: 200 });
    await warm.nextLine();
    await warm.stop();
    const before = await server.mem();
    const gen = startLoad({ port: server.port, mode: 'idle', conc: n });
    try {
      for (let i = 0; i < 1200; i++) {
        const m = await gen.mark();
        if (m.established + m.errors >= n) break;
        await sleep(100);
      }
      await sleep(500);
      // The window shows the foreign load and that nothing failed while the connections are held.
      const w = await measureWindow(server, gen, 500);
      const during = await server.mem();
      const established = (await gen.mark()).established;
      // Foreign load is shown but does not disturb a memory figure; a missing connection does.
      const disturbed = established < n ? [`only ${established} of ${n} connections held`] : [];
      const value = (bytes: number): RoundValue => ({ value: bytes / 1024 / n, disturbed, foreign: w.foreign, foreignServerCore: w.foreignServerCore });
      return [value(during.rss - before.rss), value(during.heapUsed - before.heapUsed)];
    } finally {
      await gen.stop();
    }
  } finally {
    server.stop();
  }
}

await runAlone(import.meta.url, memoryRows);
