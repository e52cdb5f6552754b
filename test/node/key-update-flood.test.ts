/**
 * A client that floods KeyUpdate(update_requested) over a real socket and never reads, against
 * createServer (issue 8): the server answers once, before its next application data (RFC 8446
 * §4.6.3), so a server that does not write sends nothing and buffers nothing; and one byte of
 * data between requests does not restore the post-handshake message bound.
 */
import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { clientConfig } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { TlsError } from '../../src/errors.ts';
import { nodeCryptoProvider } from '../../src/node/crypto-provider.ts';
import { createServer, type TLSSocket } from '../../src/node/index.ts';
import { MAX_POST_HANDSHAKE_MESSAGE_BURST, POST_HANDSHAKE_MESSAGE_DATA_COST } from '../../src/protocol/limits.ts';
import { AlertDescription } from '../../src/protocol/registry.ts';
import { dangerouslyAcceptAnyCertificate } from '../../src/x509/verifier.ts';
import { pki, useCleanup } from './_helpers.ts';

const { cleanup, listen } = useCleanup();

interface Sink {
  port: number;
  /** Resolves with the server's socket once its handshake is done. */
  accepted: Promise<TLSSocket>;
  /** Application bytes the server has read. */
  received(): number;
}

/** A server that reads everything and writes nothing. */
async function sinkServer(): Promise<Sink> {
  let received = 0;
  let accept: (s: TLSSocket) => void = () => {};
  const accepted = new Promise<TLSSocket>((r) => (accept = r));
  const server = createServer({ key: pki('ecdsa-p256', 'end.key'), cert: pki('ecdsa-p256', 'end.chain.pem') }, (s) => {
    s.on('data', (d: Buffer) => (received += d.length));
    s.on('error', () => {});
    accept(s);
  });
  server.on('tlsClientError', () => {});
  const port = await listen(server);
  return { port, accepted, received: () => received };
}

/** Our engine as a client over a raw socket: handshake, then the test drives it by hand. */
async function flooder(port: number): Promise<{ sock: net.Socket; conn: ClientConnection; send(): Promise<void> }> {
  const conn = new ClientConnection(clientConfig({ provider: nodeCryptoProvider, verifier: dangerouslyAcceptAnyCertificate() }), {
    serverName: 'localhost',
  });
  const sock = net.connect(port, '127.0.0.1');
  cleanup.push(() => sock.destroy());
  sock.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      try {
        conn.receive(d);
      } catch (e) {
        reject(e);
        return;
      }
      sock.write(conn.takeOutput());
      if (conn.isHandshakeDone) {
        sock.off('data', onData);
        resolve();
      }
    };
    sock.on('data', onData);
    sock.write(conn.takeOutput());
  });
  // From here on the client never reads.
  sock.pause();
  const send = async (): Promise<void> => {
    if (!sock.write(conn.takeOutput())) {
      await new Promise((r) => {
        sock.once('drain', r);
        sock.once('close', r);
      });
    }
  };
  return { sock, conn, send };
}

async function waitUntil(test: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; !test(); ) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('KeyUpdate flood over a real socket, client never reads (RFC 8446 §4.6.3)', () => {
  it('a server that does not write sends nothing in answer to 300 update_requested KeyUpdates', async () => {
    const sink = await sinkServer();
    const { conn, send } = await flooder(sink.port);
    conn.write(new Uint8Array(1));
    await send();
    const server = await sink.accepted;
    const transport = server.transport as net.Socket;
    await waitUntil(() => sink.received() === 1, 'the first byte');
    const written = transport.bytesWritten;
    const data = new Uint8Array(POST_HANDSHAKE_MESSAGE_DATA_COST); // pays for each KeyUpdate
    for (let i = 0; i < 300; i++) {
      conn.updateKeys(true);
      conn.write(data);
      await send();
    }
    await waitUntil(() => sink.received() === 1 + 300 * data.length, 'all the data');
    expect(transport.bytesWritten + transport.writableLength - written).toBe(0);
    expect(server.destroyed).toBe(false);
  });

  it('one byte between requests does not restore the bound: the server ends the connection with unexpected_message', async () => {
    const sink = await sinkServer();
    const { sock, conn, send } = await flooder(sink.port);
    conn.write(new Uint8Array(1));
    await send();
    const server = await sink.accepted;
    const failed = new Promise<unknown>((r) => server.once('error', r));
    for (let i = 0; i <= MAX_POST_HANDSHAKE_MESSAGE_BURST && !sock.destroyed; i++) {
      conn.updateKeys(true);
      conn.write(new Uint8Array(1));
      await send();
    }
    const err = await failed;
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).alert).toBe(AlertDescription.unexpected_message);
  });
});
