/**
 * @module test/fuzz/corpus
 * The fuzz corpus (STYLE §8.1, §9): `loadCorpus` reads vectors/fuzz-corpus/<target>/*.bin, which
 * holds the seeds below, the inputs campaigns kept for reaching new code (`npm run fuzz --
 * --save`) and minimised findings. Seeds: real flights recorded from our client and server under
 * the fuzz provider (deterministic, so a recorded flight replays into a fresh connection and
 * reaches the end of the handshake), the handshake messages of the RFC 8448 traces and their
 * extension blocks; the other targets' seeds come from seeds/.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concat, utf8 } from '../../src/bytes/bytes.ts';
import { Writer } from '../../src/codec/writer.ts';
import type { ClientConfig, ServerConfig } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import type { Connection } from '../../src/connection/connection.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { encodeExtensions } from '../../src/messages/extensions/extensions.ts';
import type { HandshakeMessage } from '../../src/messages/handshake.ts';
import { NamedGroup } from '../../src/protocol/registry.ts';
import { decodeMessage, splitHandshakeMessages } from '../helpers/tamper.ts';
import { loadTrace, type TraceName } from '../helpers/vectors.ts';
import { compressedCertificateSeeds, pausedServerSeeds, proxyHeaderSeeds, ticketSeeds } from './seeds/network.ts';
import { revocationSeeds } from './seeds/revocation.ts';
import { certificateSeeds, pemSeeds, privateKeySeeds, verifierSeeds } from './seeds/x509.ts';
import { EXTENSION_CONTEXT_LIST } from './targets/extensions.ts';
import type { TargetName } from './targets/index.ts';
import { FUZZ_CLIENT_CONFIG, FUZZ_SERVER_CONFIG } from './targets/setup.ts';

export const CORPUS_DIR: string = resolve(dirname(fileURLToPath(import.meta.url)), '../../vectors/fuzz-corpus');

/** Every .bin file of a target's corpus folder. */
export function loadCorpus(target: TargetName): Uint8Array[] {
  const dir = join(CORPUS_DIR, target);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .map((f) => new Uint8Array(readFileSync(join(dir, f))));
}

/** What each side received in one recorded run. */
export interface RecordedRun {
  /** Everything the server sent, in order: the client target's input. */
  readonly toClient: Uint8Array;
  /** Everything the client sent, in order: the server target's input. */
  readonly toServer: Uint8Array;
}

/**
 * Runs a fuzz-provider handshake plus some application traffic, recording both directions.
 * `client`/`server` default to the targets' own configs, so the recording replays into them.
 */
export function recordRun(client: ClientConnection, server: ServerConnection): RecordedRun {
  const toClient: Uint8Array[] = [];
  const toServer: Uint8Array[] = [];
  const move = (from: Connection, to: Connection, log: Uint8Array[]): void => {
    const b = from.takeOutput();
    if (b.length === 0) return;
    log.push(b);
    to.receive(b);
  };
  for (let i = 0; i < 6; i++) {
    move(client, server, toServer);
    move(server, client, toClient);
  }
  if (!client.isHandshakeDone || !server.isHandshakeDone) throw new Error('corpus: recorded handshake did not complete');
  client.write(utf8('GET / HTTP/1.1\r\n\r\n'));
  server.write(utf8('HTTP/1.1 200 OK\r\n\r\n'));
  client.updateKeys(true);
  server.updateKeys(false);
  move(client, server, toServer);
  move(server, client, toClient);
  client.close();
  server.close();
  move(client, server, toServer);
  move(server, client, toClient);
  return { toClient: concat(...toClient), toServer: concat(...toServer) };
}

