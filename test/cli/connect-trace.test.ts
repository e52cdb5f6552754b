import { createHash, createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CERTS, CLI, cleanup, NODE, run, SEVERAL_PROCESSES, startOpenssl, startServe, tempDir } from './_cli.ts';

// `puretls connect --trace[=secrets]` and `--showcerts` against a real `openssl s_server`. The
// trace is checked against OpenSSL's own key log (-keylogfile): every value it prints is
// recomputed here from the values printed before it, with node:crypto's HMAC, by the formulas of
// RFC 8446 §7.1 and §7.3.

afterEach(cleanup);

type Lines = readonly string[];

async function traced(serverFlags: string[], clientFlags: string[]): Promise<{ code: number | null; lines: Lines; keylog: Map<string, string> }> {
  const dir = tempDir();
  const keylogFile = `${dir}/openssl-keys.log`;
  const { port } = await startOpenssl(['-rev', '-keylogfile', keylogFile, ...serverFlags]);
  const r = await run(NODE, [...CLI, 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`, ...clientFlags], 'hello\n', 60_000);
  const keylog = new Map<string, string>();
  for (const line of readFileSync(keylogFile, 'utf8').split('\n')) {
    const [label, , secret] = line.split(' ');
    if (label && secret && !label.startsWith('#')) keylog.set(label, secret);
  }
  return { code: r.code, lines: r.stderr.split('\n'), keylog };
}

/** The value printed for a key schedule step: the `= hex` line after its heading. */
function secretAfter(lines: Lines, heading: string): string {
  const at = lines.findIndex((l) => l.startsWith(`  key schedule (§7.1): ${heading} = `));
  expect(at, heading).toBeGreaterThanOrEqual(0);
  const value = lines.slice(at + 1, at + 3).find((l) => /^ {6}= [0-9a-f]+$/.test(l));
  expect(value, `value of ${heading}`).toBeDefined();
  return value!.trim().slice(2);
}

/** The Transcript-Hash printed for a range of messages. */
function transcriptHash(lines: Lines, messages: string): string {
  const line = lines.find((l) => l.startsWith(`      Transcript-Hash(${messages}) = `));
  expect(line, messages).toBeDefined();
  return line!.split(' = ')[1]!;
}

/** The `key = ` and `iv  = ` values printed when records start using `secretName`. */
function keysOf(lines: Lines, secretName: string): { key: string; iv: string } {
  const at = lines.findIndex((l) => l.includes(`from now on with ${secretName} (`));
  expect(at, secretName).toBeGreaterThanOrEqual(0);
  return { key: lines[at + 1]!.split(' = ').at(-1)!, iv: lines[at + 2]!.split(' = ').at(-1)! };
}

// RFC 5869 / RFC 8446 §7.1 with SHA-256, written out: the oracle for the printed values.
const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();
const hkdfExtract = (salt: Buffer, ikm: Buffer): Buffer => createHmac('sha256', salt).update(ikm).digest();
function hkdfExpandLabel(secret: Buffer, label: string, context: Buffer, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`);
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([context.length]), context]);
  // One HKDF-Expand block is enough: length <= 32.
  return createHmac('sha256', secret).update(Buffer.concat([info, Buffer.from([1])])).digest().subarray(0, length);
}
const hex = (s: string): Buffer => Buffer.from(s, 'hex');

