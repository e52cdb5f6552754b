/**
 * @module test/interop/post-handshake-auth
 * Post-handshake authentication and server-sent KeyUpdate (RFC 8446 §4.6.2, §4.6.3) against
 * OpenSSL 3.0 on loopback: `openssl s_client -enable_pha -cert` answers our server's request
 * (createServer with `postHandshakeCa`), and follows our KeyUpdate(update_requested); our client
 * (postHandshakeAuth) answers `openssl s_server`'s `c` command (SSL_verify_client_post_handshake,
 * the only way s_server 3.0 asks after the handshake; its verify callback prints the chain it got).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { clientConfig } from '../../src/config.ts';
import { createServer } from '../../src/node/server.ts';
import type { TLSSocket } from '../../src/node/tls-socket.ts';
import { certifiedKey } from '../../src/x509/certified-key.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { certPaths } from '../helpers/pki.ts';
import { freePort, PeerProcess, Peers, startOpensslClient } from '../helpers/peers.ts';
import { connectPump } from '../helpers/socket-pump.ts';
import { caDer, NOBLE, NODE, newClient } from './_fixtures.ts';

const P = certPaths('ecdsa-p256');
const peers = new Peers();
afterEach(async () => {
  await peers.stopAll();
});

describe('post-handshake authentication interop (OpenSSL 3.0)', () => {
  it('openssl s_client -enable_pha -cert answers our request; our KeyUpdate(update_requested) is followed', async () => {
    const answers: (string | null)[] = [];
    const server = createServer({
      key: readFileSync(P.endKey, 'utf8'),
      cert: readFileSync(P.endChain, 'utf8'),
      postHandshakeCa: readFileSync(P.ca, 'utf8'),
    });
    server.on('secureConnection', (s: TLSSocket) => {
      s.on('clientCertificate', (leaf: { subject: string } | null) => {
        answers.push(leaf?.subject ?? null);
        s.write(`cert ${leaf?.subject ?? 'none'}\n`);
      });
      s.on('data', (d: Buffer) => {
        const line = d.toString();
        if (line.startsWith('auth')) s.requestClientCertificate();
        if (line.startsWith('update')) {
          s.keyUpdate(true);
          s.write('updated\n');
        }
        if (line.startsWith('ping')) s.write('pong\n');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    peers.onStop(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as { port: number }).port;
    const cli = peers.track(
      startOpensslClient(port, ['-CAfile', P.ca, '-servername', 'localhost', '-enable_pha', '-cert', P.client, '-key', P.clientKey, '-cert_chain', P.inter]),
    );
    await cli.waitForOutput('Verify return code: 0', 15_000);
    cli.send('auth\n');
    await cli.waitForOutput('cert CN=puretls test client', 15_000);
    expect(answers).toEqual(['CN=puretls test client, O=puretls test']);
    cli.send('update\n');
    await cli.waitForOutput('updated', 15_000);
    cli.send('ping\n');
    await cli.waitForOutput('pong', 15_000);
  });

  it.each([NOBLE, NODE])('our client ($name) answers openssl s_server\'s post-handshake request (its `c` command)', async ({ provider }) => {
    const port = await freePort();
    const srv = peers.track(
      new PeerProcess(`s_server:${port}`, 'openssl', [
        's_server', '-accept', `127.0.0.1:${port}`, '-tls1_3', '-cert', P.end, '-key', P.endKey, '-cert_chain', P.inter, '-verifyCAfile', P.ca,
      ]),
    );
    await srv.waitForOutput('ACCEPT', 10_000);
    const clientKey = certifiedKey(provider, readFileSync(P.client, 'utf8') + readFileSync(P.inter, 'utf8'), readFileSync(P.clientKey, 'utf8'));
    const config = clientConfig({ provider, verifier: trustExactly([caDer('ecdsa-p256')]), certificates: [clientKey], postHandshakeAuth: true });
    const pump = await connectPump(port, newClient(config));
    await pump.handshake();
    pump.write('before\n');
    await srv.waitForOutput('before', 10_000);
    // The handshake asked for no certificate: s_server's verify callback has printed nothing yet.
    expect(srv.stdout() + srv.stderr()).not.toContain('puretls test client');
    srv.send('c\n');
    await srv.waitForOutput(/depth=0 CN = puretls test client[^]*verify return:1/, 15_000, 'any');
    pump.write('after\n');
    await srv.waitForOutput('after', 10_000);
    expect(pump.failure).toBeUndefined();
  });
});
