/**
 * @module bench/server-handshake
 * Server CPU per full handshake (ECDSA P-256, Ed25519, RSA-2048 certificates; X25519) and per
 * resumed handshake (RFC 8446 §2.2 tickets, psk_dhe_ke), and handshake latency at 16 concurrent
 * clients: `puretls serve` (both providers) against node:tls doing the same thing, each saturated
 * by bench/loadgen.c. Run alone: `npx tsx bench/server-handshake.ts [--quick]`.
 */
import { interleave, runAlone, startLoad, startServer, TLS_KINDS, type Contender, type Row } from './_rounds.ts';

const CERTS = [
  ['ecdsa-p256', 'ECDSA P-256'],
  ['ed25519', 'Ed25519'],
  ['rsa-2048', 'RSA-2048'],
] as const;

/** The rows: full handshakes per certificate, resumed, then latency p50/p99 (ECDSA). */
export async function handshakeRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [keyType, label] of CERTS) {
    for (const mode of keyType === 'ecdsa-p256' ? (['full', 'resume'] as const) : (['full'] as const)) {
      const contenders = await servers(keyType);
      try {
        const what = mode === 'full' ? `full handshake, ${label} + X25519, server CPU` : 'resumed handshake (ticket, psk_dhe_ke), server CPU';
        const latency = mode === 'full' && keyType === 'ecdsa-p256';
        const names = latency ? [what, 'handshake latency p50 at c=16 (ECDSA)', 'handshake latency p99 at c=16 (ECDSA)'] : [what];
        const [cpu, p50, p99] = await interleave(
          names,
          ['µs', 'ms', 'ms'],
          contenders,
          (c) => startLoad({ port: c.server.port, mode, conc: 16 }),
          (w) => [(w.serverCpuMs * 1000) / w.ops, w.p50 / 1000, w.p99 / 1000],
          { saturating: true },
        );
        rows.push({ id: `${mode}-${keyType}`, what, unit: 'µs', values: cpu! });
        if (latency) {
          rows.push({ id: 'latency-p50', what: names[1]!, unit: 'ms', values: p50! });
          rows.push({ id: 'latency-p99', what: names[2]!, unit: 'ms', values: p99! });
        }
      } finally {
        for (const c of contenders) c.server.stop();
      }
    }
  }
  return rows;
}

async function servers(keyType: string): Promise<Contender[]> {
  return Promise.all(TLS_KINDS.map(async (tls) => ({ tls, server: await startServer(`serve:${tls}`, keyType) })));
}

await runAlone(import.meta.url, handshakeRows);
