/**
 * @module finished
 * The server's check of the client's Finished (RFC 8446 §4.4.4), after which the handshake is
 * complete and the client's application traffic key is installed (RFC 8446 §7.1).
 */
import { equalConstantTime } from '../../bytes/bytes.ts';
import { decryptError } from '../../errors.ts';
import { finishedVerifyData } from '../../keyschedule/finished.ts';
import { HandshakeType } from '../../protocol/registry.ts';
import type { HandshakeOutput } from '../output.ts';
import { expectMessage, requireRecordBoundary, type HandshakeInput } from '../common/input.ts';
import type { TrafficState } from '../common/traffic.ts';
import type { ServerExpectFinished } from './state.ts';

export function onClientFinished(st: ServerExpectFinished, input: HandshakeInput, out: HandshakeOutput): TrafficState {
  const fin = expectMessage(input, HandshakeType.finished, 'server');
  const expected = finishedVerifyData(st.hash, st.clientHandshakeTrafficSecret, st.transcript.hashNow());
  // RFC 8446 §4.4.4: wrong verify_data → decrypt_error.
  if (!equalConstantTime(fin.verifyData, expected)) throw decryptError('finished: client verify_data is wrong');
  // RFC 8446 §5.1: Finished precedes a key change.
  requireRecordBoundary(input, 'finished');
  st.transcript.update(input.raw);
  // RFC 8446 §7.1: resumption_master_secret hashes the transcript through the client Finished.
  const resumptionMasterSecret = st.masterSecret.resumptionMasterSecret(st.transcript.hashNow());
  out.push({ kind: 'setReadKeys', epoch: 'application', suite: st.suite, secret: st.clientApplicationTrafficSecret });
  out.push({ kind: 'handshakeDone', negotiated: st.negotiated });
  return {
    kind: 'Traffic',
    side: 'server',
    suite: st.suite,
    hash: st.hash,
    readSecret: st.clientApplicationTrafficSecret,
    writeSecret: st.serverApplicationTrafficSecret,
    exporterMasterSecret: st.exporterMasterSecret,
    resumptionMasterSecret,
    negotiated: st.negotiated,
  };
}
