import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy, stopAll, tlsClient } from '../proxy/_proxy.ts';
import { CERTS, CLI, cleanup, connectCli, NODE, page, REQUEST, run, SEVERAL_PROCESSES, startServe, tempDir } from './_cli.ts';

// `puretls serve --echo`, `--dangerously-accept-any-client-certificate`, `--dangerously-allow-psk-ke`
// and the passphrase flags of serve,
// connect and terminate, as a user runs them: real processes, openssl s_client, node:tls.

afterEach(() => {
  cleanup();
  stopAll();
});

const SERVE_CERT = ['--cert', `${CERTS}end.chain.pem`, '--key', `${CERTS}end.key`];

/** The test PKI's client certificate chain (leaf + intermediate) in `dir`. */
function clientChain(dir: string): string {
  writeFileSync(`${dir}/client.chain.pem`, readFileSync(`${CERTS}client.pem`, 'utf8') + readFileSync(`${CERTS}inter.pem`, 'utf8'));
  return `${dir}/client.chain.pem`;
}

/** `key` encrypted as PKCS#8 (PBKDF2 + AES-256-CBC) with `passphrase`, written to `dir`. */
function encryptedKey(dir: string, key: string, passphrase: string): string {
  const out = `${dir}/${key.split('/').at(-1)}.enc`;
  execFileSync('openssl', ['pkcs8', '-topk8', '-in', key, '-v2', 'aes-256-cbc', '-passout', `pass:${passphrase}`, '-out', out]);
  return out;
}

/** Waits until `serve` has written `n` lines matching `re` to stderr. */
async function serveLines(serve: { stderr: () => string }, re: RegExp, n: number): Promise<string[]> {
  for (let i = 0; i < 400; i++) {
    const lines = serve.stderr().split('\n').filter((l) => re.test(l));
    if (lines.length >= n) return lines;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`serve wrote no ${n} lines matching ${re}: ${serve.stderr()}`);
}

