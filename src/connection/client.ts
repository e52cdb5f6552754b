/**
 * @module client
 * `ClientConnection`: the sans-I/O TLS 1.3 client. The first ClientHello is queued at
 * construction; drive it with receive() / takeOutput().
 */
import { aString } from '../bytes/assert.ts';
import type { ClientConfig } from '../config.ts';
import type { KeyShareKeyPair } from '../crypto/provider.ts';
import { sendFirstClientHello } from '../handshake/client/client-hello.ts';
import { clientHandle, startClient, type ClientState } from '../handshake/client/index.ts';
import type { ClientExpectServerHello } from '../handshake/client/state.ts';
import { HandshakeOutput } from '../handshake/output.ts';
import type { ClientHello } from '../messages/client-hello.ts';
import { Connection } from './connection.ts';

export interface ClientConnectionOptions {
  /** The server's name: sent as SNI (RFC 6066 §3) unless an IP literal, and checked against its certificate. */
  readonly serverName?: string;
}

/**
 * A TLS 1.3 client connection.
 * @example
 * const conn = new ClientConnection(clientConfig({ provider, verifier }), { serverName: 'example.com' });
 * socket.write(conn.takeOutput());
 */
export class ClientConnection extends Connection<ClientState> {
  constructor(config: ClientConfig, options: ClientConnectionOptions = {}, first?: FirstHello) {
    if (config?.side !== 'client') throw new TypeError('ClientConnection: expected a config from clientConfig()');
    if (options.serverName !== undefined) aString(options.serverName, 'serverName');
    const out = new HandshakeOutput();
    const initial: ClientExpectServerHello = first
      ? sendFirstClientHello(config, options.serverName, first.hello, first.keyShares, out)
      : startClient(config, options.serverName, out);
    super(config, { handle: clientHandle }, initial, true);
    this.start(out);
  }

  /**
   * A client that sends exactly `hello`, holding `keyShares` for its key_share entries. For
   * replaying recorded handshakes (the RFC 8448 tests) and for fuzzing; applications use the
   * constructor, which builds the hello from the config.
   */
  static fromClientHello(
    config: ClientConfig,
    options: ClientConnectionOptions,
    hello: ClientHello,
    keyShares: readonly KeyShareKeyPair[],
  ): ClientConnection {
    return new ClientConnection(config, options, { hello, keyShares });
  }
}

interface FirstHello {
  readonly hello: ClientHello;
  readonly keyShares: readonly KeyShareKeyPair[];
}
