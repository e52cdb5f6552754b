/**
 * @module test/interop/_exchanges
 * The application-data exchanges the openssl interop suites end their connections with, shared so
 * that every file checks the close the same way (RFC 8446 §6.1).
 */
import { expect } from 'vitest';
import type { PeerProcess } from '../helpers/peers.ts';
import type { SocketPump } from '../helpers/socket-pump.ts';

/** One line each way, then our close_notify; s_client answers with its own and exits 0 (RFC 8446 §6.1). */
export async function pingPongClose(pump: SocketPump, cli: PeerProcess): Promise<void> {
  cli.send('ping\n');
  await pump.waitForText('ping\n');
  pump.write('pong\n');
  await cli.waitForOutput('pong');
  pump.close();
  await cli.waitForOutput('closed', 10_000, 'any');
  await pump.waitForPeerClose();
  expect((await cli.waitForExit()).code).toBe(0);
}

/**
 * GET / against `s_server -www`: the status page. s_server sends its close_notify after the page
 * (RFC 8446 §6.1) and serves its next connection only once we closed too.
 */
export async function fetchStatusPage(pump: SocketPump): Promise<string> {
  pump.write('GET / HTTP/1.0\r\n\r\n');
  await pump.waitForPeerClose();
  pump.close();
  pump.end();
  await pump.waitForSocketClose();
  return pump.receivedText();
}
