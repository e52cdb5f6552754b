/**
 * @module test/interop/harness
 * Proves the peer harness itself, without puretls: openssl s_server ↔ openssl s_client and node:tls
 * ↔ openssl, over the same test PKI and flags the interop suite uses. When an interop test fails,
 * this file tells whether the harness or the engine is at fault.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { certPaths, certPems } from '../helpers/pki.ts';
import { nodeTlsConnect, Peers, readAll, startNodeTlsServer, startOpensslClient, startOpensslServer } from '../helpers/peers.ts';

const peers = new Peers();
afterEach(() => peers.stopAll());

const ecdsa = certPaths('ecdsa-p256');
const identity = { cert: ecdsa.end, key: ecdsa.endKey, chain: ecdsa.inter };

describe('interop harness (openssl and node:tls only)', () => {
  it('openssl s_client verifies the ecdsa-p256 chain served by s_server and exchanges data both ways', async () => {
    const srv = await startOpensslServer({ identity, args: ['-naccept', '1'] });
    peers.track(srv.peer);
    const cli = peers.track(
      startOpensslClient(srv.port, ['-CAfile', ecdsa.ca, '-verify_return_error', '-servername', 'localhost',
        '-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256', '-groups', 'P-384']),
    );
    await cli.waitForOutput('Verify return code: 0 (ok)');
    expect(cli.stdout()).toContain('New, TLSv1.3, Cipher is TLS_CHACHA20_POLY1305_SHA256');
    expect(cli.stdout()).toContain('Server Temp Key: ECDH, secp384r1');
    cli.send('from-client\n');
    await srv.peer.waitForOutput('from-client');
    srv.peer.send('from-server\n');
    await cli.waitForOutput('from-server');
    cli.endInput(); // s_client sends close_notify; s_server reports a clean end ("DONE")
    await srv.peer.waitForOutput('DONE');
    expect((await cli.waitForExit()).code).toBe(0);
  });

  it('s_client "K" command sends a KeyUpdate that OpenSSL s_server accepts (RFC 8446 §4.6.3)', async () => {
    const srv = await startOpensslServer({ identity, args: ['-naccept', '1'] });
    peers.track(srv.peer);
    const cli = peers.track(startOpensslClient(srv.port, ['-CAfile', ecdsa.ca, '-msg']));
    await cli.waitForOutput('Verify return code');
    cli.send('K\n');
    await cli.waitForOutput(/>>> TLS 1.3, Handshake \[length 0005\], KeyUpdate/);
    cli.send('after-update\n');
    await srv.peer.waitForOutput('after-update');
  });

  it('s_server -quiet relays 1 MiB byte-exact in both directions (bulk path)', async () => {
    // stdin stays open: s_server/s_client shut the connection down at stdin EOF even with -quiet,
    // losing the last buffer, so the data is piped and the pipe is never ended.
    const toClient = randomBytes(1 << 20);
    const toServer = randomBytes(1 << 20);
    const srv = await startOpensslServer({ identity, quiet: true });
    peers.track(srv.peer);
    srv.peer.send(toClient);
    const cli = peers.track(startOpensslClient(srv.port, ['-quiet', '-CAfile', ecdsa.ca]));
    cli.send(toServer);
    await cli.waitForStdoutLen(toClient.length);
    await srv.peer.waitForStdoutLen(toServer.length);
    expect(sha256(cli.stdoutBytes())).toBe(sha256(toClient));
    expect(sha256(srv.peer.stdoutBytes())).toBe(sha256(toServer));
  });

  it('node:tls client talks to openssl s_server -www (ed25519 chain)', async () => {
    const ed = certPaths('ed25519');
    const srv = await startOpensslServer({ identity: { cert: ed.end, key: ed.endKey, chain: ed.inter }, args: ['-www'] });
    peers.track(srv.peer);
    const pems = certPems('ed25519');
    const sock = await nodeTlsConnect({ port: srv.port, ca: pems.ca, servername: 'localhost' });
    expect(sock.getProtocol()).toBe('TLSv1.3');
    sock.write('GET / HTTP/1.0\r\n\r\n');
    const page = (await readAll(sock)).toString('latin1');
    expect(page).toContain('HTTP/1.0 200 ok');
    expect(page).toContain('New, TLSv1.3, Cipher is ');
  });

  it('openssl s_client talks to a node:tls server (rsa-2048 chain) and sees its close_notify', async () => {
    const pems = certPems('rsa-2048');
    const server = await startNodeTlsServer({ key: pems.endKey, cert: pems.endChain }, (s) => {
      s.once('data', () => s.end('pong\n'));
    });
    peers.onStop(() => server.close());
    const cli = peers.track(startOpensslClient(server.port, ['-CAfile', certPaths('rsa-2048').ca, '-verify_return_error']));
    await cli.waitForOutput('Verify return code: 0 (ok)');
    cli.send('ping\n');
    await cli.waitForOutput('pong');
    await cli.waitForOutput('closed', 10_000, 'any');
    expect((await cli.waitForExit()).code).toBe(0);
  });
});

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}
