/**
 * @module finished
 * The server's check of the client's Finished (RFC 8446 §4.4.4), after which the handshake is
 * complete and the client's application traffic key is installed (RFC 8446 §7.1).
 */
import { checkFinished, finishedVerifyData } from '../../keyschedule/finished.ts';
import { HandshakeType } from '../../protocol/registry.ts';
import type { HandshakeOutput } from '../output.ts';
import { expectMessage, requireRecordBoundary, type HandshakeInput } from '../common/input.ts';
import type { TrafficState } from '../common/traffic.ts';
import type { ServerExpectEndOfEarlyData, ServerExpectFinished } from './state.ts';
import { sendTickets } from './tickets.ts';

/**
 * RFC 8446 §4.5: EndOfEarlyData ends the 0-RTT data; it is in the transcript, and the client's
 * next messages are under its handshake key.
 */
export function onEndOfEarlyData(st: ServerExpectEndOfEarlyData, input: HandshakeInput, out: HandshakeOutput): ServerExpectFinished {
  expectMessage(input, HandshakeType.end_of_early_data, 'server');
  // RFC 8446 §5.1: EndOfEarlyData precedes a key change.
  requireRecordBoundary(input, 'end_of_early_data');
  st.transcript.update(input.raw);
  out.push({ kind: 'setReadKeys', epoch: 'handshake', suite: st.suite, secret: st.clientHandshakeTrafficSecret });
  out.push({ kind: 'earlyDataDone', accepted: true });
  return { ...st, kind: 'ExpectFinished' };
}

export function onClientFinished(st: ServerExpectFinished, input: HandshakeInput, out: HandshakeOutput): TrafficState {
  const fin = expectMessage(input, HandshakeType.finished, 'server');
  const expected = finishedVerifyData(st.hash, st.clientHandshakeTrafficSecret, st.transcript.hashNow());
  // RFC 8446 §4.4.4: the wrong length is decode_error, the wrong value decrypt_error.
  checkFinished(fin.verifyData, expected, 'client');
  // RFC 8446 §5.1: Finished precedes a key change.
  requireRecordBoundary(input, 'finished');
  st.transcript.update(input.raw);
  // RFC 8446 §7.1: resumption_master_secret hashes the transcript through the client Finished.
  const clientFinishedHash = st.transcript.hashNow();
  const resumptionMasterSecret = st.masterSecret.resumptionMasterSecret(clientFinishedHash);
  out.push({ kind: 'secret', name: 'resumption_master_secret', secret: resumptionMasterSecret, clientRandom: st.clientRandom, transcriptHash: clientFinishedHash });
  out.push({ kind: 'setReadKeys', epoch: 'application', suite: st.suite, secret: st.clientApplicationTrafficSecret });
  out.push({ kind: 'handshakeDone', negotiated: st.negotiated });
  const traffic: TrafficState = {
    kind: 'Traffic',
    side: 'server',
    suite: st.suite,
    hash: st.hash,
    readSecret: st.clientApplicationTrafficSecret,
    writeSecret: st.serverApplicationTrafficSecret,
    exporterMasterSecret: st.exporterMasterSecret,
    resumptionMasterSecret,
    negotiated: st.negotiated,
    updateRequested: false,
    ...(st.clientOffersPostHandshakeAuth
      ? { postHandshakeAuth: { side: 'server' as const, config: st.config, transcript: st.transcript, requestsSent: 0, pending: undefined } }
      : {}),
  };
  // RFC 8446 §4.6.1: tickets go after the client's Finished, under the application key.
  sendTickets(st.config, traffic, out);
  return traffic;
}
