import { createPrivateKey } from 'node:crypto';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { AlertDescription } from '../../src/protocol/registry.ts';
import { connect, type ConnectOptions } from '../../src/node/connect.ts';
import { createServer, type ServerOptions } from '../../src/node/server.ts';
import type { TLSSocket } from '../../src/node/tls-socket.ts';
import { MemorySessionStore } from '../../src/session/store.ts';
import { CertificateError } from '../../src/x509/verifier.ts';
import { collect, pki, useCleanup } from './_helpers.ts';

// The adapter's resumption (RFC 8446 §4.6.1), 0-RTT (§4.2.10) and trust options (RFC 5280 §6.1,
// RFC 6125), against node:tls (OpenSSL) and against our own createServer.

const KEY = pki('ecdsa-p256', 'end.key');
const CHAIN = pki('ecdsa-p256', 'end.chain.pem');
const CA = pki('ecdsa-p256', 'ca.pem');

const { cleanup, listen } = useCleanup();

/** Our server; each connection echoes what it reads, upper-cased, and records resumption / 0-RTT. */
async function ourServer(opts: Partial<ServerOptions>, seen: Array<{ reused: boolean; early: boolean | undefined }>): Promise<number> {
  const server = createServer({ key: KEY, cert: CHAIN, ...opts }, (s: TLSSocket) => {
    seen.push({ reused: s.isSessionReused(), early: s.earlyDataAccepted });
    s.on('data', (d: Buffer) => s.write(d.toString().toUpperCase()));
    s.on('end', () => s.end());
  });
  server.on('tlsClientError', () => {});
  return listen(server);
}

/** Connects, sends `text`, ends; resolves with the reply, the session received and the socket. */
async function exchange(
  options: ConnectOptions,
  text: string,
): Promise<{ reply: string; session: Buffer | undefined; sock: TLSSocket }> {
  const sock = connect({ host: '127.0.0.1', servername: 'localhost', ca: CA, ...options });
  cleanup.push(() => sock.destroy());
  let session: Buffer | undefined;
  sock.on('session', (s: Buffer) => (session = s));
  const body = collect(sock);
  if (options.earlyData === undefined) sock.end(text);
  else sock.end();
  const reply = Buffer.concat(await body).toString();
  return { reply, session, sock };
}

describe('adapter: resumption (RFC 8446 §4.6.1)', () => {
  it("connect() resumes against a node:tls server with the 'session' of an earlier connection", async () => {
    const reused: boolean[] = [];
    const server = tls.createServer({ key: KEY, cert: CHAIN }, (s) => {
      reused.push(s.isSessionReused());
      s.on('data', (d: Buffer) => s.write(d));
      s.on('end', () => s.end());
    });
    const port = await listen(server);
    const first = await exchange({ port }, 'one');
    expect(first.reply).toBe('one');
    expect(first.session).toBeInstanceOf(Buffer);
    expect(first.sock.getSession()).toEqual(first.session);
    expect(first.sock.isSessionReused()).toBe(false);
    const second = await exchange({ port, session: first.session }, 'two');
    expect(second.reply).toBe('two');
    expect(second.sock.isSessionReused()).toBe(true);
    expect(second.sock.authorized).toBe(true);
    expect(reused).toEqual([false, true]);
  });

  it('a node:tls client resumes against createServer with a sessionStore (single-use tickets)', async () => {
    const seen: Array<{ reused: boolean; early: boolean | undefined }> = [];
    const port = await ourServer({ sessionStore: new MemorySessionStore(16), tickets: 1 }, seen);
    const fetch = (session?: Buffer): Promise<{ ticket: Buffer | undefined; reused: boolean }> =>
      new Promise((resolve, reject) => {
        let ticket: Buffer | undefined;
        const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: CA, session });
        cleanup.push(() => s.destroy());
        s.on('session', (t: Buffer) => (ticket = t));
        s.on('data', () => {});
        s.on('end', () => resolve({ ticket, reused: s.isSessionReused() }));
        s.on('error', reject);
        s.end('x');
      });
    const first = await fetch();
    expect(first.ticket).toBeDefined();
    const second = await fetch(first.ticket);
    expect(second.reused).toBe(true);
    // The same ticket again: taken from the store already, so a full handshake.
    const third = await fetch(first.ticket);
    expect(third.reused).toBe(false);
    expect(seen.map((x) => x.reused)).toEqual([false, true, false]);
  });

  it('does not offer a session to another server name (RFC 6066 §3): full handshake, name checked', async () => {
    const seen: Array<{ reused: boolean; early: boolean | undefined }> = [];
    const port = await ourServer({}, seen);
    const first = await exchange({ port }, 'a');
    const other = connect({ host: '127.0.0.1', port, servername: 'other.example', ca: CA, session: first.session });
    cleanup.push(() => other.destroy());
    const err = await new Promise<Error>((r) => other.once('error', r));
    expect(err).toBeInstanceOf(CertificateError);
    expect((err as CertificateError).reason).toBe('name_mismatch');
  });

  it('refuses a `session` that is not a saved session with a TypeError', () => {
    expect(() => connect({ host: '127.0.0.1', port: 1, ca: CA, session: Buffer.from('junk') })).toThrow(TypeError);
  });

  it("emits no 'session' for a connection that was not authorized (rejectUnauthorized: false, untrusted chain)", async () => {
    const seen: Array<{ reused: boolean; early: boolean | undefined }> = [];
    const port = await ourServer({}, seen);
    const r = await exchange({ port, ca: pki('rsa-2048', 'ca.pem'), rejectUnauthorized: false }, 'z');
    expect(r.reply).toBe('Z');
    expect(r.sock.authorized).toBe(false);
    expect(r.session).toBeUndefined();
    expect(r.sock.getSession()).toBeUndefined();
  });
});