describe('puretls serve --echo', SEVERAL_PROCESSES, () => {
  it('sends the application data back and reports the connection on stderr', async () => {
    const serve = await startServe([...SERVE_CERT, '--echo']);
    const r = await connectCli(serve.port, [], 'echo me\nand me\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('echo me\nand me\n');
    expect(r.stderr).toMatch(/ALPN: +\(none\)/); // --echo offers no ALPN by default
    const [line] = await serveLines(serve, /full handshake/, 1);
    expect(line).toMatch(/^puretls serve: 127\.0\.0\.1:\d+: TLS_AES_\w+, X25519MLKEM768, ALPN \(none\), SNI localhost, full handshake$/); // the default group
  });
});

describe('puretls serve --dangerously-accept-any-client-certificate (testing only)', SEVERAL_PROCESSES, () => {
  it('asks for a certificate and accepts any, unverified, reporting the verdict; a client without one gets in too', async () => {
    const dir = tempDir();
    const chain = clientChain(dir);
    // No --client-ca: the verdict is node's bundled roots', which do not know the test CA.
    const serve = await startServe([...SERVE_CERT, '--dangerously-accept-any-client-certificate']);
    expect(serve.stderr()).toContain(
      'WARNING --dangerously-accept-any-client-certificate: client certificates are accepted unverified (testing only)',
    );
    const withCert = await connectCli(serve.port, ['--cert', chain, '--key', `${CERTS}client.key`], REQUEST);
    expect(withCert.code, withCert.stderr).toBe(0);
    expect(page(withCert.stdout)).toMatchObject({ clientCertificateVerified: false });
    expect(String(page(withCert.stdout)['clientCertificate'])).toContain('CN=puretls test client');
    const [line] = await serveLines(serve, /client certificate CN/, 1);
    expect(line).toMatch(/client certificate CN=puretls test client, O=puretls test \(NOT verified: unknown_issuer\)$/);
    const without = await connectCli(serve.port, [], REQUEST);
    expect(without.code, without.stderr).toBe(0);
    expect(page(without.stdout)).toMatchObject({ clientCertificate: null, clientCertificateVerified: null });
    // With --client-ca the same certificate is reported verified.
    const verifying = await startServe([...SERVE_CERT, '--dangerously-accept-any-client-certificate', '--client-ca', `${CERTS}ca.pem`]);
    const ok = await connectCli(verifying.port, ['--cert', chain, '--key', `${CERTS}client.key`], REQUEST);
    expect(page(ok.stdout)).toMatchObject({ clientCertificateVerified: true });
    expect((await serveLines(verifying, /client certificate CN/, 1))[0]).toMatch(/\(verified\)$/);
  });
});

describe('puretls serve: the former names of the flags that weaken security', () => {
  it('--client-auth any and --psk-ke are usage errors (exit 2) naming the new flags', async () => {
    for (const [old, now] of [
      [['--client-auth', 'any'], '--dangerously-accept-any-client-certificate'],
      [['--psk-ke'], '--dangerously-allow-psk-ke'],
    ] as const) {
      const r = await run(NODE, [...CLI, 'serve', '--port', '0', ...old], undefined);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${old.join(' ')} is now ${now}`);
    }
  });
});

describe('puretls serve --dangerously-allow-psk-ke (testing only, RFC 8446 §4.2.9)', SEVERAL_PROCESSES, () => {
  /** Two openssl s_client connections: a full one, then one resuming with psk_ke allowed and no usable key share. */
  async function resumeWithoutKeyShare(port: number, dir: string): Promise<void> {
    // -ign_eof: wait for the page (and the tickets before it), until the server closes.
    const first = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-ign_eof', '-sess_out', `${dir}/s.pem`], REQUEST);
    expect(first.stdout).toMatch(/^New, TLSv1\.3/m);
    // Key share for ffdhe2048 only (off by default): psk_ke, or else a HelloRetryRequest for x25519.
    const second = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-ign_eof', '-sess_in', `${dir}/s.pem`, '-allow_no_dhe_kex', '-groups', 'ffdhe2048:X25519'], REQUEST);
    expect(second.stdout, second.stderr).toMatch(/^Reused, TLSv1\.3/m);
  }

  it('resumes without (EC)DHE when the client offers psk_ke and no usable key share; without the flag it never does', async () => {
    const dir = tempDir();
    const dangerous = await startServe([...SERVE_CERT, '--dangerously-allow-psk-ke']);
    expect(dangerous.stderr()).toContain('WARNING --dangerously-allow-psk-ke: resumed connections may have no forward secrecy');
    await resumeWithoutKeyShare(dangerous.port, dir);
    expect((await serveLines(dangerous, /resumed$/, 1))[0]).toContain(', no (EC)DHE (psk_ke), ');
    const safe = await startServe(SERVE_CERT);
    await resumeWithoutKeyShare(safe.port, dir);
    expect((await serveLines(safe, /resumed$/, 1))[0]).toContain(', x25519, ');
  });
});

describe('--passphrase-file / --passphrase-env: encrypted PKCS#8 keys on serve, connect and terminate', SEVERAL_PROCESSES, () => {
  /** The test server key encrypted with 's3cret', and serve's --cert/--key flags for it. */
  function encryptedServeKey(): { dir: string; cert: string[] } {
    const dir = tempDir();
    const key = encryptedKey(dir, `${CERTS}end.key`, 's3cret');
    return { dir, cert: ['--cert', `${CERTS}end.chain.pem`, '--key', key] };
  }

  it('serve starts with the passphrase from a 0600 file or from a variable', async () => {
    const { dir, cert } = encryptedServeKey();
    writeFileSync(`${dir}/pass`, 's3cret\n', { mode: 0o600 });
    const fromFile = await startServe([...cert, '--passphrase-file', `${dir}/pass`]);
    expect((await connectCli(fromFile.port, [], REQUEST)).code).toBe(0);
    const viaEnv = await startServe([...cert, '--passphrase-env', 'SERVE_PASS'], { ...process.env, SERVE_PASS: 's3cret' });
    expect((await connectCli(viaEnv.port, [], REQUEST)).code).toBe(0);
  });

  it('serve without the passphrase, with a wrong one, or with one in a file others can read: exit status 2', async () => {
    const { dir, cert } = encryptedServeKey();
    const missing = await run(NODE, [...CLI, 'serve', '--port', '0', ...cert], undefined, 60_000);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^puretls: --key \S+\.enc: the key is encrypted: give its passphrase with --passphrase-file FILE or --passphrase-env NAME\n$/);
    writeFileSync(`${dir}/wrong`, 'nope\n', { mode: 0o600 });
    const wrong = await run(NODE, [...CLI, 'serve', '--port', '0', ...cert, '--passphrase-file', `${dir}/wrong`], undefined, 60_000);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/wrong passphrase/);
    writeFileSync(`${dir}/open`, 's3cret\n', { mode: 0o644 });
    const open = await run(NODE, [...CLI, 'serve', '--port', '0', ...cert, '--passphrase-file', `${dir}/open`], undefined, 60_000);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain(`--passphrase-file ${dir}/open: permissions 0644 are too open`);
  });

  it('connect sends a client certificate whose key is encrypted (--passphrase-env); without a passphrase: exit status 2 naming the flags', async () => {
    const dir = tempDir();
    const key = encryptedKey(dir, `${CERTS}client.key`, 'cl13nt');
    const serve = await startServe([...SERVE_CERT, '--client-ca', `${CERTS}ca.pem`]);
    const r = await run(
      NODE,
      [...CLI, 'connect', `127.0.0.1:${serve.port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`, '--cert', clientChain(dir), '--key', key, '--passphrase-env', 'CLIENT_PASS'],
      REQUEST,
      60_000,
      { ...process.env, CLIENT_PASS: 'cl13nt' },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(String(page(r.stdout)['clientCertificate'])).toContain('CN=puretls test client');
    const withoutPassphrase = await run(
      NODE,
      [...CLI, 'connect', `127.0.0.1:${serve.port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`, '--cert', clientChain(dir), '--key', key],
      REQUEST,
    );
    expect(withoutPassphrase.code).toBe(2);
    expect(withoutPassphrase.stderr).toBe(`puretls connect: --key ${key}: the key is encrypted: give its passphrase with --passphrase-file FILE or --passphrase-env NAME\n`);
  });

  it('terminate loads an encrypted key with --passphrase-file; without a passphrase it stops with exit status 2', async () => {
    const dir = tempDir();
    const key = encryptedKey(dir, `${CERTS}end.key`, 'pr0xy');
    const refused = await run(NODE, [...CLI, 'terminate', '--listen', '127.0.0.1:0', '--cert', `${CERTS}end.chain.pem`, '--key', key], undefined);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^puretls: certificate or key files: --key \S+\.enc: the key is encrypted: give its passphrase with --passphrase-file FILE or --passphrase-env NAME\n$/);
    writeFileSync(`${dir}/pass`, 'pr0xy', { mode: 0o600 });
    const proxy = await startProxy(['--cert', `${CERTS}end.chain.pem`, '--key', key, '--passphrase-file', `${dir}/pass`]);
    const s = await tlsClient(proxy.port, { servername: 'localhost' });
    expect(s.getPeerCertificate().subject?.CN).toBe('testserver.com');
    s.destroy();
  });
});