/** The recorded runs: plain 1-RTT, and HelloRetryRequest in each direction the targets can replay. */
export function recordedRuns(): { name: string; run: RecordedRun; replaysInto: 'client' | 'server' | 'both' }[] {
  const plain = recordRun(new ClientConnection(FUZZ_CLIENT_CONFIG, { serverName: 'localhost' }), new ServerConnection(FUZZ_SERVER_CONFIG));
  // The client target's config, against a server that only takes P-256: HRR from the server.
  const hrrServer: ServerConfig = { ...FUZZ_SERVER_CONFIG, groups: [NamedGroup.secp256r1] };
  const clientSideHrr = recordRun(new ClientConnection(FUZZ_CLIENT_CONFIG, { serverName: 'localhost' }), new ServerConnection(hrrServer));
  // The server target's config, against a client that sends no share: HRR to the client.
  const shareless: ClientConfig = { ...FUZZ_CLIENT_CONFIG, keyShareGroups: [] };
  const serverSideHrr = recordRun(new ClientConnection(shareless, { serverName: 'localhost' }), new ServerConnection(FUZZ_SERVER_CONFIG));
  return [
    { name: 'plain', run: plain, replaysInto: 'both' },
    { name: 'hrr-client', run: clientSideHrr, replaysInto: 'client' },
    { name: 'hrr-server', run: serverSideHrr, replaysInto: 'server' },
  ];
}

/** Handshake messages of the RFC 8448 traces (every "send handshake record" payload). */
export function traceMessages(): Uint8Array[] {
  const names: TraceName[] = ['03-simple-1rtt', '04-resumed-0rtt', '05-hello-retry-request', '06-client-authentication'];
  const out: Uint8Array[] = [];
  for (const name of names) {
    for (const s of loadTrace(name)) {
      if (s.action !== 'send handshake record') continue;
      const payload = s.fields.get('payload');
      if (payload) out.push(...splitHandshakeMessages(payload));
    }
  }
  return out;
}

/** Extension blocks of decodable messages, prefixed with their context index (extensions target). */
export function extensionBlocks(messages: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const raw of messages) {
    let m: HandshakeMessage;
    try {
      m = decodeMessage(raw);
    } catch {
      continue;
    }
    const ctx =
      m.type === 1 ? 'client_hello' : m.type === 2 ? (m.isHelloRetryRequest ? 'hello_retry_request' : 'server_hello') : m.type === 8 ? 'encrypted_extensions' : m.type === 13 ? 'certificate_request' : m.type === 4 ? 'new_session_ticket' : undefined;
    if (ctx === undefined || !('extensions' in m)) continue;
    const w = new Writer();
    w.u8(EXTENSION_CONTEXT_LIST.indexOf(ctx));
    encodeExtensions(w, m.extensions, ctx);
    out.push(w.finish());
  }
  return out;
}

/** Every seed, per target. */
export function seeds(): Record<TargetName, Uint8Array[]> {
  const runs = recordedRuns();
  const messages = traceMessages();
  const flights = runs.flatMap((r) => [r.run.toClient, r.run.toServer]);
  const revocation = revocationSeeds();
  return {
    client: runs.filter((r) => r.replaysInto !== 'server').map((r) => r.run.toClient),
    server: runs.filter((r) => r.replaysInto !== 'client').map((r) => r.run.toServer),
    // The CompressedCertificate seeds framed as handshake messages (type 25, RFC 8879 §4).
    message: [...messages, ...compressedCertificateSeeds().map((b) => concat(new Uint8Array([25, b.length >> 16, (b.length >> 8) & 0xff, b.length & 0xff]), b))],
    extensions: extensionBlocks(messages),
    deframer: flights.map((f, i) => concat(new Uint8Array([i * 37 + 5]), f)),
    certificate: certificateSeeds(),
    verifier: verifierSeeds(),
    'paused-server': pausedServerSeeds(runs),
    ticket: ticketSeeds(),
    'proxy-header': proxyHeaderSeeds(),
    pem: pemSeeds(),
    'private-key': privateKeySeeds(),
    'compressed-certificate': compressedCertificateSeeds(),
    'ocsp-response': revocation.ocsp,
    crl: revocation.crl,
  };
}

/** Writes the seeds as vectors/fuzz-corpus/<target>/<sha1>.bin (keeps files already there). */
export function writeCorpus(): void {
  for (const [target, list] of Object.entries(seeds())) addToCorpus(target as TargetName, list);
}

/** Adds inputs to vectors/fuzz-corpus/<target>/ as <sha1>.bin; returns how many were not there yet. */
export function addToCorpus(target: TargetName, inputs: readonly Uint8Array[]): number {
  const dir = join(CORPUS_DIR, target);
  mkdirSync(dir, { recursive: true });
  let added = 0;
  for (const data of inputs) {
    const file = join(dir, `${createHash('sha1').update(data).digest('hex')}.bin`);
    if (existsSync(file)) continue;
    writeFileSync(file, data);
    added++;
  }
  return added;
}
