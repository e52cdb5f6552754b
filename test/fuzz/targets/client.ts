/**
 * @module test/fuzz/targets/client
 * Fuzz target: a ClientConnection under the fuzz provider (null AEAD, fixed shares, signatures
 * always valid) receives `data` as the server's bytes, so a mutated server flight can reach every
 * client state (RFC 8446 Appendix A.1).
 */
import { ClientConnection } from '../../../src/connection/client.ts';
import { FUZZ_CLIENT_CONFIG, expectOnlyTlsErrors } from './setup.ts';

export function fuzz(data: Uint8Array): void {
  const conn = new ClientConnection(FUZZ_CLIENT_CONFIG, { serverName: 'localhost' });
  conn.takeOutput();
  expectOnlyTlsErrors(() => {
    conn.receive(data);
    conn.takeOutput();
    if (conn.isHandshakeDone) {
      conn.write(new Uint8Array([1, 2, 3]));
      conn.takeOutput();
    }
  });
  for (let e = conn.poll(); e !== undefined; e = conn.poll());
  while (conn.read() !== undefined);
}
