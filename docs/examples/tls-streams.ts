/**
 * TLS 1.3 client over any pair of byte streams (WHATWG streams): what every runtime without
 * node:net hands you for a TCP connection (Deno.connect, cloudflare:sockets connect(), a
 * WebSocket to a TCP bridge, Bun.connect wrapped). It is the driving loop of
 * docs/05-sans-io-api.md around puretls's ClientConnection: bytes in, bytes out, plaintext as a
 * stream. Copy it into your project; it uses only the public `puretls` API.
 *
 * Kept short on purpose: received plaintext is queued without backpressure, and the transport is
 * closed when you close `writable` (after close_notify, RFC 8446 §6.1).
 */
import { ClientConnection, type ClientConfig, type Negotiated } from 'puretls';

/** A bidirectional byte stream, e.g. a TCP connection. */
export interface ByteStreams {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

/** The TLS connection once the handshake is done: plaintext streams and what was negotiated. */
export interface TlsStreams extends ByteStreams {
  readonly negotiated: Negotiated;
}

/**
 * Runs a TLS 1.3 client handshake over `transport` and resolves when it is done (the server's
 * certificate chain verified by `config.verifier` for `serverName`). `readable` ends at the
 * server's close_notify; a transport that ends without one errors it (truncation).
 */
export function tlsConnect(config: ClientConfig, serverName: string, transport: ByteStreams): Promise<TlsStreams> {
  const conn = new ClientConnection(config, { serverName });
  const reader = transport.readable.getReader();
  const writer = transport.writable.getWriter();
  const flush = async (): Promise<void> => {
    const out = conn.takeOutput();
    if (out.length > 0) await writer.write(out);
  };

  return new Promise<TlsStreams>((resolve, reject) => {
    const writable = new WritableStream<Uint8Array>({
      async write(chunk) {
        conn.write(chunk);
        await flush();
      },
      async close() {
        conn.close(); // close_notify; a no-op if already sent
        await flush();
        await writer.close();
      },
    });

    let plaintext!: ReadableStreamDefaultController<Uint8Array>;
    const readable = new ReadableStream<Uint8Array>({
      start(controller) {
        plaintext = controller;
      },
    });

    const pump = async (): Promise<void> => {
      await flush(); // the ClientHello
      while (!conn.peerClosed) {
        const { value, done } = await reader.read();
        if (done) throw new Error('tls: the transport closed without close_notify');
        try {
          conn.receive(value);
        } finally {
          await flush(); // the next flight, or the alert that ends a failed handshake
        }
        for (let ev = conn.poll(); ev !== undefined; ev = conn.poll()) {
          if (ev.kind === 'handshakeDone') resolve({ readable, writable, negotiated: ev.negotiated });
        }
        for (let data = conn.read(); data !== undefined; data = conn.read()) plaintext.enqueue(data);
      }
      plaintext.close();
    };
    pump().catch((err: unknown) => {
      plaintext.error(err);
      reject(err instanceof Error ? err : new Error(String(err))); // no-op once resolved
    });
  });
}