describe('puretls connect --trace: the handshake as it runs, against openssl s_server', SEVERAL_PROCESSES, () => {
  it('--trace=secrets prints every message both ways with its section, and a key schedule that OpenSSL\'s key log confirms step by step', async () => {
    const { code, lines, keylog } = await traced(['-ciphersuites', 'TLS_AES_128_GCM_SHA256'], ['--trace=secrets']);
    expect(code).toBe(0);
    const text = lines.join('\n');
    for (const heading of [
      '→ ClientHello (RFC 8446 §4.1.2)',
      '← ServerHello (RFC 8446 §4.1.3)',
      '← EncryptedExtensions (RFC 8446 §4.3.1)',
      '← Certificate (RFC 8446 §4.4.2)',
      '← CertificateVerify (RFC 8446 §4.4.3)',
      '← Finished (RFC 8446 §4.4.4)',
      '→ Finished (RFC 8446 §4.4.4)',
      '→ alert (RFC 8446 §6): warning close_notify',
    ]) {
      expect(text).toContain(heading);
    }
    // Fields, by their RFC names and decoded.
    expect(text).toMatch(/ {4}legacy_version: 0x0303 \(TLS 1\.2: frozen/);
    expect(text).toMatch(/ {6}server_name \(0\), RFC 6066 §3: host_name "localhost"/);
    expect(text).toMatch(/ {6}key_share \(51\), §4\.2\.8: x25519\n {10}32 bytes [0-9a-f]{64}/);
    expect(text).toMatch(/ {4}cipher_suite: 0x1301 TLS_AES_128_GCM_SHA256/);
    expect(text).toMatch(/ {10}subject: CN=testserver\.com, O=puretls test/);
    expect(text).toMatch(/ {4}algorithm: 0x0403 ecdsa_secp256r1_sha256/);
    expect(text).toMatch(/← record \(§5\.2\): application_data, \d+ bytes = \d+ bytes of handshake \+ 1 byte content type \+ 16 bytes of AEAD tag/);

    // RFC 8446 §7.1, recomputed from what the trace printed.
    const zeros = Buffer.alloc(32);
    const early = secretAfter(lines, 'Early Secret');
    expect(early).toBe(hkdfExtract(zeros, zeros).toString('hex'));
    const ecdhe = secretAfter(lines, '(EC)DHE shared secret (x25519)');
    const derived1 = hkdfExpandLabel(hex(early), 'derived', sha256(Buffer.alloc(0)), 32);
    const handshakeSecret = secretAfter(lines, 'Handshake Secret');
    expect(handshakeSecret).toBe(hkdfExtract(derived1, hex(ecdhe)).toString('hex'));
    const helloHash = hex(transcriptHash(lines, 'ClientHello...ServerHello'));
    const chts = secretAfter(lines, 'client_handshake_traffic_secret');
    const shts = secretAfter(lines, 'server_handshake_traffic_secret');
    expect(chts).toBe(hkdfExpandLabel(hex(handshakeSecret), 'c hs traffic', helloHash, 32).toString('hex'));
    expect(shts).toBe(hkdfExpandLabel(hex(handshakeSecret), 's hs traffic', helloHash, 32).toString('hex'));
    const derived2 = hkdfExpandLabel(hex(handshakeSecret), 'derived', sha256(Buffer.alloc(0)), 32);
    const master = secretAfter(lines, 'Master Secret');
    expect(master).toBe(hkdfExtract(derived2, zeros).toString('hex'));
    const finishedHash = hex(transcriptHash(lines, 'ClientHello...server Finished'));
    const cats = secretAfter(lines, 'client_application_traffic_secret_0');
    const sats = secretAfter(lines, 'server_application_traffic_secret_0');
    const exporter = secretAfter(lines, 'exporter_master_secret');
    expect(cats).toBe(hkdfExpandLabel(hex(master), 'c ap traffic', finishedHash, 32).toString('hex'));
    expect(sats).toBe(hkdfExpandLabel(hex(master), 's ap traffic', finishedHash, 32).toString('hex'));
    expect(exporter).toBe(hkdfExpandLabel(hex(master), 'exp master', finishedHash, 32).toString('hex'));
    // ... and they are the secrets OpenSSL derived on its side.
    expect(chts).toBe(keylog.get('CLIENT_HANDSHAKE_TRAFFIC_SECRET'));
    expect(shts).toBe(keylog.get('SERVER_HANDSHAKE_TRAFFIC_SECRET'));
    expect(cats).toBe(keylog.get('CLIENT_TRAFFIC_SECRET_0'));
    expect(sats).toBe(keylog.get('SERVER_TRAFFIC_SECRET_0'));
    expect(exporter).toBe(keylog.get('EXPORTER_SECRET'));

    // RFC 8446 §7.3: the record keys.
    for (const [name, secret] of [
      ['server_handshake_traffic_secret', shts],
      ['client_handshake_traffic_secret', chts],
      ['server_application_traffic_secret_0', sats],
      ['client_application_traffic_secret_0', cats],
    ] as const) {
      const { key, iv } = keysOf(lines, name);
      expect(key, name).toBe(hkdfExpandLabel(hex(secret), 'key', Buffer.alloc(0), 16).toString('hex'));
      expect(iv, name).toBe(hkdfExpandLabel(hex(secret), 'iv', Buffer.alloc(0), 12).toString('hex'));
    }
  });

  it('--trace without =secrets prints the formulas and transcript hashes but no secret, key or IV', async () => {
    const { code, lines, keylog } = await traced([], ['--trace']);
    expect(code).toBe(0);
    const text = lines.join('\n');
    expect(text).toContain('key schedule (§7.1): Handshake Secret = HKDF-Extract(salt Derive-Secret(Early Secret, "derived", ""), IKM (EC)DHE shared secret)');
    expect(text).toMatch(/key = HKDF-Expand-Label\(server_handshake_traffic_secret, "key", "", \d+\)\n/);
    expect(keylog.size).toBeGreaterThanOrEqual(5);
    for (const secret of keylog.values()) expect(text).not.toContain(secret);
    expect(lines.some((l) => /^ {6}= [0-9a-f]+$/.test(l))).toBe(false);
  });

  it('shows a HelloRetryRequest (RFC 8446 §4.1.4) when the server wants another group, and both ClientHellos', async () => {
    const { code, lines } = await traced(['-groups', 'secp384r1'], ['--trace']);
    expect(code).toBe(0);
    const text = lines.join('\n');
    expect(text).toContain('← HelloRetryRequest (RFC 8446 §4.1.4)');
    expect(text).toContain('key_share (51), §4.2.8: selected_group secp384r1: send a share for it');
    expect(lines.filter((l) => l.startsWith('→ ClientHello (RFC 8446 §4.1.2)'))).toHaveLength(2);
    expect(text).toMatch(/key schedule \(§7\.1\): \(EC\)DHE shared secret \(secp384r1\)/);
    expect(text).toMatch(/group: +secp384r1 \(after HelloRetryRequest\)/);
  });

  it('a resumed handshake: pre_shared_key both ways, no certificate, and an Early Secret made from the PSK of the saved ticket', async () => {
    const dir = tempDir();
    const { port } = await startOpenssl(['-rev']);
    const args = [...CLI, 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`, '--trace=secrets'];
    const first = await run(NODE, [...args, '--sess-out', `${dir}/session`], 'one\n', 60_000);
    expect(first.code, first.stderr).toBe(0);
    const second = await run(NODE, [...args, '--sess-in', `${dir}/session`], 'two\n', 60_000);
    expect(second.code, second.stderr).toBe(0);
    const lines = second.stderr.split('\n');
    const text = second.stderr;
    expect(text).toMatch(/pre_shared_key \(41\), §4\.2\.11: 1 identity\n {10}identity 0: \d+ bytes [0-9a-f]+…?, obfuscated_ticket_age \d+\n {10}binder 0: [0-9a-f]{64} /);
    expect(text).toContain('pre_shared_key (41), §4.2.11: selected_identity 0 (the session resumes)');
    expect(text).not.toContain('← Certificate (');
    expect(text).toMatch(/resumed: +yes/);
    // RFC 8446 §4.6.1: PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce,
    // Hash.length), from the first connection's trace; --sess-out keeps the last ticket received.
    const firstLines = first.stderr.split('\n');
    const resumptionMaster = secretAfter(firstLines, 'resumption_master_secret');
    const nonces = firstLines.flatMap((l) => /^ {4}ticket_nonce: ([0-9a-f]*) /.exec(l)?.[1] ?? []);
    expect(nonces.length).toBeGreaterThan(0);
    const psk = hkdfExpandLabel(hex(resumptionMaster), 'resumption', hex(nonces.at(-1)!), 32);
    expect(text).toContain('key schedule (§7.1): Early Secret = HKDF-Extract(salt 0, IKM the PSK of the resumed session, §4.6.1)');
    expect(secretAfter(lines, 'Early Secret')).toBe(hkdfExtract(Buffer.alloc(32), psk).toString('hex'));
  });

  it('0-RTT (RFC 8446 §4.2.10): early data under the client early traffic keys, EndOfEarlyData, the Early Secret once', async () => {
    const dir = tempDir();
    const { port } = await startOpenssl(['-early_data']);
    const args = [...CLI, 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`];
    const first = await run(NODE, [...args, '--sess-out', `${dir}/session`], '', 60_000);
    expect(first.code, first.stderr).toBe(0);
    writeFileSync(`${dir}/early.txt`, 'early\n');
    const second = await run(NODE, [...args, '--sess-in', `${dir}/session`, '--early-data', `${dir}/early.txt`, '--trace'], '', 60_000);
    expect(second.code, second.stderr).toBe(0);
    const text = second.stderr;
    expect(text).toMatch(/early data: +accepted/);
    expect(text).toContain('key schedule (§7.1): client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello)');
    expect(text).toContain('→ record (§5.2): application_data, 23 bytes = 6 bytes of application_data + 1 byte content type + 16 bytes of AEAD tag (and padding), encrypted with the client early traffic keys');
    expect(text).toContain('→ EndOfEarlyData (RFC 8446 §4.5), 4 bytes, encrypted with the client early traffic keys');
    // Computed for the first flight and again at the ServerHello: printed once.
    expect(text.match(/key schedule \(§7\.1\): Early Secret = /g)).toHaveLength(1);
  });

  it('shows the fatal alert we send when the certificate does not validate', async () => {
    const dir = tempDir();
    const { port } = await startOpenssl(['-rev', '-keylogfile', `${dir}/k`]);
    const r = await run(NODE, [...CLI, 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--trace'], '');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('→ alert (RFC 8446 §6): fatal unknown_ca (§6.2: the connection ends)');
  });
});

describe('puretls connect --trace against puretls serve', SEVERAL_PROCESSES, () => {
  it('shows compress_certificate in the ClientHello and the CompressedCertificate (RFC 8879 §4) with the Certificate inside', async () => {
    const { port, child } = await startServe(['--cert', `${CERTS}end.chain.pem`, '--key', `${CERTS}end.key`]);
    try {
      const r = await run(NODE, [...CLI, 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`, '--trace'], 'GET / HTTP/1.0\r\n\r\n', 60_000);
      expect(r.code).toBe(0);
      const lines = r.stderr.split('\n');
      expect(lines).toContain('      compress_certificate (27), RFC 8879 §3: brotli, zlib');
      const at = lines.findIndex((l) => l.startsWith('← CompressedCertificate (RFC 8879 §4), '));
      expect(at).toBeGreaterThan(0);
      expect(lines[at + 2]).toBe('    algorithm: 2 brotli');
      expect(lines.slice(at, at + 12).join('\n')).toMatch(/decompressed, the Certificate \(§4\.4\.2\):\n.*certificate_request_context: empty\n.*certificate_list: 2 entries/);
      expect(lines.some((l) => l.startsWith('← Certificate (RFC 8446 §4.4.2)'))).toBe(false);
    } finally {
      child.kill();
    }
  });
});

describe('puretls connect --showcerts', () => {
  it('prints each certificate of the chain with validity, names and its PEM, as the server sent it', async () => {
    const { port } = await startOpenssl(['-rev']);
    const r = await run(NODE, [...CLI, 'connect', `127.0.0.1:${port}`, '--servername', 'localhost', '--ca', `${CERTS}ca.pem`, '--showcerts'], '');
    expect(r.code).toBe(0);
    const pems = r.stderr.match(/-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+?-----END CERTIFICATE-----/g) ?? [];
    const norm = (s: string): string => s.replace(/\s+/g, '');
    expect(pems.map(norm)).toEqual([norm(readFileSync(`${CERTS}end.pem`, 'utf8')), norm(readFileSync(`${CERTS}inter.pem`, 'utf8'))]);
    expect(r.stderr).toMatch(/0 s:CN=testserver\.com, O=puretls test\n +i:CN=puretls ecdsa-p256 intermediate CA, O=puretls test\n +valid: +2024-01-01T00:00:00Z to 2124-01-01T00:00:00Z\n +names: +DNS:localhost, DNS:testserver\.com, IP:127\.0\.0\.1/);
  });
});
