/**
 * @module node/decisions
 * Answers a paused server's questions (the engine's `pauseFor`, docs/05-sans-io-api.md
 * "Asynchronous decisions") from the adapter's options: node's asynchronous `SNICallback` chooses
 * the certificate, a `RemoteSessionStore` takes the session, a `signer` makes the CertificateVerify
 * signature. Every failure becomes the question's error form, so the engine decides what it means
 * (a full handshake for a session, internal_error otherwise).
 */
import type { ServerConnection } from '../connection/server.ts';
import type { Question } from '../connection/events.ts';
import type { RemoteSessionStore } from '../session/store.ts';
import type { CertifiedKey } from '../x509/certified-key.ts';
import type { SecureContext } from './secure-context.ts';

/** node:tls's `SNICallback(servername, cb)`. */
export type SNICallback = (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void;

/**
 * Signs the server's CertificateVerify content (RFC 8446 §4.4.3) with `scheme` and the private
 * key of `certificate`, somewhere else: a worker thread, a KMS/HSM, a keyless signing service.
 */
export type CertificateSigner = (request: {
  readonly certificate: CertifiedKey;
  readonly scheme: number;
  readonly content: Uint8Array;
}) => Promise<Uint8Array>;

/** Where the answers come from. */
export interface DecisionSources {
  readonly SNICallback?: SNICallback | undefined;
  readonly remoteStore?: RemoteSessionStore | undefined;
  readonly signer?: CertificateSigner | undefined;
}

/**
 * A function that answers each question of `connection` and resolves once the answer is given
 * to the engine; it rejects only when the engine then fails the handshake (a TlsError).
 */
export function questionAnswerer(connection: ServerConnection, sources: DecisionSources): (q: Question) => Promise<void> {
  return async (q) => {
    switch (q.kind) {
      case 'needCertificate': {
        const answer = await chooseCertificate(sources.SNICallback, q.serverName);
        connection.resolveCertificate(answer);
        return;
      }
      case 'needSession': {
        const answer = await settle(sources.remoteStore?.takeRemote(q.identity) ?? Promise.resolve(undefined));
        connection.resolveSession(answer);
        return;
      }
      case 'needSignature': {
        const signer = sources.signer;
        const answer = signer === undefined ? new Error('no signer') : await settle(signer(q));
        connection.resolveSignature(answer ?? new Error('signer returned nothing'));
        return;
      }
    }
  };
}

/**
 * node's SNICallback semantics: not called without a server name (the default certificate);
 * `cb(null, ctx)` chooses ctx's first key pair, `cb(null)` the default, `cb(err)` fails.
 */
function chooseCertificate(sni: SNICallback | undefined, serverName: string | undefined): Promise<CertifiedKey | undefined | Error> {
  if (sni === undefined || serverName === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    try {
      sni(serverName, (err, ctx) => resolve(err ? err : ctx?.certifiedKey));
    } catch (e) {
      resolve(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

/** The promise's value, or its rejection as an Error value. */
async function settle<T>(p: Promise<T>): Promise<T | Error> {
  try {
    return await p;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}
