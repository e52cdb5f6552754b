/**
 * @module test/helpers/fuzz-provider
 * An explicitly INSECURE CryptoProvider for fuzzing only (STYLE §8.1, after rustls's
 * `rustls-fuzzing-provider`): a null AEAD (ciphertext = plaintext ‖ 16 zero bytes), signatures
 * that always verify, fixed key shares and all-zero randomness. Hashes, HMAC and HKDF are real,
 * so the key schedule (RFC 8446 §7.1) and Finished (§4.4.4) behave as in production and a
 * recorded flight replays exactly. It lets a fuzzer reach every handshake state with bytes it can
 * mutate; never use it anywhere else.
 */
import type { Aead, CryptoProvider, KeyExchangeGroup, KeyShareKeyPair, PrivateKey, SigningKey } from '../../src/crypto/provider.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { illegalParameter } from '../../src/errors.ts';
import { NamedGroup, SignatureScheme } from '../../src/protocol/registry.ts';

const TAG_LEN = 16;

/** Null AEAD: the "tag" is 16 zero bytes; anything else fails to open (→ bad_record_mac). */
const NULL_AEAD: Aead = {
  seal(_nonce: Uint8Array, _aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const out = new Uint8Array(plaintext.length + TAG_LEN);
    out.set(plaintext);
    return out;
  },
  sealInto(_nonce: Uint8Array, _aad: Uint8Array, plaintext: Uint8Array, trailer: Uint8Array, out: Uint8Array, offset: number): number {
    out.set(plaintext, offset);
    out.set(trailer, offset + plaintext.length);
    out.fill(0, offset + plaintext.length + trailer.length, offset + plaintext.length + trailer.length + TAG_LEN);
    return plaintext.length + trailer.length + TAG_LEN;
  },
  open(_nonce: Uint8Array, _aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
    return hasNullTag(ciphertext) ? ciphertext.slice(0, ciphertext.length - TAG_LEN) : undefined;
  },
  openInPlace(_nonce: Uint8Array, _aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
    return hasNullTag(ciphertext) ? ciphertext.subarray(0, ciphertext.length - TAG_LEN) : undefined;
  },
};

/** The null AEAD's authentication: at least a tag's length, ending in 16 zero bytes. */
function hasNullTag(ciphertext: Uint8Array): boolean {
  if (ciphertext.length < TAG_LEN) return false;
  for (let i = ciphertext.length - TAG_LEN; i < ciphertext.length; i++) if (ciphertext[i] !== 0) return false;
  return true;
}

/** The fixed public share both sides send (32 bytes, x25519-sized). */
export const FUZZ_SHARE: Uint8Array = new Uint8Array(32).fill(0x42);
const FUZZ_SHARED_SECRET = new Uint8Array(32).fill(0x11);

function fixedGroup(group: number): KeyExchangeGroup {
  return {
    group,
    generate(): KeyShareKeyPair {
      return {
        group,
        publicKey: FUZZ_SHARE.slice(),
        complete(peerShare: Uint8Array): Uint8Array {
          // Keep one realistic rejection so the fuzzer sees the error path.
          if (peerShare.length === 0) throw illegalParameter('key_share: empty share (fuzz provider)');
          return FUZZ_SHARED_SECRET.slice();
        },
      };
    },
    respond(clientShare: Uint8Array): { share: Uint8Array; sharedSecret: Uint8Array } {
      if (clientShare.length === 0) throw illegalParameter('key_share: empty share (fuzz provider)');
      return { share: FUZZ_SHARE.slice(), sharedSecret: FUZZ_SHARED_SECRET.slice() };
    },
  };
}

const GROUPS: readonly number[] = [NamedGroup.x25519, NamedGroup.secp256r1];
const KX = new Map(GROUPS.map((g) => [g, fixedGroup(g)]));

/** FUZZING ONLY: see the module comment. Every signature verifies; nothing is secret. */
export const fuzzProvider: CryptoProvider = {
  name: 'fuzz (INSECURE)',
  hash: (name) => nobleProvider.hash(name),
  aead: () => NULL_AEAD,
  groups: GROUPS,
  keyExchange: (group) => KX.get(group),
  verifySchemes: [
    SignatureScheme.ed25519,
    SignatureScheme.ecdsa_secp256r1_sha256,
    SignatureScheme.rsa_pss_rsae_sha256,
  ],
  signingKey(key: PrivateKey): SigningKey {
    // The public key is real (certified-key checks it against the certificate); signing is not.
    const real = nobleProvider.signingKey(key);
    return { schemes: real.schemes, publicKey: real.publicKey, sign: () => new Uint8Array(64).fill(0x5a) };
  },
  verify: () => true,
  verifyCertificateSignature: () => true,
  randomBytes: (length) => new Uint8Array(length),
};
