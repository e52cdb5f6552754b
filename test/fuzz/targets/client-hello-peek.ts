/**
 * @module test/fuzz/targets/client-hello-peek
 * Fuzz target: the Node adapter's ClientHello peek (src/node/client-hello-peek.ts), which reads
 * the server name before the engine runs so that node's asynchronous SNICallback can choose the
 * certificate. The first input byte picks how the rest is cut into socket chunks. Differential
 * oracle against the engine (a fuzz-provider ServerConnection given the same bytes, whose
 * certificate selection records the name it was asked for): when the engine selects a
 * certificate for the first ClientHello, the peek must have read that ClientHello and the same
 * name, within the bytes that carried it; the peek must never throw and must decide within its
 * byte bound.
 */
import type { ServerConfig } from '../../../src/config.ts';
import { ServerConnection } from '../../../src/connection/server.ts';
import { ClientHelloPeek, type PeekResult } from '../../../src/node/client-hello-peek.ts';
import { FUZZ_SERVER_CONFIG, expectOnlyTlsErrors } from './setup.ts';

/** What the engine's certificate selection was asked for, per run. */
let asked: (string | undefined)[] = [];
const RECORDING_CONFIG: ServerConfig = {
  ...FUZZ_SERVER_CONFIG,
  selectCertificate: (serverName) => {
    asked.push(serverName);
    return undefined;
  },
};

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  const seed = data[0] as number;
  const stream = data.subarray(1);
  const peek = new ClientHelloPeek();
  let result: PeekResult | undefined;
  let at = 0;
  for (let i = 0; at < stream.length && result === undefined; i++) {
    const size = 1 + ((seed * (i + 1) * 131) % 4099);
    result = peek.push(stream.subarray(at, at + size));
    at += size;
  }
  const pushed = peek.buffered.reduce((n, c) => n + c.length, 0);
  if (pushed !== Math.min(at, stream.length)) throw new Error('peek: buffered bytes differ from the bytes pushed');

  asked = [];
  const conn = new ServerConnection(RECORDING_CONFIG);
  expectOnlyTlsErrors(() => conn.receive(stream));
  const engineName = asked[0];
  if (asked.length === 0) return;
  // The engine read a ClientHello and selected a certificate for it: the peek must agree.
  if (result === undefined) throw new Error('peek: undecided on bytes the engine read a ClientHello from');
  if (result.kind !== 'hello') throw new Error(`peek: unreadable, but the engine read server name ${JSON.stringify(engineName)}`);
  if (result.serverName !== engineName) {
    throw new Error(`peek: server name ${JSON.stringify(result.serverName)}, engine ${JSON.stringify(engineName)}`);
  }
}
