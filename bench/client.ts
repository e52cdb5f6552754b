/**
 * @module bench/client
 * Client CPU per full handshake with the server's ECDSA P-256 chain verified (issue 10's client
 * row): puretls `connect` on both providers against node:tls's `connect`, one handshake after
 * another to `openssl s_server`. Here the client is the measured process (alone on the measured
 * core) and s_server runs on the other core. Run alone: `npx tsx bench/client.ts [--quick]`.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { certPaths } from '../test/helpers/pki.ts';
import { interleave, LOAD_CORE, ROOT, runAlone, SERVER_CORE, spawnPinned, startLoadCommand, TLS_KINDS, type Row, type ServerProc } from './_rounds.ts';

export async function clientRows(): Promise<Row[]> {
  const server = await opensslServer();
  try {
    const what = 'client CPU per full handshake, ECDSA P-256 chain verified (against openssl s_server)';
    const [cpu] = await interleave(
      [what],
      ['µs'],
      TLS_KINDS.map((tls) => ({ tls, server })),
      (c) => startLoadCommand([process.execPath, '--import', 'tsx', join(ROOT, 'bench/_clients.ts'), c.tls, String(server.port)], SERVER_CORE),
      (w) => [(w.genCpuMs * 1000) / w.ops],
      { saturating: false, measured: 'generator' },
    );
    return [{ id: 'client-full-ecdsa-p256', what, unit: 'µs', values: cpu! }];
  } finally {
    server.stop();
  }
}

async function opensslServer(): Promise<ServerProc> {
  const p = certPaths('ecdsa-p256');
  for (let attempt = 0; ; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawnPinned(LOAD_CORE, ['openssl', 's_server', '-accept', `127.0.0.1:${port}`, '-tls1_3', '-www',
      '-cert', p.end, '-key', p.endKey, '-cert_chain', p.inter, '-num_tickets', '0'], 'ignore'); // it reports every client's close
    const ready = await new Promise<boolean>((resolve) => {
      createInterface({ input: child.stdout! }).on('line', (l) => l.includes('ACCEPT') && resolve(true));
      child.once('exit', () => resolve(false));
    });
    if (ready) return { pid: child.pid!, port, mem: () => Promise.reject(new Error('s_server: no memory probe')), stop: () => child.kill('SIGKILL') };
    if (attempt === 4) throw new Error('openssl s_server did not start');
  }
}

await runAlone(import.meta.url, clientRows);
