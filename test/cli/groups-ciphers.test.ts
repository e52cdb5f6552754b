import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy, stopAll, tlsClient } from '../proxy/_proxy.ts';
import { CERTS, CLI, cleanup, connectCli, NODE, REQUEST, run, SEVERAL_PROCESSES, startOpenssl, startServe, tempDir } from './_cli.ts';

// `--groups LIST` and `--ciphers LIST` on serve, connect and terminate (node:tls's `ecdhCurve` and
// `ciphers` syntax, read by src/node/tls-lists.ts as the adapter reads them), against real
// openssl s_server / s_client and node:tls. The local OpenSSL (3.0) has no X25519MLKEM768: the
// post-quantum group is tested between our connect and our serve.

afterEach(() => {
  cleanup();
  stopAll();
});

const SERVE_CERT = ['--cert', `${CERTS}end.chain.pem`, '--key', `${CERTS}end.key`];

/** `puretls connect` to openssl s_server started with `serverFlags`; the negotiated lines of stderr. */
async function connectToOpenssl(serverFlags: string[], clientFlags: string[]): Promise<{ code: number | null; stderr: string }> {
  const { port } = await startOpenssl(['-rev', ...serverFlags]);
  return run(NODE, [...CLI, 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`, ...clientFlags], 'x\n', 60_000);
}

/** openssl s_client to our serve at `port`; its stdout (the negotiated parameters). */
async function opensslClient(port: number, flags: string[] = []): Promise<string> {
  const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-ign_eof', ...flags], REQUEST, 60_000);
  expect(r.stdout, r.stderr).toMatch(/^New, TLSv1\.3/m);
  return r.stdout;
}

describe('puretls connect --groups / --ciphers against openssl s_server', SEVERAL_PROCESSES, () => {
  it('--ciphers TLS_CHACHA20_POLY1305_SHA256 is the only suite offered, so the one negotiated', async () => {
    const r = await connectToOpenssl([], ['--ciphers', 'TLS_CHACHA20_POLY1305_SHA256']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/cipher suite: +TLS_CHACHA20_POLY1305_SHA256\n/);
  });

  it('--groups P-384 sends its key share first, so no HelloRetryRequest; --groups P-256:P-384 to a P-384-only server retries', async () => {
    const direct = await connectToOpenssl([], ['--groups', 'P-384']);
    expect(direct.code, direct.stderr).toBe(0);
    expect(direct.stderr).toMatch(/group: +secp384r1\n/);
    const retried = await connectToOpenssl(['-groups', 'P-384'], ['--groups', 'P-256:P-384']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stderr).toMatch(/group: +secp384r1 \(after HelloRetryRequest\)\n/);
  });

  it('by default the client sends the library default key shares, X25519MLKEM768 and x25519: a server without ML-KEM takes x25519 at once', async () => {
    const r = await connectToOpenssl([], ['--trace']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/key_share \(51\), §4\.2\.8: 2 shares\n {10}X25519MLKEM768: 1216 bytes [0-9a-f]+…\n {10}x25519: 32 bytes [0-9a-f]{64}\n/);
    expect(r.stderr).toMatch(/group: +x25519\n/);
  });

  it('a list that cannot be honoured is a usage error (exit status 2), named after the flag', async () => {
    const tls12 = await run(NODE, [...CLI, 'connect', '127.0.0.1:1', '--ciphers', 'ECDHE-RSA-AES128-GCM-SHA256'], '', 60_000);
    expect(tls12.code).toBe(2);
    expect(tls12.stderr).toMatch(/^puretls: --ciphers: "ECDHE-RSA-AES128-GCM-SHA256" names no TLS 1\.3 suite/);
    const unknown = await run(NODE, [...CLI, 'serve', '--groups', 'X25519:curve9'], undefined, 60_000);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^puretls: --groups: unknown group "curve9"/);
  });
});

describe('puretls serve --groups / --ciphers', SEVERAL_PROCESSES, () => {
  it('post-quantum between our connect and our serve: X25519MLKEM768 by default, x25519 when the server lists only classical groups', async () => {
    const pq = await startServe(SERVE_CERT);
    const r = await connectCli(pq.port, [], REQUEST);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/group: +X25519MLKEM768\n/);
    const onlyPq = await startServe([...SERVE_CERT, '--groups', 'X25519MLKEM768']);
    const explicit = await connectCli(onlyPq.port, ['--groups', 'X25519MLKEM768'], REQUEST);
    expect(explicit.stderr).toMatch(/group: +X25519MLKEM768\n/);
    const classical = await startServe([...SERVE_CERT, '--groups', 'X25519:P-256']);
    const c = await connectCli(classical.port, [], REQUEST);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toMatch(/group: +x25519\n/); // from the client's second share, no retry
  });

  it('openssl s_client: --groups P-384 asks it for a P-384 share (HelloRetryRequest); --ciphers is the server preference order', async () => {
    const p384 = await startServe([...SERVE_CERT, '--groups', 'P-384']);
    expect(await opensslClient(p384.port)).toMatch(/Server Temp Key: ECDH, (P-384|secp384r1)/);
    // openssl's own order is AES-256-GCM, ChaCha20, AES-128-GCM; the server's list decides.
    const ordered = await startServe([...SERVE_CERT, '--ciphers', 'TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256']);
    expect(await opensslClient(ordered.port)).toMatch(/Cipher is TLS_CHACHA20_POLY1305_SHA256/);
    const only = await startServe([...SERVE_CERT, '--ciphers', 'TLS_AES_128_GCM_SHA256']);
    expect(await opensslClient(only.port)).toMatch(/Cipher is TLS_AES_128_GCM_SHA256/);
  });
});

describe('puretls terminate --groups / --ciphers (and groups / ciphers in --config)', SEVERAL_PROCESSES, () => {
  it('node:tls clients get the configured suite and group, from flags and from the config file', async () => {
    const byFlags = await startProxy(['--groups', 'P-256', '--ciphers', 'TLS_AES_128_GCM_SHA256']);
    const a = await tlsClient(byFlags.port, { servername: 'localhost' });
    expect(a.getCipher().name).toBe('TLS_AES_128_GCM_SHA256');
    expect(a.getEphemeralKeyInfo()).toMatchObject({ name: 'prime256v1' });
    a.destroy();
    const dir = tempDir();
    writeFileSync(`${dir}/config.json`, JSON.stringify({ groups: 'P-384', ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }));
    const byConfig = await startProxy(['--config', `${dir}/config.json`]);
    const b = await tlsClient(byConfig.port, { servername: 'localhost' });
    expect(b.getCipher().name).toBe('TLS_CHACHA20_POLY1305_SHA256');
    expect(b.getEphemeralKeyInfo()).toMatchObject({ name: 'secp384r1' });
    b.destroy();
  });

  it('a bad list in the config file is a usage error naming the key', async () => {
    const dir = tempDir();
    writeFileSync(`${dir}/config.json`, JSON.stringify({ ciphers: 'TLS_AES_128_CCM_8_SHA256:TLS_FAKE' }));
    const r = await run(NODE, [...CLI, 'terminate', '--config', `${dir}/config.json`], undefined, 60_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^puretls: config ciphers: unknown TLS 1\.3 cipher suite "TLS_FAKE"/);
  });
});
