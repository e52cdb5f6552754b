/**
 * @module test/interop/openssl-breadth
 * The less common TLS 1.3 parameters against real `openssl s_server` / `s_client` (OpenSSL 3.0)
 * on loopback, both providers, both directions: the x448 and secp521r1 groups (RFC 8446 §4.2.7),
 * each as the only group the peer offers; the RFC 7919 FFDHE groups and the CCM suites
 * (RFC 8446 §B.4), off by default and on through `groups` / `cipherSuites`; certificates with
 * RSASSA-PSS (id-RSASSA-PSS, `openssl genpkey -algorithm RSA-PSS`), ECDSA P-521 and Ed448 keys
 * as server and client certificates, in whole chains of that key type (RFC 8446 §4.2.3).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { clientConfig, serverConfig } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { certifiedKey } from '../../src/x509/certified-key.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { AlertDescription, CipherSuite, NamedGroup, SignatureScheme } from '../../src/protocol/registry.ts';
import { certPaths, firstCertDer, type KeyType } from '../helpers/pki.ts';
import { Peers, startOpensslClient, startOpensslServer } from '../helpers/peers.ts';
import { connectPump, listenPumps } from '../helpers/socket-pump.ts';
import { caDer, NOBLE, NODE, newClient, newServer, ourCertificate, ourClientConfig, ourServerConfig, type ProviderCase } from './_fixtures.ts';
import { fetchStatusPage, pingPongClose } from './_exchanges.ts';

const peers = new Peers();
afterEach(() => peers.stopAll());

interface BreadthGroup {
  readonly name: string;
  readonly id: number;
  readonly openssl: string;
  /** What `s_client` prints after "Server Temp Key: ". */
  readonly tempKey: string;
}

const GROUPS: readonly BreadthGroup[] = [
  { name: 'x448', id: NamedGroup.x448, openssl: 'X448', tempKey: 'X448, 448 bits' },
  { name: 'secp521r1', id: NamedGroup.secp521r1, openssl: 'P-521', tempKey: 'ECDH, secp521r1, 521 bits' },
];

/** Our server with `certificate`; s_client connects with `args` and verifies the chain. */
async function serveOpensslClient(pc: ProviderCase, type: KeyType, args: readonly string[], options: { groups?: readonly number[]; cipherSuites?: readonly number[] } = {}) {
  const config = ourServerConfig({ provider: pc.provider, certificates: [ourCertificate(pc.provider, type)], ...options });
  const listener = await listenPumps(() => newServer(config));
  peers.onStop(() => listener.close());
  const cli = peers.track(
    startOpensslClient(listener.port, ['-CAfile', certPaths(type).ca, '-verify_return_error', '-servername', 'localhost', ...args]),
  );
  const pump = await listener.accepted(0);
  return { cli, pump, n: await pump.handshake() };
}

/** Our client against s_server with `args`, trusting `type`'s root. */
async function connectOpensslServer(pc: ProviderCase, type: KeyType, args: readonly string[], options: { groups?: readonly number[]; cipherSuites?: readonly number[] } = {}) {
  const p = certPaths(type);
  const srv = await startOpensslServer({ identity: { cert: p.end, key: p.endKey, chain: p.inter }, args: ['-www', ...args] });
  peers.track(srv.peer);
  const pump = await connectPump(srv.port, newClient(ourClientConfig({ provider: pc.provider, trusted: [caDer(type)], ...options })));
  peers.onStop(() => {
    pump.socket.destroy();
  });
  return { srv, pump, n: await pump.handshake() };
}

