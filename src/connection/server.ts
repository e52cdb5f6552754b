/**
 * @module server
 * `ServerConnection`: the sans-I/O TLS 1.3 server. It waits for a ClientHello; drive it with
 * receive() / takeOutput(). With config `pauseFor` it asks its caller for the certificate, the
 * session or the signature through an event and waits for the matching resolve method
 * (docs/05-sans-io-api.md, "Asynchronous decisions").
 */
import { aBytes } from '../bytes/assert.ts';
import type { ServerConfig } from '../config.ts';
import { internalError } from '../errors.ts';
import {
  resumeWithCertificate,
  resumeWithSession,
  resumeWithSignature,
  serverHandle,
  startServer,
  type ServerState,
} from '../handshake/server/index.ts';
import { certificateRequestRefusal, requestClientCertificate } from '../handshake/server/post-handshake-auth.ts';
import type { CertifiedKey } from '../x509/certified-key.ts';
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

  /**
   * Answers `needCertificate`: the certificate for this ClientHello (or candidates, best first),
   * undefined for the config's own choice by server name, or an Error: the handshake fails with
   * internal_error (our failure, not the client's).
   * @throws Error when not waiting for a certificate; TlsError when the handshake then fails
   */
  resolveCertificate(answer: CertifiedKey | readonly CertifiedKey[] | undefined | Error): void {
    this.answer('AwaitCertificate', 'resolveCertificate', (st, out) => {
      if (answer instanceof Error) throw internalError(`server: certificate selection failed: ${answer.message}`, answer);
      const list = answer === undefined ? undefined : Array.isArray(answer) ? answer : [answer as CertifiedKey];
      return resumeWithCertificate(st as Extract<ServerState, { kind: 'AwaitCertificate' }>, list, out);
    });
  }

  /**
   * Answers `needSession` with the state the store held under the identity, now removed (single
   * use, RFC 8446 §8.1); undefined when there was none. An Error (the store failed or timed out)
   * counts as none: the handshake goes on without this session, never accepting a replay.
   * @throws Error when not waiting for a session; TlsError when the handshake then fails
   */
  resolveSession(answer: Uint8Array | undefined | Error): void {
    if (answer !== undefined && !(answer instanceof Error)) aBytes(answer, 'resolveSession(state)');
    this.answer('AwaitSession', 'resolveSession', (st, out) =>
      resumeWithSession(st as Extract<ServerState, { kind: 'AwaitSession' }>, answer instanceof Error ? undefined : answer, out),
    );
  }

  /**
   * Answers `needSignature` with the signature over the question's content (RFC 8446 §4.4.3), or
   * an Error: the handshake fails with internal_error.
   * @throws Error when not waiting for a signature; TlsError when the handshake then fails
   */
  resolveSignature(answer: Uint8Array | Error): void {
    if (!(answer instanceof Error)) aBytes(answer, 'resolveSignature(signature)');
    this.answer('AwaitSignature', 'resolveSignature', (st, out) => {
      if (answer instanceof Error) throw internalError(`server: signing failed: ${answer.message}`, answer);
      return resumeWithSignature(st as Extract<ServerState, { kind: 'AwaitSignature' }>, answer.slice(), out);
    });
  }

  /**
   * Asks the client for a certificate now (post-handshake authentication, RFC 8446 §4.6.2),
   * checked with `postHandshakeClientAuth` (default `clientAuth`). The 'clientCertificate' event
   * reports the answer; a refused chain or signature fails the connection with its alert.
   * @throws Error when the client did not offer post_handshake_auth, no verifier is configured, a
   *   request is still unanswered, or the handshake is not done
   */
  requestClientCertificate(): void {
    this.postHandshake('requestClientCertificate', requestClientCertificate, (st) => {
      const why = certificateRequestRefusal(st);
      if (why !== undefined) throw new Error(`requestClientCertificate: ${why}`);
    });
  }
}
