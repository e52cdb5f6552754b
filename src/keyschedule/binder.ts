/**
 * @module binder
 * The PSK binder of RFC 8446 §4.2.11.2: an HMAC, computed exactly like Finished (§4.4.4) but
 * with binder_key as the base key, over the hash of the ClientHello truncated before the
 * binders list. It binds the PSK to this handshake.
 */
import type { HashAlgorithm } from '../crypto/provider.ts';
import { finishedVerifyData } from './finished.ts';

/**
 * RFC 8446 §4.2.11.2: "The PskBinderEntry is computed in the same way as the Finished message
 * (Section 4.4.4) but with the BaseKey being the binder_key".
 * @param binderKey `EarlySecret.resumptionBinderKey()` or `externalBinderKey()`
 * @param truncatedTranscriptHash Transcript-Hash of the messages before this ClientHello (the
 *   HRR exchange, if any) followed by the ClientHello up to and including
 *   PreSharedKeyExtension.identities (`Transcript.hashWith(truncatedHello)`)
 */
export function pskBinder(hash: HashAlgorithm, binderKey: Uint8Array, truncatedTranscriptHash: Uint8Array): Uint8Array {
  return finishedVerifyData(hash, binderKey, truncatedTranscriptHash);
}
