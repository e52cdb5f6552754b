/**
 * @module test/runtimes/in-memory-handshake
 * The scenario every runtime test runs (Deno, Bun, Chromium, and Node as the reference): a puretls
 * client and server on the pure provider, in memory, with the ECDSA P-256 test PKI (leaf +
 * intermediate, verified against the root), application data both ways, then the same client
 * config with another root, which must refuse the chain. Public API only, no Node API: it is
 * bundled against the browser bundle (_bundle.ts) and run as is in each runtime.
 */
import {
  ClientConnection,
  ServerConnection,
  TlsError,
  certifiedKey,
  clientConfig,
  nobleProvider,
  parseCertificateChain,
  serverConfig,
  trustExactly,
  type Connection,
} from '../../src/index.ts';

/** PEM texts from vectors/certs. */
export interface ScenarioPems {
  readonly ca: string;
  readonly endChain: string;
  readonly endKey: string;
  /** A root that did not issue the chain. */
  readonly otherCa: string;
}

export interface ScenarioResult {
  readonly cipherSuite: string;
  readonly group: string;
  readonly signatureScheme: string;
  readonly serverChainLength: number;
  /** Length and checksum of what each side read and sent (`fingerprint`). */
  readonly clientRead: string;
  readonly serverRead: string;
  readonly clientSent: string;
  readonly serverSent: string;
  /** The alert the client raised against the untrusted root. */
  readonly untrustedAlert: string;
}

const DATA_LENGTH = 40_000; // several records each way

export function inMemoryHandshake(pems: ScenarioPems): ScenarioResult {
  const provider = nobleProvider;
  const serverCfg = serverConfig({ provider, certificates: [certifiedKey(provider, pems.endChain, pems.endKey)] });
  const trusting = (caPem: string) =>
    clientConfig({ provider, verifier: trustExactly(parseCertificateChain(caPem)) });

  const client = new ClientConnection(trusting(pems.ca), { serverName: 'localhost' });
  const server = new ServerConnection(serverCfg);
  pumpUntil(client, server, () => client.isHandshakeDone && server.isHandshakeDone);
  const negotiated = client.negotiated;
  if (negotiated === undefined) throw new Error('no negotiated parameters');

  const toServer = pattern(DATA_LENGTH, 1);
  const toClient = pattern(DATA_LENGTH, 7);
  client.write(toServer);
  server.write(toClient);
  const serverRead: Uint8Array[] = [];
  const clientRead: Uint8Array[] = [];
  pumpUntil(client, server, () => {
    for (let d = server.read(); d !== undefined; d = server.read()) serverRead.push(d);
    for (let d = client.read(); d !== undefined; d = client.read()) clientRead.push(d);
    return total(serverRead) >= DATA_LENGTH && total(clientRead) >= DATA_LENGTH;
  });

  let untrustedAlert = 'none';
  const refused = new ClientConnection(trusting(pems.otherCa), { serverName: 'localhost' });
  try {
    pumpUntil(refused, new ServerConnection(serverCfg), () => refused.isHandshakeDone);
  } catch (err) {
    if (!(err instanceof TlsError)) throw err;
    untrustedAlert = err.alertName;
  }

  return {
    cipherSuite: negotiated.cipherSuite,
    group: negotiated.group,
    signatureScheme: negotiated.signatureScheme,
    serverChainLength: negotiated.peerCertificates.length,
    clientRead: fingerprint(concat(clientRead)),
    serverRead: fingerprint(concat(serverRead)),
    clientSent: fingerprint(toServer),
    serverSent: fingerprint(toClient),
    untrustedAlert,
  };
}

/** Moves bytes both ways until `done()`; at most 20 rounds. */
function pumpUntil(a: Connection, b: Connection, done: () => boolean): void {
  for (let round = 0; round < 20; round++) {
    if (done()) return;
    const ab = a.takeOutput();
    if (ab.length > 0) b.receive(ab);
    const ba = b.takeOutput();
    if (ba.length > 0) a.receive(ba);
  }
  if (!done()) throw new Error('in-memory pair made no progress');
}

function pattern(length: number, step: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * step + (i >>> 8)) & 0xff;
  return out;
}

function total(chunks: readonly Uint8Array[]): number {
  return chunks.reduce((n, c) => n + c.length, 0);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(total(chunks));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** Length and an Adler-32 style checksum: enough to see the same bytes arrived. */
function fingerprint(bytes: Uint8Array): string {
  let a = 1;
  let b = 0;
  for (const x of bytes) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return `${bytes.length}:${((b << 16) | a) >>> 0}`;
}
