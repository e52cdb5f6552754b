/**
 * @module server
 * The server state machine's single dispatch (STYLE §4.1): one handler per state.
 */
import type { ServerConfig } from '../../config.ts';
import { internalError } from '../../errors.ts';
import type { HandshakeOutput } from '../output.ts';
import type { HandshakeInput } from '../common/input.ts';
import { onClientHello, onRetriedClientHello } from './client-hello.ts';
import { onClientCertificate, onClientCertificateVerify } from './client-certificate.ts';
import { onClientFinished, onEndOfEarlyData } from './finished.ts';
import { finishServerFlight } from './server-flight.ts';
import { onServerTrafficMessage } from './post-handshake-auth.ts';
import type { ServerAwaitSignature, ServerExpectClientHello, ServerState } from './state.ts';

type Handler<S> = (st: S, input: HandshakeInput, out: HandshakeOutput) => ServerState;

const handlers: { [K in ServerState['kind']]: Handler<Extract<ServerState, { kind: K }>> } = {
  ExpectClientHello: onClientHello,
  ExpectRetriedClientHello: onRetriedClientHello,
  ExpectEndOfEarlyData: onEndOfEarlyData,
  ExpectCertificate: onClientCertificate,
  ExpectCertificateVerify: onClientCertificateVerify,
  ExpectFinished: onClientFinished,
  Traffic: onServerTrafficMessage,
  // The connection delivers no message while the handshake waits for the caller's answer.
  AwaitCertificate: whilePaused,
  AwaitSession: whilePaused,
  AwaitSignature: whilePaused,
};

function whilePaused(st: ServerState): never {
  throw internalError(`server: handshake message while waiting in ${st.kind}`);
}

/** The state a server starts in. */
export function startServer(config: ServerConfig): ServerExpectClientHello {
  return { kind: 'ExpectClientHello', config };
}

/** Runs the handler of `st` on one handshake message and returns the next state. */
export function serverHandle(st: ServerState, input: HandshakeInput, out: HandshakeOutput): ServerState {
  const handler = handlers[st.kind] as Handler<ServerState>;
  return handler(st, input, out);
}

export type { ServerState } from './state.ts';

/** The caller's signature for the paused flight (pauseFor.signature): the flight goes on. */
export function resumeWithSignature(st: ServerAwaitSignature, signature: Uint8Array, out: HandshakeOutput): ServerState {
  return finishServerFlight(st.flight, signature, out);
}

export { resumeWithCertificate, resumeWithSession } from './client-hello.ts';
