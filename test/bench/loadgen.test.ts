/**
 * The bench's load generator (bench/loadgen.c) is measured against, so it is tested like a peer:
 * real handshakes against node:tls and against puretls over loopback, full and resumed, both
 * cipher suites, byte counts checked against what the server saw, and a refused handshake counted
 * as an error, never as an operation. No timing here (the bench is not part of npm test).
 */
import { spawn } from 'node:child_process';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { driveLoadGen, loadgenArgs, loadgenBinary, runLoadToCompletion } from '../../bench/_loadgen.ts';
import { createServer as createPuretlsServer } from '../../src/node/server.ts';
import { certPaths, certPems } from '../helpers/pki.ts';
import { useCleanup } from '../node/_helpers.ts';
import { startProxy, stopAll, tcpServer, type ProxyProcess } from '../proxy/_proxy.ts';

const pems = certPems('ecdsa-p256');
const paths = certPaths('ecdsa-p256');
const RESPONSE = 'HTTP/1.1 200 OK\r\ncontent-length: 300\r\n\r\n' + 'r'.repeat(300);

/** What one server saw: bytes uploaded, the suites negotiated. */
interface Seen {
  uploaded: number;
  suites: Set<string>;
}

/** bench/_servers.ts's bulk protocol plus HTTP-ish requests ('G…\r\n\r\n' → RESPONSE). */
function handler(seen: Seen, suiteOf: (s: Duplex) => string | undefined): (sock: Duplex) => void {
  return (sock) => {
    sock.on('error', () => {});
    const suite = suiteOf(sock);
    if (suite !== undefined) seen.suites.add(suite);
    let mode: number | undefined;
    let text = '';
    sock.on('data', (b: Buffer) => {
      mode ??= b[0];
      if (mode === 0x55 /* U */) seen.uploaded += b.length;
      else if (mode === 0x44 /* D */) {
        const chunk = Buffer.alloc(16384, 0x5a);
        const pump = (): void => {
          while (!sock.destroyed && sock.write(chunk));
        };
        sock.on('drain', pump);
        pump();
        mode = 0;
      } else if (mode === 0x47 /* G */) {
        text += b.toString('latin1');
        for (let i = text.indexOf('\r\n\r\n'); i >= 0; i = text.indexOf('\r\n\r\n')) {
          text = text.slice(i + 4);
          sock.write(RESPONSE);
        }
      }
    });
  };
}

const SERVERS = {
  'node:tls': (seen: Seen) =>
    tls.createServer(
      { key: pems.endKey, cert: pems.endChain, minVersion: 'TLSv1.3' },
      handler(seen, (s) => (s as tls.TLSSocket).getCipher().standardName),
    ),
  puretls: (seen: Seen) =>
    createPuretlsServer(
      { key: pems.endKey, cert: pems.endChain, provider: 'node' },
      handler(seen, (s) => (s as unknown as { negotiated?: { cipherSuite: string } }).negotiated?.cipherSuite),
    ),
};

