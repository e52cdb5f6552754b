/**
 * @module test/fuzz/targets/server
 * Fuzz target: a ServerConnection under the fuzz provider receives `data` as the client's bytes
 * (ClientHello, retried ClientHello, Finished, then application data), so every server state
 * (RFC 8446 Appendix A.2) is reachable from a mutated client flight.
 */
import { ServerConnection } from '../../../src/connection/server.ts';
import { FUZZ_SERVER_CONFIG, expectOnlyTlsErrors } from './setup.ts';

export function fuzz(data: Uint8Array): void {
  const conn = new ServerConnection(FUZZ_SERVER_CONFIG);
  expectOnlyTlsErrors(() => {
    conn.receive(data);
    conn.takeOutput();
    if (conn.isHandshakeDone) {
      conn.write(new Uint8Array([1, 2, 3]));
      conn.updateKeys(true);
      conn.takeOutput();
    }
  });
  for (let e = conn.poll(); e !== undefined; e = conn.poll());
  while (conn.read() !== undefined);
}
