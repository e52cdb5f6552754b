/**
 * @module bench/server-bulk
 * Bulk data on one TLS connection, each direction, AES-128-GCM and ChaCha20-Poly1305: server CPU
 * per MiB and MiB/s. The servers are the TLS server APIs (`puretls/node` createServer on both
 * providers, node:tls createServer) under bench/_servers.ts's one-byte protocol (`D`: the server
 * streams, `U`: the client streams); bench/loadgen.c is the client. Run alone:
 * `npx tsx bench/server-bulk.ts [--quick]`.
 */
import { interleave, runAlone, startLoad, startServer, TLS_KINDS, type Contender, type Row } from './_rounds.ts';

const MIB = 1024 * 1024;
const SUITES = [
  ['aes128', 'AES-128-GCM'],
  ['chacha20', 'ChaCha20-Poly1305'],
] as const;
const DIRECTIONS = [
  ['download', 'server → client'],
  ['upload', 'client → server'],
] as const;

export async function bulkRows(): Promise<Row[]> {
  const contenders: Contender[] = await Promise.all(TLS_KINDS.map(async (tls) => ({ tls, server: await startServer(`bulk:${tls}`, 'ecdsa-p256') })));
  const cpuRows: Row[] = [];
  const rateRows: Row[] = [];
  try {
    for (const [suite, suiteLabel] of SUITES) {
      for (const [mode, direction] of DIRECTIONS) {
        const names = [`bulk, server CPU per MiB, ${direction}, ${suiteLabel}`, `bulk MiB/s, one connection, ${direction}, ${suiteLabel}`];
        const [cpu, rate] = await interleave(
          names,
          ['µs/MiB', 'MiB/s'],
          contenders,
          (c) => startLoad({ port: c.server.port, mode, suite }),
          (w) => {
            const mib = (w.bytesIn + w.bytesOut) / MIB;
            return [(w.serverCpuMs * 1000) / mib, mib / (w.wallMs / 1000)];
          },
          { saturating: true },
        );
        cpuRows.push({ id: `bulk-cpu-${mode}-${suite}`, what: names[0]!, unit: 'µs/MiB', values: cpu! });
        rateRows.push({ id: `bulk-rate-${mode}-${suite}`, what: names[1]!, unit: 'MiB/s', higherIsBetter: true, values: rate! });
      }
    }
  } finally {
    for (const c of contenders) c.server.stop();
  }
  return [...cpuRows, ...rateRows];
}

await runAlone(import.meta.url, bulkRows);
