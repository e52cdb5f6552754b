/**
 * @module encrypted-extensions
 * The client's handling of EncryptedExtensions (RFC 8446 §4.3.1): the server's answers to our
 * extensions that do not affect the keys — ALPN (RFC 7301 §3.1), the SNI acknowledgement
 * (RFC 6066 §3), record_size_limit (RFC 8449 §4).
 */
import { equalBytes, fromUtf8 } from '../../bytes/bytes.ts';
import { illegalParameter, unsupportedExtension } from '../../errors.ts';
import { findExtension } from '../../messages/extensions/extensions.ts';
import { HandshakeType } from '../../protocol/registry.ts';
import type { HandshakeOutput } from '../output.ts';
import { expectMessage, type HandshakeInput } from '../common/input.ts';
import { keyedFields, type ClientExpectCertificateOrCertificateRequest, type ClientExpectEncryptedExtensions, type ClientExpectFinished } from './state.ts';

export function onEncryptedExtensions(
  st: ClientExpectEncryptedExtensions,
  input: HandshakeInput,
  out: HandshakeOutput,
): ClientExpectCertificateOrCertificateRequest | ClientExpectFinished {
  const ee = expectMessage(input, HandshakeType.encrypted_extensions, 'client');
  const offered = st.sentHello.extensions;
  let alpnProtocol: string | undefined;
  let earlyDataAccepted = false;
  for (const e of ee.extensions) {
    switch (e.kind) {
      case 'alpn': {
        // RFC 7301 §3.1: the server answers with exactly one of the names we offered.
        const ours = findExtension(offered, 'alpn');
        if (!ours) throw unsupportedExtension('encrypted_extensions: ALPN was not offered');
        const name = e.protocolNameList[0];
        if (e.protocolNameList.length !== 1 || name === undefined) throw illegalParameter('encrypted_extensions: ALPN must select one protocol');
        if (!ours.protocolNameList.some((p) => equalBytes(p, name))) {
          throw illegalParameter('encrypted_extensions: ALPN protocol was not offered');
        }
        alpnProtocol = fromUtf8(name);
        break;
      }
      case 'server_name_ack':
        // RFC 6066 §3: only an answer to a server_name we sent.
        if (!findExtension(offered, 'server_name')) throw unsupportedExtension('encrypted_extensions: server_name was not offered');
        break;
      case 'record_size_limit':
        if (!findExtension(offered, 'record_size_limit')) {
          // RFC 8449 §4: a server MUST NOT send it unless the client did.
          throw unsupportedExtension('encrypted_extensions: record_size_limit was not offered');
        }
        out.push({ kind: 'peerRecordSizeLimit', limit: e.recordSizeLimit });
        break;
      case 'early_data':
        // RFC 8446 §4.2: only an answer to early_data we sent.
        if (!st.sentEarlyData) throw unsupportedExtension('encrypted_extensions: early_data was not offered');
        // RFC 8446 §4.2.10: "If ... the server ... did not select the first PSK identity, the
        // client MUST abort the handshake with an "illegal_parameter" alert" (the first is the
        // ticket, an external PSK comes after it).
        if (!st.isResumed || st.externalPskIdentity !== undefined) {
          throw illegalParameter('encrypted_extensions: early_data accepted without our first PSK');
        }
        earlyDataAccepted = true;
        break;
      case 'supported_groups':
        // RFC 8446 §4.2.7: the server's preferences, for future connections; we do not use them.
        break;
      default:
        // RFC 8446 §4.2: any other response we did not ask for is unsupported_extension
        // (early_data is handled above: it must answer ours).
        throw unsupportedExtension(`encrypted_extensions: unsolicited extension ${e.kind}`);
    }
  }
  st.transcript.update(input.raw);
  if (st.sentEarlyData) out.push({ kind: 'earlyDataDone', accepted: earlyDataAccepted });
  const common = { ...keyedFields(st), earlyDataAccepted, alpnProtocol };
  // RFC 8446 §2.2, §4.3.2: with a PSK the server sends neither Certificate nor
  // CertificateRequest; its Finished comes next (anything else is unexpected_message there).
  if (st.isResumed) {
    return { ...common, kind: 'ExpectFinished', certificateRequest: undefined, peerCertificates: [], ocspResponse: undefined, certificateCompression: undefined, signatureScheme: 0 };
  }
  return { ...common, kind: 'ExpectCertificateOrCertificateRequest' };
}