describe('adapter: 0-RTT early data (RFC 8446 §4.2.10)', () => {
  it('connect({ session, earlyData }) sends 0-RTT that createServer (sessionStore + maxEarlyDataSize) accepts and delivers first', async () => {
    const seen: Array<{ reused: boolean; early: boolean | undefined }> = [];
    const port = await ourServer({ sessionStore: new MemorySessionStore(16), maxEarlyDataSize: 1024 }, seen);
    const first = await exchange({ port }, 'a');
    expect(first.session).toBeDefined();
    const earlyEvents: boolean[] = [];
    const sock = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: CA, session: first.session, earlyData: Buffer.from('early-') });
    cleanup.push(() => sock.destroy());
    sock.on('earlyData', (accepted: boolean) => earlyEvents.push(accepted));
    const body = collect(sock);
    sock.end('late');
    expect(Buffer.concat(await body).toString()).toBe('EARLY-LATE');
    expect(sock.earlyDataAccepted).toBe(true);
    expect(earlyEvents).toEqual([true]);
    expect(seen[1]).toEqual({ reused: true, early: true });
  });

  it('early data a server does not accept is delivered once after the handshake', async () => {
    const seen: Array<{ reused: boolean; early: boolean | undefined }> = [];
    const store = new MemorySessionStore(16);
    const port = await ourServer({ sessionStore: store, maxEarlyDataSize: 1024 }, seen);
    const first = await exchange({ port }, 'a');
    // A second server sharing nothing: the ticket does not open there, so 0-RTT is rejected.
    const port2 = await ourServer({}, seen);
    const sock = connect({ host: '127.0.0.1', port: port2, servername: 'localhost', ca: CA, session: first.session, earlyData: Buffer.from('early-') });
    cleanup.push(() => sock.destroy());
    const body = collect(sock);
    sock.end('late');
    expect(Buffer.concat(await body).toString()).toBe('EARLY-LATE');
    expect(sock.earlyDataAccepted).toBe(false);
    expect(sock.isSessionReused()).toBe(false);
  });
});

describe('adapter: trust options (RFC 5280 §6.1, RFC 6125)', () => {
  it('rejectUnauthorized: false reports the verifier reason name_mismatch for a wrong name', async () => {
    const seen: Array<{ reused: boolean; early: boolean | undefined }> = [];
    const port = await ourServer({}, seen);
    const r = await exchange({ port, servername: 'wrong.example', rejectUnauthorized: false }, 'q');
    expect(r.reply).toBe('Q');
    expect(r.sock.authorized).toBe(false);
    expect(r.sock.authorizationError).toBe('name_mismatch');
  });

  it('checkServerIdentity returning an Error fails the handshake with bad_certificate', async () => {
    const seen: Array<{ reused: boolean; early: boolean | undefined }> = [];
    const port = await ourServer({}, seen);
    const names: string[] = [];
    const sock = connect({
      host: '127.0.0.1', port, servername: 'localhost', ca: CA,
      checkServerIdentity: (host, cert) => {
        names.push(host, cert.subjectaltname);
        return new Error('pinned elsewhere');
      },
    });
    cleanup.push(() => sock.destroy());
    const err = await new Promise<Error>((r) => sock.once('error', r));
    expect(err).toBeInstanceOf(CertificateError);
    expect((err as CertificateError).alert).toBe(AlertDescription.bad_certificate);
    expect(names[0]).toBe('localhost');
    expect(names[1]).toContain('DNS:');
  });

  it('checkServerIdentity returning undefined replaces the name check, not path validation', async () => {
    const seen: Array<{ reused: boolean; early: boolean | undefined }> = [];
    const port = await ourServer({}, seen);
    const ok = await exchange({ port, servername: 'wrong.example', checkServerIdentity: () => undefined }, 'w');
    expect(ok.reply).toBe('W');
    expect(ok.sock.authorized).toBe(true);
    const bad = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki('rsa-2048', 'ca.pem'), checkServerIdentity: () => undefined });
    cleanup.push(() => bad.destroy());
    const err = await new Promise<Error>((r) => bad.once('error', r));
    expect((err as CertificateError).reason).toBe('unknown_issuer');
  });

  it('createServer loads an encrypted PKCS#8 key with `passphrase` and refuses it without', async () => {
    const encrypted = createPrivateKey(KEY).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    expect(() => createServer({ key: encrypted, cert: CHAIN })).toThrow();
    expect(() => createServer({ key: encrypted, cert: CHAIN, passphrase: 'wrong' })).toThrow();
    const server = createServer({ key: encrypted, cert: CHAIN, passphrase: 'pw' }, (s) => s.end('ok'));
    const port = await listen(server);
    const sock = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: CA });
    cleanup.push(() => sock.destroy());
    expect(Buffer.concat(await collect(sock)).toString()).toBe('ok');
  });
});
