/**
 * @module client
 * The client state machine's single dispatch (STYLE §4.1): one handler per state. The mapped
 * type makes a state without a handler a compile error.
 */
import type { HandshakeOutput } from '../output.ts';
import type { HandshakeInput } from '../common/input.ts';
import { onCertificate, onCertificateOrCertificateRequest } from './certificate.ts';
import { onCertificateVerify } from './certificate-verify.ts';
import { onEncryptedExtensions } from './encrypted-extensions.ts';
import { onServerFinished } from './finished.ts';
import { onClientTrafficMessage } from './post-handshake-auth.ts';
import { onServerHello } from './server-hello.ts';
import type { ClientState } from './state.ts';

type Handler<S> = (st: S, input: HandshakeInput, out: HandshakeOutput) => ClientState;

const handlers: { [K in ClientState['kind']]: Handler<Extract<ClientState, { kind: K }>> } = {
  ExpectServerHello: onServerHello,
  ExpectEncryptedExtensions: onEncryptedExtensions,
  ExpectCertificateOrCertificateRequest: onCertificateOrCertificateRequest,
  ExpectCertificate: onCertificate,
  ExpectCertificateVerify: onCertificateVerify,
  ExpectFinished: onServerFinished,
  Traffic: onClientTrafficMessage,
};

/** Runs the handler of `st` on one handshake message and returns the next state. */
export function clientHandle(st: ClientState, input: HandshakeInput, out: HandshakeOutput): ClientState {
  const handler = handlers[st.kind] as Handler<ClientState>;
  return handler(st, input, out);
}

export { startClient } from './client-hello.ts';
export type { ClientState } from './state.ts';