describe.each([NOBLE, NODE])('groups x448 and secp521r1 ($name provider) with openssl', (pc: ProviderCase) => {
  it.each(GROUPS)('our server serves s_client offering only $name, with the default groups (RFC 8446 §4.2.7)', async (g) => {
    const { cli, pump, n } = await serveOpensslClient(pc, 'ecdsa-p256', ['-groups', g.openssl]);
    expect(n.groupId).toBe(g.id);
    expect(n.didRetry).toBe(false);
    await cli.waitForOutput(`Server Temp Key: ${g.tempKey}`);
    await pingPongClose(pump, cli);
  });

  it.each(GROUPS)('our client gets $name from s_server that accepts only it (HelloRetryRequest from the default shares)', async (g) => {
    const { pump, n } = await connectOpensslServer(pc, 'ecdsa-p256', ['-groups', g.openssl]);
    expect(n.groupId).toBe(g.id);
    expect(n.didRetry).toBe(true);
    expect(await fetchStatusPage(pump)).toContain('HTTP/1.0 200 ok');
  });

  it.each(GROUPS)('our client sends a $name key share first and s_server takes it without a retry', async (g) => {
    const { pump, n } = await connectOpensslServer(pc, 'ecdsa-p256', ['-groups', g.openssl], { groups: [g.id] });
    expect(n.groupId).toBe(g.id);
    expect(n.didRetry).toBe(false);
    expect(await fetchStatusPage(pump)).toContain('HTTP/1.0 200 ok');
  });
});

describe.each([NOBLE, NODE])('FFDHE groups ($name provider) with openssl (RFC 7919, RFC 8446 §4.2.7)', (pc: ProviderCase) => {
  const FFDHE = [NamedGroup.ffdhe2048, NamedGroup.ffdhe3072, NamedGroup.ffdhe4096, NamedGroup.ffdhe6144, NamedGroup.ffdhe8192];

  it('are off by default on both sides', () => {
    const server = ourServerConfig({ provider: pc.provider, certificates: [ourCertificate(pc.provider, 'ecdsa-p256')] });
    const client = ourClientConfig({ provider: pc.provider });
    for (const g of FFDHE) {
      expect(server.groups).not.toContain(g);
      expect(client.groups).not.toContain(g);
    }
  });

  it('our default server refuses s_client offering only ffdhe2048 (handshake_failure)', async () => {
    const config = ourServerConfig({ provider: pc.provider, certificates: [ourCertificate(pc.provider, 'ecdsa-p256')] });
    const listener = await listenPumps(() => newServer(config));
    peers.onStop(() => listener.close());
    const cli = peers.track(startOpensslClient(listener.port, ['-groups', 'ffdhe2048']));
    const pump = await listener.accepted(0);
    const err = await pump.waitForFailure();
    expect(err.alert).toBe(AlertDescription.handshake_failure);
    expect((await cli.waitForExit()).code).not.toBe(0);
  });

  it.each([
    { name: 'ffdhe2048', id: NamedGroup.ffdhe2048 },
    { name: 'ffdhe4096', id: NamedGroup.ffdhe4096 },
  ])('our server with $name in groups serves s_client offering only it', async ({ name, id }) => {
    const { cli, pump, n } = await serveOpensslClient(pc, 'ecdsa-p256', ['-groups', name], { groups: [NamedGroup.x25519, ...FFDHE] });
    expect(n.groupId).toBe(id);
    expect(n.didRetry).toBe(false);
    await cli.waitForOutput(`Server Temp Key: DH, ${name.slice(5)} bits`);
    await pingPongClose(pump, cli);
  });

  it.each([
    { name: 'ffdhe3072', id: NamedGroup.ffdhe3072 },
    { name: 'ffdhe8192', id: NamedGroup.ffdhe8192 },
  ])('our client with groups [$name] gets it from s_server', async ({ name, id }) => {
    const { pump, n } = await connectOpensslServer(pc, 'ecdsa-p256', ['-groups', name], { groups: [id] });
    expect(n.groupId).toBe(id);
    expect(await fetchStatusPage(pump)).toContain('HTTP/1.0 200 ok');
  });
});

