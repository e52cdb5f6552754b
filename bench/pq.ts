/**
 * @module bench/pq
 * What post-quantum key exchange costs a server: CPU per full handshake (ECDSA P-256) with
 * X25519MLKEM768 against the same with X25519, for `puretls serve` on both providers, interleaved.
 * node:tls has no row: Node 20's OpenSSL 3.0 has no ML-KEM. The load comes from bench/_pq-load.ts
 * (TypeScript: bench/loadgen.c cannot do ML-KEM on OpenSSL 3.0), which reports its own CPU per
 * handshake so that its margin is seen. Run alone: `npx tsx bench/pq.ts [--quick]`.
 */
import { join } from 'node:path';
import { interleave, ROOT, runAlone, startLoadCommand, startServer, type Contender, type Row } from './_rounds.ts';

const GROUPS = ['x25519', 'X25519MLKEM768'] as const;

export async function pqRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const tls of ['node', 'pure'] as const) {
    const server = await startServer(`serve:${tls}`, 'ecdsa-p256');
    try {
      // The two groups take the places of node:tls and the measured side, so the per-round ratio
      // is PQ ÷ X25519 on one server process.
      const contenders: Contender[] = [
        { tls: 'node:tls', server },
        { tls, server },
      ];
      const [cpu] = await interleave(
        [`full handshake, ${tls === 'node' ? 'node:crypto' : 'pure'} provider: X25519 (node:tls column) vs X25519MLKEM768`],
        ['µs'],
        contenders,
        (c) => startLoadCommand([process.execPath, '--import', 'tsx', join(ROOT, 'bench/_pq-load.ts'), String(server.port), c.tls === 'node:tls' ? GROUPS[0] : GROUPS[1], '16']),
        (w) => [(w.serverCpuMs * 1000) / w.ops],
        { saturating: true },
      );
      rows.push({ id: `pq-${tls}`, what: `server CPU per full handshake, ${tls} provider, X25519MLKEM768 ÷ X25519 (ECDSA)`, unit: 'µs', values: cpu! });
    } finally {
      server.stop();
    }
  }
  return rows;
}

await runAlone(import.meta.url, pqRows);
