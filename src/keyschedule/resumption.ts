/**
 * @module resumption
 * The PSK a NewSessionTicket stands for (RFC 8446 §4.6.1): derived from the connection's
 * resumption_master_secret and the ticket's ticket_nonce, so every ticket has its own PSK.
 */
import type { HashAlgorithm, HmacKey } from '../crypto/provider.ts';
import { hkdfExpandLabel } from './hkdf-label.ts';

/**
 * RFC 8446 §4.6.1:
 *   HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length)
 * @param resumptionMasterSecret its bytes, or `hash.hmacKey(...)` of them for several tickets
 */
export function resumptionPsk(
  hash: HashAlgorithm,
  resumptionMasterSecret: Uint8Array | HmacKey,
  ticketNonce: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(hash, resumptionMasterSecret, LABEL_RESUMPTION, ticketNonce, hash.outputLen);
}

const LABEL_RESUMPTION = 'resumption';