describe('bench/loadgen.c', () => {
  const { listen } = useCleanup();

  it('builds (gcc and the OpenSSL headers; .ci/run installs them)', () => {
    expect(loadgenBinary()).toMatch(/loadgen-[0-9a-f]{16}$/);
  });

  for (const [name, make] of Object.entries(SERVERS)) {
    describe(`against ${name}`, () => {
      it('full handshakes: every one counted, none failed', async () => {
        const seen: Seen = { uploaded: 0, suites: new Set() };
        const port = await listen(make(seen));
        const m = await runLoadToCompletion({ port, mode: 'full', conc: 4, ops: 24 });
        expect(m).toMatchObject({ ops: 24, errors: 0 });
        expect(m.latN).toBe(24);
        expect([...seen.suites]).toEqual(['TLS_AES_128_GCM_SHA256']);
      });

      it('resumed handshakes: every one resumed with the ticket of a first full handshake', async () => {
        const port = await listen(make({ uploaded: 0, suites: new Set() }));
        const m = await runLoadToCompletion({ port, mode: 'resume', conc: 4, ops: 20 });
        expect(m).toMatchObject({ ops: 20, errors: 0, notResumed: 0 });
      });

      it('http-resume --tickets reuse: after the first full handshakes, every connection resumed', async () => {
        const port = await listen(make({ uploaded: 0, suites: new Set() }));
        const m = await runLoadToCompletion({ port, mode: 'http-resume', tickets: 'reuse', conc: 2, ops: 20 });
        expect(m).toMatchObject({ ops: 20, errors: 0, fullHandshakes: 2, earlyAccepted: 0, earlyRejected: 0 });
        expect(m.resumed).toBeGreaterThanOrEqual(18);
      });

      for (const suite of ['aes128', 'chacha20'] as const) {
        it(`${suite}: the bytes uploaded are the bytes the server read; a download is counted`, async () => {
          const seen: Seen = { uploaded: 0, suites: new Set() };
          const port = await listen(make(seen));
          const up = await runLoadToCompletion({ port, mode: 'upload', suite, bytes: 1 << 20 });
          expect(up.errors).toBe(0);
          expect(up.bytesOut).toBeGreaterThanOrEqual(1 << 20);
          await expect.poll(() => seen.uploaded, { timeout: 10_000 }).toBe(up.bytesOut + 1); // + the 'U'
          const down = await runLoadToCompletion({ port, mode: 'download', suite, bytes: 1 << 20 });
          expect(down.errors).toBe(0);
          expect(down.bytesIn).toBeGreaterThanOrEqual(1 << 20);
          expect([...seen.suites]).toEqual([suite === 'aes128' ? 'TLS_AES_128_GCM_SHA256' : 'TLS_CHACHA20_POLY1305_SHA256']);
        });
      }

      it('HTTP requests on keep-alive and on new connections: whole responses only', async () => {
        const port = await listen(make({ uploaded: 0, suites: new Set() }));
        for (const mode of ['http-keep', 'http-new'] as const) {
          const m = await runLoadToCompletion({ port, mode, conc: 1, ops: 30 }); // one at a time: exact bytes
          expect(m).toMatchObject({ ops: 30, errors: 0 });
          expect(m.bytesIn).toBe(30 * RESPONSE.length);
        }
      });

      it('idle: holds the connections it opened', async () => {
        const port = await listen(make({ uploaded: 0, suites: new Set() }));
        const gen = driveLoadGen(spawn(loadgenBinary(), loadgenArgs({ port, mode: 'idle', conc: 40 }), { stdio: ['pipe', 'pipe', 'inherit'] }));
        try {
          await expect.poll(async () => (await gen.mark()).established, { timeout: 20_000, interval: 100 }).toBe(40);
          expect((await gen.mark()).errors).toBe(0);
        } finally {
          await gen.stop();
        }
      });
    });
  }

  describe('against terminate with single-use tickets (--session-store memory --early-data)', () => {
    /**
     * A terminate with its own upstream, which counts the requests it answers. One per test: a
     * generator that reaches its operations stops with other connections' requests still in
     * flight, and a shared upstream would count them in the next test.
     */
    async function singleUseProxy(): Promise<{ proxy: ProxyProcess; requests: { seen: number } }> {
      const requests = { seen: 0 };
      const { port: upstream } = await tcpServer((s) => {
        s.on('error', () => {});
        s.on('end', () => s.end()); // the generator's close reaches here as a half-close
        let text = '';
        s.on('data', (b: Buffer) => {
          text += b.toString('latin1');
          for (let i = text.indexOf('\r\n\r\n'); i >= 0; i = text.indexOf('\r\n\r\n')) {
            text = text.slice(i + 4);
            requests.seen++;
            s.write(RESPONSE);
          }
        });
      });
      const proxy = await startProxy(['--cert', paths.endChain, '--key', paths.endKey, '--upstream', `127.0.0.1:${upstream}`,
        '--session-store', 'memory', '--early-data', '16384']);
      return { proxy, requests };
    }
    afterAll(() => stopAll());

    it('http-resume: each ticket used once; every connection but the first ones resumed with the ticket the previous one got', async () => {
      const { proxy } = await singleUseProxy();
      const m = await runLoadToCompletion({ port: proxy.port, mode: 'http-resume', conc: 2, ops: 30 });
      expect(m).toMatchObject({ ops: 30, errors: 0, noTicket: 0, fullHandshakes: 2, earlyAccepted: 0, earlyRejected: 0 });
      expect(m.resumed).toBeGreaterThanOrEqual(28);
      expect(m.bytesIn).toBeGreaterThanOrEqual(30 * RESPONSE.length);
    }, 60_000);

    it('http-0rtt: the request sent as early data, accepted on every resumed connection, answered once', async () => {
      const { proxy, requests } = await singleUseProxy();
      const m = await runLoadToCompletion({ port: proxy.port, mode: 'http-0rtt', conc: 1, ops: 20 });
      expect(m).toMatchObject({ ops: 20, errors: 0, noTicket: 0, fullHandshakes: 1, resumed: 19, earlyAccepted: 19, earlyRejected: 0 });
      expect(m.bytesIn).toBe(20 * RESPONSE.length);
      expect(requests.seen).toBe(20); // one request per connection reached the upstream, early or not
    }, 60_000);
  });

  it('a refused handshake is an error, not an operation', async () => {
    // The generator offers TLS_AES_128_GCM_SHA256 only; this server accepts AES-256 only.
    const server = tls.createServer({ key: pems.endKey, cert: pems.endChain, ciphers: 'TLS_AES_256_GCM_SHA384' }, () => {});
    server.on('tlsClientError', () => {});
    const port = await listen(server);
    const gen = driveLoadGen(spawn(loadgenBinary(), loadgenArgs({ port, mode: 'full', conc: 2 }), { stdio: ['pipe', 'pipe', 'inherit'] }));
    try {
      await expect.poll(async () => (await gen.mark()).errors, { timeout: 10_000, interval: 100 }).toBeGreaterThan(3);
      expect((await gen.mark()).ops).toBe(0);
    } finally {
      await gen.stop();
    }
  });

  it('the upstream answers every request with its body', async () => {
    const up = driveLoadGen(spawn(loadgenBinary(), loadgenArgs({ port: 0, mode: 'upstream', body: 100 }), { stdio: ['pipe', 'pipe', 'inherit'] }));
    try {
      const port = Number((await up.nextLine())['port']);
      const net = await import('node:net');
      const answer = await new Promise<string>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        let got = '';
        s.on('data', (b) => {
          got += b.toString('latin1');
          if (got.split('\r\n\r\n').length === 3 && got.endsWith('x'.repeat(100))) {
            s.destroy();
            resolve(got);
          }
        });
        s.on('error', reject);
      });
      expect(answer.match(/content-length: 100\r\n/g)).toHaveLength(2);
      expect((await up.mark()).ops).toBe(2);
    } finally {
      await up.stop();
    }
  });
});
