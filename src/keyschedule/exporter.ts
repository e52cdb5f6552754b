/**
 * @module exporter
 * The TLS 1.3 keying-material exporter of RFC 8446 §7.5 (the RFC 5705 interface). Works from
 * exporter_master_secret, or early_exporter_master_secret for 0-RTT exporters.
 */
import type { HashAlgorithm } from '../crypto/provider.ts';
import { deriveSecret, hkdfExpandLabel } from './hkdf-label.ts';

/**
 * RFC 8446 §7.5:
 *   TLS-Exporter(label, context_value, key_length) =
 *       HKDF-Expand-Label(Derive-Secret(Secret, label, ""),
 *                         "exporter", Hash(context_value), key_length)
 * RFC 8446 §7.5: "providing no context computes the same value as providing an empty context",
 * so `undefined` and an empty `context` give the same output.
 * @param label the application's exporter label, e.g. `"EXPORTER-my-protocol"`
 * @throws RangeError if the label is longer than 249 bytes or `length` exceeds 255·Hash.length
 */
export function exportKeyingMaterial(
  hash: HashAlgorithm,
  exporterMasterSecret: Uint8Array,
  label: string,
  context: Uint8Array | undefined,
  length: number,
): Uint8Array {
  const perLabel = deriveSecret(hash, exporterMasterSecret, label, hash.digest(new Uint8Array(0)));
  return hkdfExpandLabel(hash, perLabel, LABEL_EXPORTER, hash.digest(context ?? new Uint8Array(0)), length);
}

const LABEL_EXPORTER = 'exporter';
