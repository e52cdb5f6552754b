/**
 * @module finished
 * The Finished computation of RFC 8446 §4.4.4: finished_key from a base key (a handshake
 * traffic secret, or the binder key for PSK binders), and verify_data as an HMAC over the
 * transcript hash; and `checkFinished`, the check of a received Finished (length, then a
 * constant-time compare). PSK binders are compared by their caller.
 */
import { equalConstantTime } from '../bytes/bytes.ts';
import type { HashAlgorithm } from '../crypto/provider.ts';
import { decodeError, decryptError } from '../errors.ts';
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

/**
 * Checks a received Finished against the verify_data we computed (`expected`, Hash.length bytes).
 * @param sender 'client' or 'server', for the error message
 * @throws TlsError decode_error when the length is not Hash.length: `opaque
 *   verify_data[Hash.length]` cannot be parsed from it (RFC 8446 §4.4.4, §6.2 decode_error);
 *   decrypt_error when the value is wrong (RFC 8446 §4.4.4: "Recipients of Finished messages MUST
 *   verify that the contents are correct and if incorrect MUST terminate the connection with a
 *   "decrypt_error" alert.")
 */
export function checkFinished(received: Uint8Array, expected: Uint8Array, sender: 'client' | 'server'): void {
  if (received.length !== expected.length) {
    throw decodeError(`finished: ${sender} verify_data has ${received.length} bytes, not Hash.length = ${expected.length}`);
  }
  if (!equalConstantTime(received, expected)) throw decryptError(`finished: ${sender} verify_data is wrong`);
}

const LABEL_FINISHED = 'finished';
