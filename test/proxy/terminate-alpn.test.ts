import { writeFileSync, mkdtempSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { certPaths } from '../helpers/pki.ts';
import { run, startProxy, stopAll, tcpServer, tlsClient } from './_proxy.ts';

// `puretls terminate` passes bytes through, so the ALPN protocol it agrees must be one the
// upstream speaks: ALPN per route (--sni ...,alpn=, --config sni[].alpn), RFC 7301 §3.2.

const P256 = certPaths('ecdsa-p256');
const httpServers: Array<ReturnType<typeof createHttpServer>> = [];
afterEach(() => {
  stopAll();
  for (const s of httpServers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** What a node:tls client offering `offer` agrees with the proxy for `servername` (false: no ALPN). */
async function agreed(port: number, servername: string, offer: string[]): Promise<string | false> {
  const s = await tlsClient(port, { servername, ALPNProtocols: offer });
  const alpn = s.alpnProtocol;
  s.destroy();
  return alpn ?? false;
}

describe('puretls terminate: ALPN per upstream', () => {
  it('--sni ...,alpn=: each name agrees only what its upstream speaks; others get the global --alpn', async () => {
    const { port: a } = await tcpServer((s) => s.end());
    const { port: b } = await tcpServer((s) => s.end());
    const proxy = await startProxy([
      '--alpn', 'h2,http/1.1',
      '--sni', `http1.test=${P256.endChain},${P256.endKey},127.0.0.1:${a},alpn=http/1.1`,
      '--sni', `h2.test=${P256.endChain},${P256.endKey},127.0.0.1:${b},alpn=h2:http/1.1`,
      '--upstream', `127.0.0.1:${b}`,
    ]);
    expect(await agreed(proxy.port, 'http1.test', ['h2', 'http/1.1'])).toBe('http/1.1');
    expect(await agreed(proxy.port, 'h2.test', ['h2', 'http/1.1'])).toBe('h2');
    expect(await agreed(proxy.port, 'other.test', ['h2', 'http/1.1'])).toBe('h2');
    // A client offering nothing the upstream speaks continues without ALPN, as with the global list.
    expect(await agreed(proxy.port, 'http1.test', ['h2'])).toBe(false);
  });

  it('--config sni[].alpn does the same; curl --http2 in front of an HTTP/1.1-only upstream gets its answer over HTTP/1.1', async () => {
    const upstream = createHttpServer((req, res) => res.end(`hello over HTTP/${req.httpVersion}`));
    httpServers.push(upstream);
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const up = (upstream.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'puretls-alpn-'));
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ alpn: ['h2', 'http/1.1'], sni: [{ name: 'web.test', cert: P256.endChain, key: P256.endKey, upstream: `127.0.0.1:${up}`, alpn: ['http/1.1'] }] }),
    );
    const proxy = await startProxy(['--config', join(dir, 'config.json')]);
    expect(await agreed(proxy.port, 'web.test', ['h2', 'http/1.1'])).toBe('http/1.1');
    const r = await run('curl', ['-sk', '--http2', '--resolve', `web.test:${proxy.port}:127.0.0.1`, '-w', '\n%{http_version}', `https://web.test:${proxy.port}/`]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('hello over HTTP/1.1\n1.1');
  });
});
