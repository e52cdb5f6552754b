/**
 * @module server
 * `ServerConnection`: the sans-I/O TLS 1.3 server. It waits for a ClientHello; drive it with
 * receive() / takeOutput().
 */
import type { ServerConfig } from '../config.ts';
import { serverHandle, startServer, type ServerState } from '../handshake/server/index.ts';
import { Connection } from './connection.ts';

/**
 * A TLS 1.3 server connection.
 * @example
 * const conn = new ServerConnection(serverConfig({ provider, certificates: [certifiedKey(provider, chainPem, keyPem)] }));
 * conn.receive(bytesFromClient); socket.write(conn.takeOutput());
 */
export class ServerConnection extends Connection<ServerState> {
  constructor(config: ServerConfig) {
    if (config?.side !== 'server') throw new TypeError('ServerConnection: expected a config from serverConfig()');
    super(config, { handle: serverHandle }, startServer(config), false);
  }
}
