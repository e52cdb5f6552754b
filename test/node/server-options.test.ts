/**
 * Adapter server options against node:tls (OpenSSL) clients over loopback: ALPNCallback
 * (RFC 7301 §3.2), server-side STARTTLS through wrapServerSocket, per-certificate OCSP
 * stapling (RFC 6066 §8, RFC 8446 §4.4.2.1).
 */
import { createServer as createNetServer, connect as netConnect, type Socket } from 'node:net';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.ts';
import { AlertDescription } from '../../src/protocol/registry.ts';
import { createServer, wrapServerSocket } from '../../src/node/server.ts';
import type { TLSSocket } from '../../src/node/tls-socket.ts';
import { collect, pki, useCleanup } from './_helpers.ts';
import { makeOcspResponse } from './_ocsp.ts';

const KEY = pki('ecdsa-p256', 'end.key');
const CHAIN = pki('ecdsa-p256', 'end.chain.pem');
const CA = pki('ecdsa-p256', 'ca.pem');
const RSA_KEY = pki('rsa-2048', 'end.key');
const RSA_CHAIN = pki('rsa-2048', 'end.chain.pem');

const { cleanup, listen } = useCleanup();

/** A node:tls client; resolves on secureConnect, rejects on error (bounded by the test timeout). */
function nodeClient(options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', servername: 'localhost', ca: CA, ...options }, () => resolve(s));
    cleanup.push(() => s.destroy());
    s.once('error', reject);
  });
}

