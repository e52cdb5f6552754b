/**
 * In-memory client/server pair (STYLE §8, after rustls-test's `transfer` / `transfer_altered`):
 * moves one side's output to the other's input, optionally editing it on the way, so handshake
 * tests need no sockets.
 */
import { readFileSync } from 'node:fs';
import { clientConfig, serverConfig, type ClientConfigInput, type ServerConfigInput } from '../../src/config.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import type { Connection } from '../../src/connection/connection.ts';
import type { ConnectionEvent } from '../../src/connection/events.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { TlsError } from '../../src/errors.ts';
import { certifiedKey, type CertifiedKey } from '../../src/x509/certified-key.ts';
import { parseCertificateChain } from '../../src/x509/certificate.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { certPaths, type KeyType } from './pki.ts';

export interface PairOptions {
  readonly keyType?: KeyType;
  readonly client?: Partial<ClientConfigInput>;
  readonly server?: Partial<ServerConfigInput>;
  readonly serverName?: string;
}

/** A server certificate from the test PKI. */
export function testCertifiedKey(provider: CryptoProvider, keyType: KeyType = 'ecdsa-p256'): CertifiedKey {
  const p = certPaths(keyType);
  return certifiedKey(provider, readFileSync(p.endChain, 'utf8'), readFileSync(p.endKey, 'utf8'));
}

/** The test PKI's root for `keyType`, as DER. */
export function testRoot(keyType: KeyType = 'ecdsa-p256'): Uint8Array {
  const der = parseCertificateChain(readFileSync(certPaths(keyType).ca, 'utf8'))[0];
  if (!der) throw new Error('pki: no root');
  return der;
}

/**
 * A client and server configured against the test PKI. The server takes the first of its suites
 * the client offers under either provider (`preferChaCha20: false` unless `opts.server` says
 * otherwise), so tests that rebuild records (tamper.ts) know the suite: TLS_AES_128_GCM_SHA256
 * by default.
 */
export function makePair(provider: CryptoProvider, opts: PairOptions = {}): { client: ClientConnection; server: ServerConnection } {
  const keyType = opts.keyType ?? 'ecdsa-p256';
  const server = new ServerConnection(
    serverConfig({ provider, certificates: [testCertifiedKey(provider, keyType)], preferChaCha20: false, ...opts.server }),
  );
  const client = new ClientConnection(
    clientConfig({ provider, verifier: trustExactly([testRoot(keyType)]), ...opts.client }),
    { serverName: opts.serverName ?? 'localhost' },
  );
  return { client, server };
}

/** Moves everything `from` has to send into `to`. Returns the number of bytes moved. */
export function transfer(from: Connection, to: Connection): number {
  const bytes = from.takeOutput();
  if (bytes.length > 0) to.receive(bytes);
  return bytes.length;
}

/** Like transfer, but `edit` may rewrite the bytes in flight. */
export function transferAltered(from: Connection, to: Connection, edit: (bytes: Uint8Array) => Uint8Array): void {
  const bytes = from.takeOutput();
  if (bytes.length > 0) to.receive(edit(bytes));
}

/** Runs the handshake to completion (both sides done). */
export function handshake(client: Connection, server: Connection): void {
  for (let i = 0; i < 10 && !(client.isHandshakeDone && server.isHandshakeDone && !client.hasOutput && !server.hasOutput); i++) {
    transfer(client, server);
    transfer(server, client);
  }
  if (!client.isHandshakeDone || !server.isHandshakeDone) throw new Error('pair: handshake did not complete');
}

/**
 * Runs a handshake that one side aborts: the flights go back and forth (six rounds, more than a
 * handshake has) whatever either side throws; each side's failure is then in its `error`.
 */
export function failingHandshake(client: Connection, server: Connection): void {
  for (let i = 0; i < 6; i++) {
    try {
      transfer(client, server);
    } catch {
      // the server's failure is in server.error, its alert in its output
    }
    try {
      transfer(server, client);
    } catch {
      // the client's failure is in client.error
    }
  }
}

/** All events queued on `conn`. */
export function drainEvents(conn: Connection): ConnectionEvent[] {
  const events: ConnectionEvent[] = [];
  for (let e = conn.poll(); e !== undefined; e = conn.poll()) events.push(e);
  return events;
}

/** All application data queued on `conn`, concatenated. */
export function readAll(conn: Connection): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let c = conn.read(); c !== undefined; c = conn.read()) parts.push(c);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Runs `fn`, expects a TlsError, and returns it. */
export function expectTlsError(fn: () => unknown): TlsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TlsError) return e;
    throw new Error(`expected a TlsError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a TlsError, nothing was thrown');
}
