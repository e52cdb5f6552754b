/**
 * @module bench/server
 * `npm run bench`: puretls against node:tls, server CPU per operation with a load generator that
 * saturates the server's core from the other core (bench/loadgen.c), interleaved rounds, median
 * and range of the per-round ratios, the foreign load of every round. Prints the table of issue 9
 * (both providers), the pure provider's rows of issue 10, the post-quantum row (issue 11) and
 * `terminate --workers` across cores (issue 9 item 5).
 * Areas, each runnable alone: bench/server-handshake.ts, bench/server-bulk.ts,
 * bench/server-memory.ts, bench/proxy.ts, bench/client.ts, bench/pq.ts, bench/workers.ts; the harness:
 * bench/_rounds.ts.
 * Flags: `--quick` (a smoke run for development: do not quote), `--json FILE` (every round).
 * Run it in its own session with autogroup nice -10 (docs/06-testing-and-fuzzing.md §6.4); the
 * measured processes get that here already.
 */
import { writeFileSync } from 'node:fs';
import { clientRows } from './client.ts';
import { bulkRows } from './server-bulk.ts';
import { handshakeRows } from './server-handshake.ts';
import { memoryRows } from './server-memory.ts';
import { pqRows } from './pq.ts';
import { proxyRows } from './proxy.ts';
import { workerRounds, workersTable } from './workers.ts';
import { machineHeader, pinSelf, table, type Row } from './_rounds.ts';

/** Issue 9's table, in its order. */
const ISSUE_9 = [
  'full-ecdsa-p256', 'full-ed25519', 'full-rsa-2048', 'resume-ecdsa-p256',
  'bulk-cpu-download-aes128', 'bulk-cpu-upload-aes128', 'bulk-rate-download-aes128', 'bulk-rate-upload-aes128',
  'idle-rss-1000', 'idle-rss-5000', 'idle-heap-1000', 'idle-heap-5000',
  'proxy-http-keep', 'proxy-http-new', 'latency-p50', 'latency-p99',
];
/** Issue 10's rows (its pure provider column). */
const ISSUE_10 = [
  'full-ecdsa-p256', 'full-ed25519', 'full-rsa-2048', 'resume-ecdsa-p256', 'client-full-ecdsa-p256',
  'bulk-cpu-download-chacha20', 'bulk-cpu-upload-chacha20', 'bulk-cpu-download-aes128', 'bulk-cpu-upload-aes128',
];

function pick(rows: readonly Row[], ids: readonly string[]): Row[] {
  return ids.flatMap((id) => rows.filter((r) => r.id === id));
}

pinSelf();
const started = Date.now();
const rows = [...(await handshakeRows()), ...(await bulkRows()), ...(await memoryRows()), ...(await proxyRows()), ...(await clientRows())];
const pq = await pqRows();
const workers = await workerRounds();
const header = machineHeader();
console.log(`\n## puretls vs node:tls (issue 9)\n${header}\n`);
console.log(table(pick(rows, ISSUE_9)));
console.log('\nRatios: puretls ÷ node:tls per round, median (range); for MiB/s above 1 is better, for everything else below 1.');
console.log(`\n## The pure provider's rows (issue 10)\n\n${table(pick(rows, ISSUE_10))}`);
console.log('\nEvery other row of the bench, for reference:\n');
console.log(table(rows.filter((r) => !ISSUE_9.includes(r.id) && !ISSUE_10.includes(r.id))));
console.log(`\n## Post-quantum key exchange (issue 11): X25519MLKEM768 ÷ X25519 on the same server\n\n${table(pq, ['X25519 (median, range)', 'node:crypto provider, ML-KEM ÷ X25519', 'pure provider, ML-KEM ÷ X25519'])}`);
console.log(
  '\n(The generator of this row is bench/_pq-load.ts, TypeScript: it may not saturate the node:crypto provider, see its rounds.)',
);
console.log(`\n## \`terminate\` across cores (issue 9 item 5): proxy processes on cores 0 and 1, generator on core 0\n\n${workersTable(workers)}`);
console.log(`\n${((Date.now() - started) / 60000).toFixed(1)} minutes.`);
const jsonAt = process.argv.indexOf('--json');
if (jsonAt > 0 && process.argv[jsonAt + 1] !== undefined) writeFileSync(process.argv[jsonAt + 1]!, JSON.stringify({ header, rows, pq, workers: Object.fromEntries(workers) }, null, 2));
process.exit(0);
