/**
 * puretls in headless Chromium (issue 10 item 4), from the browser bundle (_bundle.ts), driven by
 * puppeteer-core against the system's Chromium (Debian's /usr/bin/chromium; no browser download):
 * - the in-memory client ↔ server handshake (pure provider, ECDSA chain verified, data both ways),
 *   whose result must equal Node's run of the same scenario;
 * - docs/examples/browser.html + browser-client.ts: a GET from a real `openssl s_server -www`
 *   through docs/examples/ws-bridge.ts (WebSocket to TCP), as documented in docs/runtimes.md;
 * - Chromium's own TLS (BoringSSL) loading a page from our adapter's createServer: it offers
 *   brotli certificate compression (RFC 8879), so our server sends a CompressedCertificate.
 * Without Chromium the tests are a visible skip with the reason.
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, normalize } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../../docs/examples/ws-bridge.ts';
import type { Negotiated } from '../../src/handshake/negotiated.ts';
import { createServer as createTlsServer } from '../../src/node/server.ts';
import { certPaths } from '../helpers/pki.ts';
import { Peers, startOpensslServer } from '../helpers/peers.ts';
import { buildRuntimeKit, ROOT, type RuntimeKit } from './_bundle.ts';
import { nodeResult, SCENARIO_PEMS } from './_reference.ts';

const P256 = certPaths('ecdsa-p256');
/** Generous limits: a loaded 2-core machine can starve a browser start for long. */
const SLOW = 180_000;

/** The system's Chromium: $CHROMIUM_PATH, else /usr/bin/chromium; its version, or why it is missing. */
function findChromium(): { readonly path: string; readonly version: string } | { readonly missing: string } {
  const path = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  try {
    const version = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { path, version };
  } catch (err) {
    return { missing: `Chromium not available at ${path} (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); .ci/run installs Debian's chromium` };
  }
}

const chromium = findChromium();

if ('missing' in chromium) {
  console.warn(`SKIPPED: ${chromium.missing}`); // printed by the default reporter, unlike a skipped title
  describe.skip(`SKIPPED: ${chromium.missing}`, () => {
    it('in-memory handshake and the browser example through the WebSocket bridge', () => {});
  });
} else {
  describe(`Chromium (${chromium.version}, ${chromium.path})`, () => {
    let kit: RuntimeKit;
    let http: Server;
    let origin: string;
    let browser: Browser;
    const peers = new Peers();

    beforeAll(async () => {
      kit = await buildRuntimeKit(['test/runtimes/in-memory-handshake.ts', 'docs/examples/browser-client.ts']);
      copyFileSync(join(ROOT, 'docs/examples/browser.html'), join(kit.dir, 'browser.html'));
      copyFileSync(P256.ca, join(kit.dir, 'ca.pem'));
      writeFileSync(
        join(kit.dir, 'in-memory.html'),
        `<!doctype html><title>loading</title><script type="module">\n` +
          `import { inMemoryHandshake } from './in-memory-handshake.js';\n` +
          `try { window.result = inMemoryHandshake(${JSON.stringify(SCENARIO_PEMS)}); document.title = 'done'; }\n` +
          `catch (err) { window.result = String(err && err.stack || err); document.title = 'failed'; }\n` +
          `</script>\n`,
      );
      http = await serveDirectory(kit.dir);
      const address = http.address();
      origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
      browser = await puppeteer.launch({
        executablePath: chromium.path,
        headless: true,
        // root in a container: no sandbox; no GPU; /dev/shm may be small.
        // The test PKI's P-256 leaf key is trusted by its SPKI hash: for the HTTPS test below.
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', `--ignore-certificate-errors-spki-list=${spkiHash(P256.end)}`],
        timeout: SLOW,
      });
    }, SLOW);
    afterAll(async () => {
      await browser?.close();
      await new Promise((done) => http?.close(done));
      await peers.stopAll();
      kit?.remove();
    });

    /** Opens `path` and waits for the page to set its title to done/failed. */
    async function openPage(path: string): Promise<{ title: string; page: Page }> {
      const page = await browser.newPage();
      page.setDefaultTimeout(SLOW);
      page.on('pageerror', (err) => console.error(`chromium page error: ${String(err)}`));
      await page.goto(`${origin}/${path}`);
      // Page code as strings: this file is type-checked without the DOM library.
      await page.waitForFunction("document.title === 'done' || document.title === 'failed'", { timeout: SLOW });
      return { title: await page.title(), page };
    }

    it('runs the in-memory handshake from the browser bundle with the same result as Node', async () => {
      const { title, page } = await openPage('in-memory.html');
      const result: unknown = await page.evaluate('window.result');
      expect({ title, result }).toEqual({ title: 'done', result: nodeResult() });
      await page.close();
    }, SLOW);

    it('docs/examples/browser.html: GET from openssl s_server through the WebSocket-to-TCP bridge, chain verified', async () => {
      const srv = await startOpensslServer({ identity: { cert: P256.end, key: P256.endKey, chain: P256.inter }, args: ['-www'] });
      peers.track(srv.peer);
      const bridge = await startBridge({ port: 0, target: { host: '127.0.0.1', port: srv.port } });
      peers.onStop(() => bridge.close());
      const query = `bridge=ws://127.0.0.1:${bridge.port}/&server=localhost&ca=ca.pem`;
      const { title, page } = await openPage(`browser.html?${query}`);
      const text = await page.$eval('#output', (el) => el.textContent ?? '');
      expect({ title, first: text.split('\n')[0] }).toEqual({ title: 'done', first: '# TLSv1.3 TLS_AES_128_GCM_SHA256 x25519' });
      expect(text).toContain('HTTP/1.0 200 ok');
      expect(text).toContain('New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256');
      await page.close();
    }, SLOW);

    it.each(['node', 'pure'] as const)('loads a page over HTTPS from createServer (%s provider), which sends its Certificate brotli-compressed (RFC 8879, the default)', async (provider) => {
      const seen: (Negotiated | undefined)[] = [];
      const server = createTlsServer({ key: readFileSync(P256.endKey), cert: readFileSync(P256.endChain), provider }, (socket) => {
        seen.push(socket.negotiated);
        socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nconnection: close\r\n\r\n<title>done</title>compressed'));
        socket.on('error', () => {});
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      peers.onStop(() => new Promise<void>((done) => server.close(() => done())));
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const page = await browser.newPage();
      page.setDefaultTimeout(SLOW);
      const response = await page.goto(`https://localhost:${port}/`);
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('done');
      expect(response?.securityDetails()?.protocol()).toBe('TLS 1.3');
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.map((n) => n?.certificateCompression)).toContain('brotli');
      await page.close();
    }, SLOW);
  });
}

/** base64 SHA-256 of a certificate's SubjectPublicKeyInfo: Chromium's --ignore-certificate-errors-spki-list form. */
function spkiHash(certPath: string): string {
  const spki = new X509Certificate(readFileSync(certPath)).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** A static file server for `dir` on a free loopback port (the page must come from http:, not file:). */
function serveDirectory(dir: string): Promise<Server> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.pem': 'text/plain' };
  const server = createServer((req, res) => {
    const name = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    try {
      const body = readFileSync(join(dir, name.includes('..') ? '' : name));
      res.writeHead(200, { 'content-type': types[/\.[a-z]+$/.exec(name)?.[0] ?? ''] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