describe.each([NOBLE, NODE])('CCM suites ($name provider) with openssl (RFC 8446 §B.4)', (pc: ProviderCase) => {
  const CCM = [
    { name: 'TLS_AES_128_CCM_SHA256', id: CipherSuite.TLS_AES_128_CCM_SHA256 },
    { name: 'TLS_AES_128_CCM_8_SHA256', id: CipherSuite.TLS_AES_128_CCM_8_SHA256 },
  ];

  it('are off by default on both sides; our default server refuses s_client offering only CCM (handshake_failure)', async () => {
    const server = ourServerConfig({ provider: pc.provider, certificates: [ourCertificate(pc.provider, 'ecdsa-p256')] });
    const client = ourClientConfig({ provider: pc.provider });
    for (const { id } of CCM) {
      expect(server.cipherSuites.map((s) => s.id)).not.toContain(id);
      expect(client.cipherSuites.map((s) => s.id)).not.toContain(id);
    }
    const listener = await listenPumps(() => newServer(server));
    peers.onStop(() => listener.close());
    const cli = peers.track(startOpensslClient(listener.port, ['-ciphersuites', 'TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256']));
    const pump = await listener.accepted(0);
    expect((await pump.waitForFailure()).alert).toBe(AlertDescription.handshake_failure);
    expect((await cli.waitForExit()).code).not.toBe(0);
  });

  it.each(CCM)('our server with $name in cipherSuites serves s_client offering only it, data both ways', async ({ name, id }) => {
    const { cli, pump, n } = await serveOpensslClient(pc, 'ecdsa-p256', ['-ciphersuites', name], { cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256, id] });
    expect(n.cipherSuiteId).toBe(id);
    await cli.waitForOutput('Verify return code: 0 (ok)');
    expect(cli.stdout()).toContain(`New, TLSv1.3, Cipher is ${name}`);
    await pingPongClose(pump, cli);
  });

  it.each(CCM)('our client with cipherSuites [$name] gets it from s_server and reads its page', async ({ name, id }) => {
    const { pump, n } = await connectOpensslServer(pc, 'ecdsa-p256', ['-ciphersuites', name], { cipherSuites: [id] });
    expect(n.cipherSuiteId).toBe(id);
    const page = await fetchStatusPage(pump);
    expect(page).toContain('HTTP/1.0 200 ok');
    expect(page).toContain(`New, TLSv1.3, Cipher is ${name}`);
  });
});

/** The certificate types of issue 12 and the CertificateVerify scheme each makes with our defaults. */
const CERT_TYPES: readonly { readonly type: KeyType; readonly scheme: number; readonly opensslSigType: string }[] = [
  { type: 'rsa-pss', scheme: SignatureScheme.rsa_pss_pss_sha256, opensslSigType: 'RSA-PSS' },
  { type: 'ecdsa-p521', scheme: SignatureScheme.ecdsa_secp521r1_sha512, opensslSigType: 'ECDSA' },
  { type: 'ed448', scheme: SignatureScheme.ed448, opensslSigType: 'ed448' },
];

