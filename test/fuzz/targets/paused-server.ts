/**
 * @module test/fuzz/targets/paused-server
 * Fuzz target: a ServerConnection that pauses for all three decisions (config `pauseFor`:
 * certificate, session, signature; docs/05-sans-io-api.md "Asynchronous decisions") receives the
 * client's bytes cut into socket chunks, and answers each question only after a few more chunks
 * arrived, so hostile input meets the engine while it waits (buffered, bounded) and when it goes
 * on. The first input byte picks the chunk sizes, how long each answer waits and whether the
 * session answer is the error form. Oracle: only TlsErrors (STYLE §8.1), and a resolve call never throws anything
 * but the engine's TlsError.
 */
import type { ServerConfig } from '../../../src/config.ts';
import type { ConnectionEvent } from '../../../src/connection/events.ts';
import { ServerConnection } from '../../../src/connection/server.ts';
import { MemorySessionStore } from '../../../src/session/store.ts';
import { FUZZ_SERVER_CONFIG, expectOnlyTlsErrors } from './setup.ts';

const PAUSING_CONFIG: ServerConfig = {
  ...FUZZ_SERVER_CONFIG,
  sessionStore: new MemorySessionStore(4),
  pauseFor: { certificate: true, session: true, signature: true },
};

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  const seed = data[0] as number;
  const stream = data.subarray(1);
  const conn = new ServerConnection(PAUSING_CONFIG);
  let question: ConnectionEvent | undefined;
  let waited = 0;
  expectOnlyTlsErrors(() => {
    for (let at = 0, i = 0; at < stream.length || conn.isPaused; i++) {
      if (at < stream.length) conn.receive(stream.subarray(at, at + 1 + ((seed * (i + 1) * 131) % 4099)));
      at += 1 + ((seed * (i + 1) * 131) % 4099);
      conn.takeOutput();
      for (let e = conn.poll(); e !== undefined; e = conn.poll()) {
        if (e.kind === 'needCertificate' || e.kind === 'needSession' || e.kind === 'needSignature') question = e;
      }
      // Answer after (seed % 4) more chunks, or at once when the input ran out.
      if (question === undefined || (waited++ < seed % 4 && at < stream.length)) continue;
      const q = question;
      question = undefined;
      waited = 0;
      // The error forms of certificate and signature are internal_error by design (unit-tested
      // in test/handshake/pause-for.test.ts); the session's is a full handshake.
      if (q.kind === 'needCertificate') conn.resolveCertificate(undefined);
      else if (q.kind === 'needSession') conn.resolveSession((seed & 0x10) !== 0 ? new Error('fuzz') : undefined);
      else if (q.kind === 'needSignature') conn.resolveSignature(q.certificate.key.sign(q.scheme, q.content, PAUSING_CONFIG.random));
    }
  });
  for (let e = conn.poll(); e !== undefined; e = conn.poll());
  while (conn.read() !== undefined);
}
