/**
 * @module server
 * `ServerConnection`: the sans-I/O TLS 1.3 server. It waits for a ClientHello; drive it with
 * receive() / takeOutput().
 */
import type { ServerConfig } from '../config.ts';
import { serverHandle, startServer, type ServerState } from '../handshake/server/index.ts';
import { Connection } from './connection.ts';
import type { ConnectionObserver } from './observer.ts';

export interface ServerConnectionOptions {
  /** Sees every record, handshake message, alert and key schedule value (connection/observer.ts). */
  readonly observer?: ConnectionObserver;
}

/**
 * A TLS 1.3 server connection.
 * @example
 * const conn = new ServerConnection(serverConfig({ provider, certificates: [certifiedKey(provider, chainPem, keyPem)] }));
 * conn.receive(bytesFromClient); socket.write(conn.takeOutput());
 */
export class ServerConnection extends Connection<ServerState> {
  constructor(config: ServerConfig, options: ServerConnectionOptions = {}) {
    if (config?.side !== 'server') throw new TypeError('ServerConnection: expected a config from serverConfig()');
    super(config, { handle: serverHandle }, startServer(config), false, options.observer);
  }

  /**
   * The next chunk of accepted 0-RTT early data (RFC 8446 §4.2.10), or undefined. Early data is
   * REPLAYABLE by an attacker (RFC 8446 §8): act on it only if that is harmless. Enabled by
   * `maxEarlyDataSize` with a `sessionStore`; the `earlyData` event reports the outcome.
   */
  readEarlyData(): Uint8Array | undefined {
    return this.readEarly();
  }
}
