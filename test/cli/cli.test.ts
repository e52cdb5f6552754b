import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import type { TLSSocket as NodeTLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { CERTS, CLI, cleanup, connectCli, NODE, page, REQUEST, ROOT, run, startOpenssl, startOpensslServer, startServe, tempDir, waitFor } from './_cli.ts';

// The `puretls` CLI as a user runs it: spawned through tsx, fetched with curl and node https,
// and `connect` against a real `openssl s_server`.

afterEach(cleanup);

describe('puretls CLI', () => {
  it('prints help for each command', async () => {
    const top = await run(NODE, ['--import', 'tsx', 'src/tools/cli.ts', '--help'], undefined);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('serve');
    const s = await run(NODE, ['--import', 'tsx', 'src/tools/cli.ts', 'serve', '--help'], undefined);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('--port');
    const c = await run(NODE, ['--import', 'tsx', 'src/tools/cli.ts', 'connect', '--help'], undefined);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('--dangerously-accept-any-certificate');
    expect(c.stdout).not.toContain('--insecure');
    for (const flag of ['--sess-out', '--sess-in', '--early-data', '--cert', '--key']) expect(c.stdout).toContain(flag);
    for (const flag of ['--tickets', '--ticket-secret', '--session-store', '--early-data', '--client-ca', '--echo', '--dangerously-allow-psk-ke', '--dangerously-accept-any-client-certificate', '--passphrase-file']) {
      expect(s.stdout).toContain(flag);
    }
    expect(s.stdout).not.toMatch(/--psk-ke|any: TESTING/);
    for (const flag of ['--trace', '--trace=secrets', '--showcerts', '--timeout', '--passphrase-env']) expect(c.stdout).toContain(flag);
    const t = await run(NODE, [...CLI, 'terminate', '--help'], undefined);
    expect(t.code).toBe(0);
    for (const flag of ['--passphrase-file', 'alpn=PROTO:PROTO', 'passes bytes through']) expect(t.stdout).toContain(flag);
  });

  it('serve --port 0 answers curl -k and 20 concurrent node https requests with a page of the negotiated parameters', async () => {
    const { url, fingerprint } = await startServe();
    const curl = await run('curl', ['-sk', '--max-time', '10', url], undefined);
    expect(curl.code).toBe(0);
    expect(curl.stdout).toContain('TLSv1.3');
    expect(curl.stdout).toContain('http/1.1');
    const json = await run('curl', ['-sk', '--max-time', '10', `${url}json`], undefined);
    const info = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(info['version']).toBe('TLSv1.3');
    expect(String(info['cipherSuite'])).toMatch(/^TLS_/);
    // node https sees the self-signed certificate whose fingerprint serve printed.
    const seen = await new Promise<string>((resolve, reject) => {
      const req = httpsGet(`${url}json`, { rejectUnauthorized: false, agent: false }, (res) => {
        const fp = (res.socket as NodeTLSSocket).getPeerCertificate().fingerprint256;
        res.resume();
        res.on('end', () => resolve(fp));
      });
      req.on('error', reject);
    });
    expect(seen).toBe(fingerprint);
    // Many connections at once.
    const versions = await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<string>((resolve, reject) => {
            httpsGet(`${url}json`, { rejectUnauthorized: false, agent: false }, (res) => {
              let body = '';
              res.on('data', (d: Buffer) => (body += d.toString()));
              res.on('end', () => resolve(String((JSON.parse(body) as { version: unknown }).version)));
            }).on('error', reject);
          }),
      ),
    );
    expect(versions).toEqual(Array(20).fill('TLSv1.3'));
  });

  it('serve --cert/--key serves a chain that curl verifies with --cacert', async () => {
    const { url } = await startServe(['--cert', `${CERTS}end.chain.pem`, '--key', `${CERTS}end.key`, '--provider', 'pure']);
    const curl = await run('curl', ['-s', '--max-time', '10', '--cacert', `${CERTS}ca.pem`, `${url}json`], undefined);
    expect(curl.code).toBe(0);
    expect(JSON.parse(curl.stdout)).toMatchObject({ version: 'TLSv1.3' });
  });

  it('connect against openssl s_server prints the parameters and the chain, relays data, exits 0', async () => {
    const port = await startOpensslServer();
    const r = await run(
      NODE,
      ['--import', 'tsx', 'src/tools/cli.ts', 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`, '--alpn', 'echo'],
      'hello\n',
    );
    expect(r.stderr).toContain('TLSv1.3');
    expect(r.stderr).toMatch(/cipher suite: +TLS_/);
    expect(r.stderr).toMatch(/ALPN: +echo/);
    expect(r.stderr).toMatch(/0 s:CN=testserver\.com/);
    expect(r.stderr).toMatch(/1 s:CN=puretls ecdsa-p256 intermediate CA/);
    expect(r.stdout).toContain('olleh');
    expect(r.code).toBe(0);
  });

  it('connect exits non-zero with one line naming the validation reason and alert when the chain is not trusted (RFC 5280 §6.1)', async () => {
    const port = await startOpensslServer();
    const r = await run(
      NODE,
      ['--import', 'tsx', 'src/tools/cli.ts', 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${ROOT}vectors/certs/rsa-2048/ca.pem`],
      '',
    );
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^puretls connect: certificate verification failed: unknown_issuer: unknown_ca: /);
  });

  it("connect without --ca trusts the system (node's bundled) roots only: a private CA fails with unknown_issuer", async () => {
    const port = await startOpensslServer();
    const r = await run(NODE, [...CLI, 'connect', `127.0.0.1:${port}`, '--servername', 'localhost'], '');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^puretls connect: certificate verification failed: unknown_issuer: unknown_ca: [^\n]*$/);
  });

  it('connect --dangerously-accept-any-certificate connects and reports the validation failure reason (name_mismatch)', async () => {
    const port = await startOpensslServer();
    const r = await run(
      NODE,
      [...CLI, 'connect', `127.0.0.1:${port}`, '--servername', 'wrong.example', '--ca', `${CERTS}ca.pem`, '--dangerously-accept-any-certificate', '--alpn', 'echo'],
      'abc\n',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/verified: +no \(name_mismatch: /);
    expect(r.stdout).toContain('cba');
  });

  it('connect --sess-out / --sess-in resumes against openssl s_server (RFC 8446 §4.6.1)', async () => {
    const port = await startOpensslServer();
    const sess = `${tempDir()}/sess.bin`;
    const first = await run(NODE, [...CLI, 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`, '--sess-out', sess], 'one\n');
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/resumed: +no/);
    expect(existsSync(sess)).toBe(true);
    const second = await run(NODE, [...CLI, 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`, '--sess-in', sess], 'two\n');
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/resumed: +yes/);
    expect(second.stdout).toContain('owt');
  });

  it('connect --early-data sends 0-RTT that openssl s_server -early_data receives as early data (RFC 8446 §4.2.10)', async () => {
    const { port, child } = await startOpenssl(['-early_data']);
    const dir = tempDir();
    writeFileSync(`${dir}/early.txt`, 'zero-rtt-payload\n');
    const first = await run(NODE, [...CLI, 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`, '--sess-out', `${dir}/s`], '');
    expect(first.code).toBe(0);
    // openssl prints the early data and its 'Early data received:' header through different buffers.
    const received = waitFor(child, 'stdout', /Early data received:[\s\S]*zero-rtt-payload|zero-rtt-payload[\s\S]*Early data received:/);
    const second = await run(
      NODE,
      [...CLI, 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`, '--sess-in', `${dir}/s`, '--early-data', `${dir}/early.txt`],
      '',
    );
    expect(second.stderr).toMatch(/resumed: +yes/);
    expect(second.stderr).toMatch(/early data: +accepted/);
    await received;
  });

  it('serve --session-store memory --early-data: connect resumes with --sess-in and the page reports resumed and 0-RTT', async () => {
    const { port } = await startServe(['--cert', `${CERTS}end.chain.pem`, '--key', `${CERTS}end.key`, '--session-store', 'memory', '--early-data', '4096', '--tickets', '1']);
    const dir = tempDir();
    writeFileSync(`${dir}/req.txt`, REQUEST);
    const first = await connectCli(port, ['--sess-out', `${dir}/s`], REQUEST);
    expect(first.code, first.stderr).toBe(0);
    expect(page(first.stdout)).toMatchObject({ resumed: false, earlyData: null });
    const second = await connectCli(port, ['--sess-in', `${dir}/s`, '--early-data', `${dir}/req.txt`], '');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/resumed: +yes/);
    expect(second.stderr).toMatch(/early data: +accepted/);
    expect(page(second.stdout)).toMatchObject({ resumed: true, earlyData: true });
    // Single-use tickets (RFC 8446 §8.1): the same session again gives a full handshake.
    const third = await connectCli(port, ['--sess-in', `${dir}/s`], REQUEST);
    expect(page(third.stdout)).toMatchObject({ resumed: false });
  });

  it('serve --ticket-secret FILE: two servers sharing it resume each other\'s tickets; --tickets 0 sends none', async () => {
    const dir = tempDir();
    writeFileSync(`${dir}/secret`, randomBytes(48), { mode: 0o600 });
    const certArgs = ['--cert', `${CERTS}end.chain.pem`, '--key', `${CERTS}end.key`];
    const a = await startServe([...certArgs, '--ticket-secret', `${dir}/secret`]);
    const b = await startServe([...certArgs, '--ticket-secret', `${dir}/secret`]);
    const first = await connectCli(a.port, ['--sess-out', `${dir}/s`], REQUEST);
    expect(first.code).toBe(0);
    const second = await connectCli(b.port, ['--sess-in', `${dir}/s`], REQUEST);
    expect(second.stderr).toMatch(/resumed: +yes/);
    expect(page(second.stdout)).toMatchObject({ resumed: true });
    const none = await startServe([...certArgs, '--tickets', '0']);
    const r = await connectCli(none.port, ['--sess-out', `${dir}/none`], REQUEST);
    expect(r.code).toBe(0);
    expect(existsSync(`${dir}/none`)).toBe(false);
  });

  it('serve --client-ca requires a client certificate: connect --cert/--key is let in and shown; without, certificate_required (RFC 8446 §4.4.2.4)', async () => {
    const dir = tempDir();
    writeFileSync(`${dir}/client.chain.pem`, readFileSync(`${CERTS}client.pem`, 'utf8') + readFileSync(`${CERTS}inter.pem`, 'utf8'));
    const { port } = await startServe(['--cert', `${CERTS}end.chain.pem`, '--key', `${CERTS}end.key`, '--client-ca', `${CERTS}ca.pem`]);
    const ok = await connectCli(port, ['--cert', `${dir}/client.chain.pem`, '--key', `${CERTS}client.key`], REQUEST);
    expect(ok.code, ok.stderr).toBe(0);
    expect(String(page(ok.stdout)['clientCertificate'])).toContain('CN=puretls test client');
    const refused = await connectCli(port, [], REQUEST);
    expect(refused.code).toBe(1);
    // TLS 1.3: our side finished before the server refused the empty Certificate, so the alert
    // arrives after the connection report.
    expect(refused.stderr.trim().split('\n').at(-1)).toMatch(/^puretls connect: (handshake|connection) failed: the peer sent the alert certificate_required: /);
  });

  it('serve --client-auth optional lets a client without a certificate in, and still shows one that is sent', async () => {
    const dir = tempDir();
    writeFileSync(`${dir}/client.chain.pem`, readFileSync(`${CERTS}client.pem`, 'utf8') + readFileSync(`${CERTS}inter.pem`, 'utf8'));
    const args = ['--cert', `${CERTS}end.chain.pem`, '--key', `${CERTS}end.key`, '--client-ca', `${CERTS}ca.pem`, '--client-auth', 'optional'];
    const { port } = await startServe(args);
    const anonymous = await connectCli(port, [], REQUEST);
    expect(anonymous.code, anonymous.stderr).toBe(0);
    expect(page(anonymous.stdout)['clientCertificate'] ?? null).toBeNull();
    const authenticated = await connectCli(port, ['--cert', `${dir}/client.chain.pem`, '--key', `${CERTS}client.key`], REQUEST);
    expect(authenticated.code, authenticated.stderr).toBe(0);
    expect(String(page(authenticated.stdout)['clientCertificate'])).toContain('CN=puretls test client');
  });

  it('connect --insecure (the former name) is a usage error naming the new flag', async () => {
    const r = await run(NODE, [...CLI, 'connect', '127.0.0.1:1', '--insecure'], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--insecure is now --dangerously-accept-any-certificate');
  });

  it('serve refuses --client-auth without --client-ca, or with a bad mode, with a usage error', async () => {
    for (const extra of [['--client-auth', 'optional'], ['--client-ca', `${CERTS}ca.pem`, '--client-auth', 'sometimes']]) {
      const r = await run(NODE, [...CLI, 'serve', '--port', '0', ...extra], undefined);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--client-auth/);
    }
  });

  it('serve and connect: a failing --keylog (/dev/full) warns once on stderr and the connection works', async () => {
    const serve = await startServe(['--cert', `${CERTS}end.chain.pem`, '--key', `${CERTS}end.key`, '--keylog', '/dev/full']);
    const port = serve.port;
    for (let i = 0; i < 2; i++) {
      const r = await connectCli(port, ['--keylog', '/dev/full'], REQUEST);
      expect(r.code, r.stderr).toBe(0);
      expect(page(r.stdout)).toMatchObject({ version: 'TLSv1.3' });
      expect(r.stderr.split('\n').filter((l) => l.includes('key log'))).toEqual([
        'puretls connect: key log write failed, key logging stopped: ENOSPC: no space left on device, write',
      ]);
    }
    expect(serve.stderr().split('\n').filter((l) => l.includes('key log'))).toEqual([
      'puretls serve: key log write failed, key logging stopped: ENOSPC: no space left on device, write',
    ]);
  });

  it('serve --ticket-secret and connect --keylog refuse files others can read (exit status 2)', async () => {
    const dir = tempDir();
    writeFileSync(`${dir}/secret`, randomBytes(48), { mode: 0o644 });
    const s = await run(NODE, [...CLI, 'serve', '--port', '0', '--ticket-secret', `${dir}/secret`], undefined);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain(`--ticket-secret ${dir}/secret: permissions 0644 are too open`);
    writeFileSync(`${dir}/keys.log`, '', { mode: 0o644 });
    const c = await run(NODE, [...CLI, 'connect', '127.0.0.1:1', '--keylog', `${dir}/keys.log`], '');
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(`--keylog ${dir}/keys.log: permissions 0644 are too open`);
  });

  it('serve refuses --early-data without --session-store memory (RFC 8446 §8.1) with a usage error', async () => {
    const r = await run(NODE, [...CLI, 'serve', '--port', '0', '--early-data', '1024'], undefined);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--session-store memory/);
  });
});
