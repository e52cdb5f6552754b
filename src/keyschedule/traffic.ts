/**
 * @module traffic
 * From a traffic secret to record-protection keys: the write key and IV of RFC 8446 §7.3, and
 * the next-generation application traffic secret used by KeyUpdate (RFC 8446 §7.2).
 */
import type { HashAlgorithm, TrafficKeys } from '../crypto/provider.ts';
import type { CipherSuiteInfo } from '../crypto/suites.ts';
import { hkdfExpandLabel } from './hkdf-label.ts';

/**
 * RFC 8446 §7.3:
 *   [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length)
 *   [sender]_write_iv  = HKDF-Expand-Label(Secret, "iv", "", iv_length)
 * @throws RangeError if `hash` is not the suite's hash (a caller bug)
 */
export function deriveTrafficKeys(hash: HashAlgorithm, suite: CipherSuiteInfo, secret: Uint8Array): TrafficKeys {
  if (hash.name !== suite.hash) throw new RangeError(`deriveTrafficKeys: ${suite.name} needs ${suite.hash}, got ${hash.name}`);
  const empty = new Uint8Array(0);
  const keyed = hash.hmacKey(secret);
  return {
    key: hkdfExpandLabel(hash, keyed, LABEL_KEY, empty, suite.keyLen),
    iv: hkdfExpandLabel(hash, keyed, LABEL_IV, empty, suite.ivLen),
  };
}

/**
 * RFC 8446 §7.2:
 *   application_traffic_secret_N+1 =
 *       HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length)
 */
export function nextTrafficSecret(hash: HashAlgorithm, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(hash, secret, LABEL_TRAFFIC_UPD, new Uint8Array(0), hash.outputLen);
}

const LABEL_KEY = 'key';
const LABEL_IV = 'iv';
const LABEL_TRAFFIC_UPD = 'traffic upd';