describe.each([NOBLE, NODE])('RSASSA-PSS, P-521 and Ed448 certificates ($name provider) with openssl (RFC 8446 §4.2.3)', (pc: ProviderCase) => {
  it.each(CERT_TYPES)('our server with a $type chain: s_client verifies chain and CertificateVerify', async ({ type, scheme, opensslSigType }) => {
    const { cli, pump, n } = await serveOpensslClient(pc, type, []);
    expect(n.signatureSchemeId).toBe(scheme);
    await cli.waitForOutput('Verify return code: 0 (ok)');
    expect(cli.stdout()).toContain(`Peer signature type: ${opensslSigType}`);
    await pingPongClose(pump, cli);
  });

  it.each(CERT_TYPES)('our client verifies the $type chain and CertificateVerify of s_server', async ({ type, scheme }) => {
    const { pump, n } = await connectOpensslServer(pc, type, []);
    expect(n.signatureSchemeId).toBe(scheme);
    expect(Buffer.from(n.peerCertificates[0] ?? [])).toEqual(Buffer.from(firstCertDer(certPaths(type).end)));
    expect(await fetchStatusPage(pump)).toContain('HTTP/1.0 200 ok');
  });

  it.each(CERT_TYPES)('our client authenticates to s_server -Verify 1 with a $type client certificate', async ({ type }) => {
    const p = certPaths(type);
    const srv = await startOpensslServer({ identity: { cert: p.end, key: p.endKey, chain: p.inter }, args: ['-Verify', '1', '-CAfile', p.ca, '-verify_return_error'] });
    peers.track(srv.peer);
    const client = certifiedKey(pc.provider, readFileSync(p.client, 'utf8') + readFileSync(p.inter, 'utf8'), readFileSync(p.clientKey, 'utf8'));
    const config = clientConfig({ provider: pc.provider, verifier: trustExactly([caDer(type)]), certificates: [client] });
    const pump = await connectPump(srv.port, new ClientConnection(config, { serverName: 'localhost' }));
    peers.onStop(() => {
      pump.socket.destroy();
    });
    await pump.handshake();
    pump.write('ping\n');
    await srv.peer.waitForOutput('ping');
    expect(srv.peer.stdout() + srv.peer.stderr()).toContain('puretls test client');
  });

  it.each(CERT_TYPES)('our server requires and verifies a $type client certificate from s_client', async ({ type }) => {
    const p = certPaths(type);
    const config = serverConfig({
      provider: pc.provider, certificates: [ourCertificate(pc.provider, type)], clientAuth: { mode: 'required', verifier: trustExactly([caDer(type)]) },
    });
    const listener = await listenPumps(() => newServer(config));
    peers.onStop(() => listener.close());
    const cli = peers.track(startOpensslClient(listener.port, [
      '-CAfile', p.ca, '-verify_return_error', '-servername', 'localhost', '-cert', p.client, '-key', p.clientKey, '-cert_chain', p.inter,
    ]));
    const pump = await listener.accepted(0);
    const n = await pump.handshake();
    expect(n.peerCertificates[0]).toEqual(firstCertDer(p.client));
    await pingPongClose(pump, cli);
  });

  it('a SHA-384-restricted RSASSA-PSS key signs with rsa_pss_pss_sha384 only, and s_client verifies it', async () => {
    const p = certPaths('rsa-pss');
    const key = certifiedKey(pc.provider, readFileSync(`${p.dir}/end-sha384.pem`, 'utf8') + readFileSync(p.inter, 'utf8'), readFileSync(`${p.dir}/end-sha384.key`, 'utf8'));
    const config = ourServerConfig({ provider: pc.provider, certificates: [key] });
    const listener = await listenPumps(() => newServer(config));
    peers.onStop(() => listener.close());
    const cli = peers.track(startOpensslClient(listener.port, ['-CAfile', p.ca, '-verify_return_error', '-servername', 'localhost']));
    const pump = await listener.accepted(0);
    expect((await pump.handshake()).signatureSchemeId).toBe(SignatureScheme.rsa_pss_pss_sha384);
    await cli.waitForOutput('Verify return code: 0 (ok)');
    await pingPongClose(pump, cli);
  });

  it('a client offering only rsa_pss_rsae_* cannot be served by an RSASSA-PSS key: handshake_failure (RFC 8446 §4.2.3)', async () => {
    const config = ourServerConfig({ provider: pc.provider, certificates: [ourCertificate(pc.provider, 'rsa-pss')] });
    const listener = await listenPumps(() => newServer(config));
    peers.onStop(() => listener.close());
    const cli = peers.track(startOpensslClient(listener.port, ['-sigalgs', 'rsa_pss_rsae_sha256:rsa_pss_rsae_sha384']));
    const pump = await listener.accepted(0);
    expect((await pump.waitForFailure()).alert).toBe(AlertDescription.handshake_failure);
    expect((await cli.waitForExit()).code).not.toBe(0);
  });
});