describe('createServer ALPNCallback (node:tls semantics, RFC 7301 §3.2)', () => {
  it('selects the protocol the callback returns, given the SNI name and the client list', async () => {
    const calls: Array<{ servername: string | undefined; protocols: string[] }> = [];
    const server = createServer({
      key: KEY,
      cert: CHAIN,
      ALPNCallback: (arg) => {
        calls.push(arg);
        return arg.protocols.includes('h2') ? 'h2' : undefined;
      },
    }, (s) => s.end('ok'));
    const port = await listen(server);
    const client = await nodeClient({ port, ALPNProtocols: ['http/1.1', 'h2'] });
    expect(client.alpnProtocol).toBe('h2');
    expect(calls).toEqual([{ servername: 'localhost', protocols: ['http/1.1', 'h2'] }]);
    expect(Buffer.concat(await collect(client)).toString()).toBe('ok');
  });

  it('undefined from the callback refuses the client with no_application_protocol', async () => {
    const server = createServer({ key: KEY, cert: CHAIN, ALPNCallback: () => undefined });
    const serverErr = new Promise<Error>((r) => server.once('tlsClientError', (e: Error) => r(e)));
    const port = await listen(server);
    const clientErr = await nodeClient({ port, ALPNProtocols: ['h2'] }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(clientErr).toBeInstanceOf(Error);
    const err = await serverErr;
    expect(err).toBeInstanceOf(TlsError);
    expect([(err as TlsError).alert, (err as TlsError).origin]).toEqual([AlertDescription.no_application_protocol, 'local']);
  });

  it('ALPNCallback together with ALPNProtocols is refused at creation (as node:tls)', () => {
    expect(() => createServer({ key: KEY, cert: CHAIN, ALPNProtocols: ['h2'], ALPNCallback: () => 'h2' })).toThrow(TypeError);
  });
});

describe('wrapServerSocket: server-side STARTTLS over an existing plain connection', () => {
  it('a plain server answers STARTTLS, upgrades, and node:tls.connect({ socket }) completes the handshake', async () => {
    const upgraded = new Promise<TLSSocket>((resolve, reject) => {
      const plain = createNetServer({ allowHalfOpen: true }, (sock: Socket) => {
        let line = '';
        const onData = (d: Buffer): void => {
          line += d.toString('latin1');
          if (!line.endsWith('\r\n')) return;
          sock.off('data', onData);
          sock.pause();
          if (line !== 'STARTTLS\r\n') return void sock.destroy();
          sock.write('220 ready to start TLS\r\n');
          const secure = wrapServerSocket(sock, { key: KEY, cert: CHAIN, ALPNProtocols: ['smtp'] });
          secure.once('error', reject);
          secure.once('secure', () => resolve(secure));
          secure.on('data', (d: Buffer) => secure.end(`echo:${d.toString()}`));
        };
        sock.on('data', onData);
      });
      void listen(plain).then((port) => {
        const raw = netConnect({ host: '127.0.0.1', port });
        cleanup.push(() => raw.destroy());
        raw.once('connect', () => raw.write('STARTTLS\r\n'));
        raw.once('data', (d: Buffer) => {
          expect(d.toString()).toBe('220 ready to start TLS\r\n');
          const client = tls.connect({ socket: raw, servername: 'localhost', ca: CA, ALPNProtocols: ['smtp'] }, () => {
            expect(client.authorized).toBe(true);
            expect(client.getProtocol()).toBe('TLSv1.3');
            expect(client.alpnProtocol).toBe('smtp');
            client.write('hello');
            void collect(client).then((got) => clientGot.resolve(Buffer.concat(got).toString()), reject);
          });
          client.once('error', reject);
        });
      });
    });
    const clientGot = deferred<string>();
    const secure = await upgraded;
    expect(secure.servername).toBe('localhost');
    expect(secure.alpnProtocol).toBe('smtp');
    expect(await clientGot.promise).toBe('echo:hello');
  });

  it('a client that does not speak TLS after STARTTLS gets unexpected_message on the wrapped socket (RFC 8446 §5: unknown record type)', async () => {
    const failed = new Promise<Error>((resolve) => {
      const plain = createNetServer((sock: Socket) => {
        sock.once('data', () => {
          sock.write('220 go\r\n');
          const secure = wrapServerSocket(sock, { key: KEY, cert: CHAIN });
          secure.once('error', resolve);
        });
      });
      void listen(plain).then((port) => {
        const raw = netConnect({ host: '127.0.0.1', port });
        cleanup.push(() => raw.destroy());
        raw.once('connect', () => raw.write('STARTTLS\r\n'));
        raw.once('data', () => raw.write('EHLO not tls at all\r\n'));
        raw.on('error', () => {});
      });
    });
    const err = await failed;
    expect(err).toBeInstanceOf(TlsError);
    expect([(err as TlsError).alert, (err as TlsError).origin]).toEqual([AlertDescription.unexpected_message, 'local']);
  });
});

describe('createServer ocspResponse: OCSP stapling per certificate (RFC 6066 §8, RFC 8446 §4.4.2.1)', () => {
  it('staples the default certificate\'s response to a client that asks (node:tls requestOCSP)', async () => {
    const ocsp = makeOcspResponse();
    const server = createServer({ key: KEY, cert: CHAIN, ocspResponse: ocsp }, (s) => s.end());
    const port = await listen(server);
    const got = new Promise<Buffer | null>((resolve, reject) => {
      const s = tls.connect(withOcsp({ host: '127.0.0.1', port, servername: 'localhost', ca: CA }), () => s.end());
      cleanup.push(() => s.destroy());
      s.once('OCSPResponse', resolve);
      s.once('error', reject);
    });
    expect(new Uint8Array((await got)!)).toEqual(ocsp);
  });

  it('staples the response of the certificate SNI chose from `contexts`, and none for the other one', async () => {
    const ocsp = makeOcspResponse();
    const server = createServer(
      { key: RSA_KEY, cert: RSA_CHAIN, contexts: { localhost: { key: KEY, cert: CHAIN, ocspResponse: ocsp } } },
      (s) => s.end(),
    );
    const port = await listen(server);
    const staple = (servername: string): Promise<Buffer | null | undefined> =>
      new Promise((resolve, reject) => {
        let seen: Buffer | null | undefined;
        const s = tls.connect(withOcsp({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }), () => {
          s.end();
          s.resume();
        });
        cleanup.push(() => s.destroy());
        s.once('OCSPResponse', (r: Buffer | null) => (seen = r));
        s.once('close', () => resolve(seen));
        s.once('error', reject);
      });
    expect(new Uint8Array((await staple('localhost'))!)).toEqual(ocsp);
    expect(await staple('other.example')).toBeFalsy();
  });

  it('more ocspResponse entries than certificates is refused at creation', () => {
    expect(() => createServer({ key: KEY, cert: CHAIN, ocspResponse: [new Uint8Array([1]), new Uint8Array([2])] })).toThrow(TypeError);
  });
});

/** node:tls's `requestOCSP` client option (supported at runtime, missing from @types/node's ConnectionOptions). */
function withOcsp(o: tls.ConnectionOptions): tls.ConnectionOptions {
  const withFlag: tls.ConnectionOptions & { requestOCSP: boolean } = { ...o, requestOCSP: true };
  return withFlag;
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
