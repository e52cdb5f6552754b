/**
 * Bun: HTTPS GET with puretls over Bun.connect (plain TCP), the chain verified against a CA file.
 *
 *   bun client.js HOST PORT CA_PEM_FILE [SERVER_NAME]
 *
 * Bun.connect is callback-based; `tcpStreams` turns it into the byte streams tls-streams.ts takes.
 */
import { clientConfig, nobleProvider, parseCertificateChain, trustExactly } from 'puretls';
import { tlsConnect, type ByteStreams } from './tls-streams.ts';

async function tcpStreams(hostname: string, port: number): Promise<ByteStreams> {
  let incoming!: ReadableStreamDefaultController<Uint8Array>;
  let ended = false;
  const end = (): void => {
    if (!ended) incoming.close();
    ended = true;
  };
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      incoming = controller;
    },
  });
  let drained: (() => void) | undefined;
  const socket = await Bun.connect({
    hostname,
    port,
    socket: {
      data(_socket, data) {
        if (!ended) incoming.enqueue(new Uint8Array(data)); // a copy: Bun may reuse its buffer
      },
      end,
      close: end,
      error(_socket, err) {
        if (!ended) incoming.error(err);
        ended = true;
      },
      drain() {
        drained?.();
      },
    },
  });
  const writable = new WritableStream<Uint8Array>({
    async write(chunk) {
      // socket.write may take only part of the chunk; the rest waits for `drain`.
      for (let rest = chunk; rest.length > 0; ) {
        const n = socket.write(rest);
        if (n < 0) throw new Error('bun: socket closed');
        rest = rest.subarray(n);
        if (rest.length > 0) await new Promise<void>((resolve) => (drained = resolve));
      }
    },
    close() {
      socket.end();
    },
  });
  return { readable, writable };
}

const [host = 'localhost', port = '443', caFile = 'ca.pem', serverName = host] = Bun.argv.slice(2);
const config = clientConfig({
  provider: nobleProvider, // pure TypeScript: no OpenSSL, no node:crypto
  verifier: trustExactly(parseCertificateChain(await Bun.file(caFile).text())),
});

const tls = await tlsConnect(config, serverName, await tcpStreams(host, Number(port)));
console.log(`# ${tls.negotiated.version} ${tls.negotiated.cipherSuite} ${tls.negotiated.group}`);

const out = tls.writable.getWriter();
await out.write(new TextEncoder().encode(`GET / HTTP/1.0\r\nHost: ${serverName}\r\n\r\n`));
console.log(await new Response(tls.readable).text()); // up to the server's close_notify
await out.close();
