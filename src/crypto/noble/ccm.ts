/**
 * @module crypto/noble/ccm
 * AES-CCM (NIST SP 800-38C; RFC 3610) with the parameters TLS 1.3 uses (RFC 8446 §B.4,
 * RFC 6655 §3): a 12-byte nonce, so the length field has q = 15 - 12 = 3 bytes, and a 16-byte
 * (CCM) or 8-byte (CCM_8) tag. @noble/ciphers has no CCM, so the mode is built here on its AES
 * modes: CBC over the formatted input is the CBC-MAC (its last block is T), and CTR gives the
 * keystream from counter block 1 on and S0 = E(Ctr0) for the tag.
 */
import { cbc, ctr } from '@noble/ciphers/aes.js';
import { equalBytes } from '../../bytes/bytes.ts';

/** Nonce length of the TLS 1.3 CCM suites (RFC 8446 §5.3: iv_length 12). */
const NONCE_LEN = 12;
/** SP 800-38C A.1: the octet length q of the payload length field, 15 - n. */
const Q = 15 - NONCE_LEN;
const BLOCK = 16;
/** SP 800-38C A.2.2: associated data shorter than 2^16 - 2^8 has a 2-byte length prefix (TLS's 5 bytes always do). */
const MAX_SHORT_AAD = 0xff00;
/** SP 800-38C A.1: the payload length fits in q = 3 bytes. */
const MAX_PAYLOAD = 2 ** (8 * Q) - 1;

/**
 * CCM encryption: ciphertext ‖ tag (`tagLen` bytes).
 * @throws RangeError for a nonce that is not 12 bytes, associated data of 2^16 - 2^8 bytes or more,
 *   or a payload of 2^24 bytes or more (neither occurs in TLS)
 */
export function ccmSeal(key: Uint8Array, tagLen: number, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  checkLengths(nonce, aad, plaintext.length);
  const out = new Uint8Array(plaintext.length + tagLen);
  out.set(ctrKeystreamXor(key, nonce, plaintext));
  const t = cbcMac(key, tagLen, nonce, aad, plaintext);
  const s0 = counterBlock0Keystream(key, nonce);
  // SP 800-38C §6.1 step 9: C = (P xor MSB_Plen(S)) ‖ (T xor MSB_Tlen(S0)).
  for (let i = 0; i < tagLen; i++) out[plaintext.length + i] = (t[i] as number) ^ (s0[i] as number);
  return out;
}

/**
 * CCM decryption-verification (SP 800-38C §6.2): the payload, or undefined when the input is
 * shorter than the tag, a length is out of range or the tag does not match (compared in
 * constant time). Never throws.
 */
export function ccmOpen(key: Uint8Array, tagLen: number, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
  const pLen = ciphertext.length - tagLen;
  if (pLen < 0 || nonce.length !== NONCE_LEN || aad.length >= MAX_SHORT_AAD || pLen > MAX_PAYLOAD) return undefined;
  const plaintext = ctrKeystreamXor(key, nonce, ciphertext.subarray(0, pLen));
  const t = cbcMac(key, tagLen, nonce, aad, plaintext);
  const s0 = counterBlock0Keystream(key, nonce);
  const expected = new Uint8Array(tagLen);
  for (let i = 0; i < tagLen; i++) expected[i] = (t[i] as number) ^ (s0[i] as number);
  if (!equalBytes(expected, ciphertext.subarray(pLen))) {
    plaintext.fill(0); // SP 800-38C §6.2 step 10: no plaintext is released on failure
    return undefined;
  }
  return plaintext;
}

function checkLengths(nonce: Uint8Array, aad: Uint8Array, payloadLen: number): void {
  if (nonce.length !== NONCE_LEN) throw new RangeError(`ccm: nonce must be ${NONCE_LEN} bytes`);
  if (aad.length >= MAX_SHORT_AAD) throw new RangeError('ccm: associated data too long');
  if (payloadLen > MAX_PAYLOAD) throw new RangeError('ccm: payload too long');
}

/**
 * SP 800-38C A.2 formatting and §6.1 steps 2-4: B0 = flags ‖ N ‖ Q, then the associated data
 * with its 2-byte length, zero-padded to a block, then the payload, zero-padded; CBC with a zero
 * IV over all of it, and the first `tagLen` bytes of the last block are T.
 */
function cbcMac(key: Uint8Array, tagLen: number, nonce: Uint8Array, aad: Uint8Array, payload: Uint8Array): Uint8Array {
  const aadLen = aad.length === 0 ? 0 : roundUp(2 + aad.length);
  const formatted = new Uint8Array(BLOCK + aadLen + roundUp(payload.length));
  // A.2.1 flags: Reserved(0) ‖ Adata ‖ [(t - 2) / 2]_3 ‖ [q - 1]_3.
  formatted[0] = (aad.length > 0 ? 0x40 : 0) | (((tagLen - 2) / 2) << 3) | (Q - 1);
  formatted.set(nonce, 1);
  writeLength(formatted, BLOCK - Q, Q, payload.length);
  if (aad.length > 0) {
    // A.2.2: 0 < a < 2^16 - 2^8 is encoded as [a]_16.
    writeLength(formatted, BLOCK, 2, aad.length);
    formatted.set(aad, BLOCK + 2);
  }
  formatted.set(payload, BLOCK + aadLen);
  const y = cbc(key, new Uint8Array(BLOCK), { disablePadding: true }).encrypt(formatted);
  return y.subarray(y.length - BLOCK, y.length - BLOCK + tagLen);
}

/** A.3 counter blocks: Ctr_i = flags ‖ N ‖ [i]_q with flags = q - 1; the payload uses Ctr_1, Ctr_2, ... */
function counterBlock(nonce: Uint8Array, i: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  block[0] = Q - 1;
  block.set(nonce, 1);
  writeLength(block, BLOCK - Q, Q, i);
  return block;
}

/** P xor the keystream E(Ctr_1) ‖ E(Ctr_2) ‖ ... (the counter stays within its q bytes: payloads are < 2^24 bytes). */
function ctrKeystreamXor(key: Uint8Array, nonce: Uint8Array, data: Uint8Array): Uint8Array {
  return ctr(key, counterBlock(nonce, 1)).encrypt(data);
}

/** S0 = E(Ctr_0), which masks the tag. */
function counterBlock0Keystream(key: Uint8Array, nonce: Uint8Array): Uint8Array {
  return ctr(key, counterBlock(nonce, 0)).encrypt(new Uint8Array(BLOCK));
}

function writeLength(out: Uint8Array, offset: number, len: number, value: number): void {
  for (let i = len - 1, v = value; i >= 0; i--, v = Math.floor(v / 256)) out[offset + i] = v & 0xff;
}

function roundUp(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}
