/**
 * @module hkdf-label
 * HKDF-Expand-Label and Derive-Secret, the two functions every TLS 1.3 secret is made with
 * (RFC 8446 §7.1). The "tls13 " label prefix is added here and nowhere else.
 */
/*
 * RFC 8446 §7.1:
 *
 *   HKDF-Expand-Label(Secret, Label, Context, Length) =
 *        HKDF-Expand(Secret, HkdfLabel, Length)
 *
 *   struct {
 *       uint16 length = Length;
 *       opaque label<7..255> = "tls13 " + Label;
 *       opaque context<0..255> = Context;
 *   } HkdfLabel;
 *
 *   Derive-Secret(Secret, Label, Messages) =
 *        HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length)
 */
import { utf8 } from '../bytes/bytes.ts';
import type { HashAlgorithm, HmacKey } from '../crypto/provider.ts';

/**
 * RFC 8446 §7.1 HKDF-Expand-Label(Secret, Label, Context, Length).
 * @param secret the secret's bytes, or the secret as an `HmacKey` (`hash.hmacKey(secret)`) when
 *   several values are derived from it
 * @param label the label without the "tls13 " prefix, e.g. `"c hs traffic"`
 * @throws RangeError if the label or context does not fit its vector, or `length` exceeds
 *   HKDF's 255·Hash.length (caller bugs: every label and context is chosen by us or the
 *   application, never by the peer)
 */
export function hkdfExpandLabel(
  hash: HashAlgorithm,
  secret: Uint8Array | HmacKey,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const fullLabel = encodedLabel(label);
  // RFC 8446 §7.1: opaque label<7..255>; opaque context<0..255>; uint16 length.
  if (fullLabel.length < 7 || fullLabel.length > 255) throw new RangeError(`hkdfExpandLabel: label "${label}" too long`);
  if (context.length > 255) throw new RangeError('hkdfExpandLabel: context longer than 255 bytes');
  // RFC 5869 §2.3: L <= 255*HashLen.
  if (!Number.isInteger(length) || length < 0 || length > 255 * hash.outputLen) {
    throw new RangeError(`hkdfExpandLabel: length ${length} out of range`);
  }
  // struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } HkdfLabel, written
  // straight into its bytes (this runs some twenty times per handshake).
  const info = new Uint8Array(4 + fullLabel.length + context.length);
  info[0] = length >>> 8;
  info[1] = length & 0xff;
  info[2] = fullLabel.length;
  info.set(fullLabel, 3);
  info[3 + fullLabel.length] = context.length;
  info.set(context, 4 + fullLabel.length);
  return secret instanceof Uint8Array ? hash.hkdfExpand(secret, info, length) : secret.expand(info, length);
}

/**
 * RFC 8446 §7.1 Derive-Secret(Secret, Label, Messages). Takes Transcript-Hash(Messages), not
 * the messages: the caller owns the transcript (for "" pass `hash.digest(new Uint8Array(0))`).
 */
export function deriveSecret(
  hash: HashAlgorithm,
  secret: Uint8Array | HmacKey,
  label: string,
  transcriptHash: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(hash, secret, label, transcriptHash, hash.outputLen);
}

/** RFC 8446 §7.1: every TLS 1.3 HKDF label starts with this. */
const LABEL_PREFIX = 'tls13 ';

/** "tls13 " + label as bytes; the labels are a handful of constants, so each is encoded once. */
function encodedLabel(label: string): Uint8Array {
  let bytes = ENCODED_LABELS.get(label);
  if (bytes === undefined) {
    bytes = utf8(LABEL_PREFIX + label);
    if (ENCODED_LABELS.size < MAX_CACHED_LABELS) ENCODED_LABELS.set(label, bytes);
  }
  return bytes;
}

const ENCODED_LABELS = new Map<string, Uint8Array>();
/** Bound on the cache: exporter labels come from the application, so they must not grow it forever. */
const MAX_CACHED_LABELS = 64;
