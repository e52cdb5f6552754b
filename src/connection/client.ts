/**
 * @module client
 * `ClientConnection`: the sans-I/O TLS 1.3 client. The first ClientHello is queued at
 * construction; drive it with receive() / takeOutput().
 */
import { aString } from '../bytes/assert.ts';
import type { ClientConfig } from '../config.ts';
import type { KeyShareKeyPair } from '../crypto/provider.ts';
import { offeredPsksFor, sendFirstClientHello } from '../handshake/client/client-hello.ts';
import { clientHandle, startClient, type ClientState } from '../handshake/client/index.ts';
import type { ClientExpectServerHello } from '../handshake/client/state.ts';
import { HandshakeOutput } from '../handshake/output.ts';
import type { ClientHello } from '../messages/client-hello.ts';
import type { ClientSession, ClientSessionCache } from '../session/client-cache.ts';
import { Connection } from './connection.ts';
import type { ConnectionObserver } from './observer.ts';

export interface ClientConnectionOptions {
  /** The server's name: sent as SNI (RFC 6066 §3) unless an IP literal, and checked against its certificate. */
  readonly serverName?: string;
  /**
   * A session to resume (RFC 8446 §4.6.1), e.g. one imported with decodeClientSession. Default:
   * the newest unexpired ticket for serverName from config.sessionCache, used once.
   */
  readonly session?: ClientSession;
  /** Sees every record, handshake message, alert and key schedule value (connection/observer.ts). */
  readonly observer?: ConnectionObserver;
}

/**
 * A TLS 1.3 client connection.
 * @example
 * const conn = new ClientConnection(clientConfig({ provider, verifier }), { serverName: 'example.com' });
 * socket.write(conn.takeOutput());
 */
export class ClientConnection extends Connection<ClientState> {
  private cache: ClientSessionCache | undefined;

  constructor(config: ClientConfig, options: ClientConnectionOptions = {}, first?: FirstHello) {
    if (config?.side !== 'client') throw new TypeError('ClientConnection: expected a config from clientConfig()');
    if (options.serverName !== undefined) aString(options.serverName, 'serverName');
    const out = new HandshakeOutput();
    const session =
      options.session ?? (options.serverName === undefined || first ? undefined : config.sessionCache?.take(options.serverName, config.now()));
    const initial: ClientExpectServerHello = first
      ? sendFirstClientHello(config, options.serverName, first.hello, first.keyShares, out, session ? offeredPsksFor(config, session) : [])
      : startClient(config, options.serverName, session, out);
    super(config, { handle: clientHandle }, initial, true, options.observer);
    this.cache = config.sessionCache;
    this.start(out);
  }

  /**
   * Sends 0-RTT early data (RFC 8446 §4.2.10) right after the ClientHello, when resuming with a
   * ticket that allows it and `config.earlyData` is on. Returns the bytes taken (0 when early data
   * is not possible; at most the ticket's max_early_data_size). Early data is REPLAYABLE by an
   * attacker (RFC 8446 §8); the `earlyData` event says whether the server accepted it, and data
   * it rejected must be sent again with write() if still wanted.
   */
  writeEarlyData(data: Uint8Array): number {
    return this.writeEarly(data);
  }

  /** Tickets from this server go to the config's cache (RFC 8446 §4.6.1). */
  protected override onSessionTicket(session: ClientSession): void {
    this.cache?.put(session);
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
