import { it } from 'vitest';
import { certPaths, firstCertDer } from '/work/main/test/helpers/pki.ts';
import { startOpensslServer } from '/work/main/test/helpers/peers.ts';
import { connectPump } from '/work/main/test/helpers/socket-pump.ts';
import { caDer, NOBLE, newClient, ourClientConfig } from '/work/main/test/interop/_fixtures.ts';
it('dbg', async () => {
  const ed = certPaths('ed25519'); const ec = certPaths('ecdsa-p256');
  const srv = await startOpensslServer({ identity: { cert: ec.end, key: ec.endKey, chain: ec.inter }, args: ['-www', '-servername', 'testserver.com', '-cert2', ed.end, '-key2', ed.endKey, '-msg'] });
  const trusted = [caDer('ecdsa-p256'), firstCertDer(ed.inter)];
  const pump = await connectPump(srv.port, newClient(ourClientConfig({ provider: NOBLE.provider, trusted }), 'testserver.com'));
  const origRecv = pump.conn.receive.bind(pump.conn);
  await new Promise((r) => setTimeout(r, 1500));
  console.log('events', pump.events, 'failure', pump.failure, 'closed', pump.socketClosed, 'err', (pump.conn as any).error);
  console.log(srv.peer.stdout().slice(0, 3000)); console.log(srv.peer.stderr());
  await srv.peer.kill();
});
