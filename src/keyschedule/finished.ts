/**
 * @module finished
 * The Finished computation of RFC 8446 §4.4.4: finished_key from a base key (a handshake
 * traffic secret, or the binder key for PSK binders), and verify_data as an HMAC over the
 * transcript hash. Comparing verify_data is the caller's job, with `equalConstantTime`.
 */
import type { HashAlgorithm } from '../crypto/provider.ts';
import { hkdfExpandLabel } from './hkdf-label.ts';

/** RFC 8446 §4.4.4: finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length). */
export function finishedKey(hash: HashAlgorithm, baseKey: Uint8Array): Uint8Array {
  return hkdfExpandLabel(hash, baseKey, LABEL_FINISHED, new Uint8Array(0), hash.outputLen);
}

/**
 * RFC 8446 §4.4.4:
 *   verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*, CertificateVerify*))
 * @param baseKey the sender's handshake traffic secret (or, post-handshake, its application
 *   traffic secret)
 * @param transcriptHash the transcript hash up to, not including, this Finished
 */
export function finishedVerifyData(hash: HashAlgorithm, baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  return hash.hmac(finishedKey(hash, baseKey), transcriptHash);
}

const LABEL_FINISHED = 'finished';
