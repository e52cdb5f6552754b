/**
 * Browser: HTTPS GET with puretls through a WebSocket-to-TCP bridge (ws-bridge.ts). Browsers
 * cannot open TCP sockets; the bridge relays the TLS bytes, which it cannot read: the TLS session
 * is between this page and the server. Loaded by browser.html:
 *
 *   browser.html?bridge=ws://localhost:8080/&server=example.com&ca=ca.pem
 *
 * (browser-client.js: this file bundled with puretls, docs/runtimes.md.)
 */
import { clientConfig, nobleProvider, parseCertificateChain, trustExactly } from 'puretls';
import { tlsConnect, type ByteStreams } from './tls-streams.ts';

/** A WebSocket to the bridge as byte streams: each binary message is a piece of the TCP stream. */
export function webSocketStreams(url: string): Promise<ByteStreams> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    let open = false;
    const readable = new ReadableStream<Uint8Array>({
      start(incoming) {
        ws.onmessage = (ev: MessageEvent<ArrayBuffer>) => incoming.enqueue(new Uint8Array(ev.data));
        ws.onclose = () => (open ? incoming.close() : reject(new Error(`WebSocket to ${url} failed`)));
      },
    });
    const writable = new WritableStream<Uint8Array>({
      write(chunk) {
        ws.send(chunk);
      },
      close() {
        ws.close();
      },
    });
    ws.onopen = () => {
      open = true;
      resolve({ readable, writable });
    };
  });
}

async function main(): Promise<string> {
  const params = new URLSearchParams(location.search);
  const serverName = params.get('server') ?? 'localhost';
  const config = clientConfig({
    provider: nobleProvider, // pure TypeScript: no WebCrypto needed beyond getRandomValues
    verifier: trustExactly(parseCertificateChain(await (await fetch(params.get('ca') ?? 'ca.pem')).text())),
  });
  const tls = await tlsConnect(config, serverName, await webSocketStreams(params.get('bridge') ?? 'ws://localhost:8080/'));
  const out = tls.writable.getWriter();
  await out.write(new TextEncoder().encode(`GET / HTTP/1.0\r\nHost: ${serverName}\r\n\r\n`));
  const reply = await new Response(tls.readable).text(); // up to the server's close_notify
  await out.close();
  return `# ${tls.negotiated.version} ${tls.negotiated.cipherSuite} ${tls.negotiated.group}\n${reply}`;
}

const output = document.getElementById('output');
main().then(
  (text) => {
    if (output) output.textContent = text;
    document.title = 'done';
  },
  (err: unknown) => {
    if (output) output.textContent = String(err);
    document.title = 'failed';
  },
);
