/**
 * @module suites
 * The five TLS 1.3 cipher suites of RFC 8446 §B.4 as data: hash, AEAD, key and IV lengths, and
 * the AEAD usage limit of RFC 8446 §5.5. The two CCM suites are implemented but not in the
 * default list (as in OpenSSL).
 */
import { CipherSuite } from '../protocol/registry.ts';
import type { AeadName, HashName } from './provider.ts';

export interface CipherSuiteInfo {
  readonly id: number;
  readonly name: string;
  readonly hash: HashName;
  readonly aead: AeadName;
  readonly keyLen: number;
  /** RFC 8446 §5.3: iv_length is 12 for every TLS 1.3 AEAD we support. */
  readonly ivLen: number;
  readonly tagLen: number;
  /**
   * RFC 8446 §5.5: records protected under one key before it must be updated. AES-GCM: 2^24.5
   * full-size records (we use 2^24); ChaCha20-Poly1305: effectively unlimited (2^64), capped
   * at 2^50 here so sequence numbers stay exact JS numbers. AES-CCM: RFC 8446 gives no figure;
   * the same 2^24 as AES-GCM (draft-irtf-cfrg-aead-limits: 2^24.5 full records for confidentiality).
   */
  readonly maxRecordsPerKey: number;
}

export const TLS_AES_128_GCM_SHA256: CipherSuiteInfo = {
  id: CipherSuite.TLS_AES_128_GCM_SHA256,
  name: 'TLS_AES_128_GCM_SHA256',
  hash: 'sha256',
  aead: 'aes-128-gcm',
  keyLen: 16,
  ivLen: 12,
  tagLen: 16,
  maxRecordsPerKey: 2 ** 24,
};

export const TLS_AES_256_GCM_SHA384: CipherSuiteInfo = {
  id: CipherSuite.TLS_AES_256_GCM_SHA384,
  name: 'TLS_AES_256_GCM_SHA384',
  hash: 'sha384',
  aead: 'aes-256-gcm',
  keyLen: 32,
  ivLen: 12,
  tagLen: 16,
  maxRecordsPerKey: 2 ** 24,
};

export const TLS_CHACHA20_POLY1305_SHA256: CipherSuiteInfo = {
  id: CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
  name: 'TLS_CHACHA20_POLY1305_SHA256',
  hash: 'sha256',
  aead: 'chacha20-poly1305',
  keyLen: 32,
  ivLen: 12,
  tagLen: 16,
  maxRecordsPerKey: 2 ** 50,
};

/** RFC 8446 §B.4, RFC 6655: AES-128 in CCM mode with a 16-byte tag. */
export const TLS_AES_128_CCM_SHA256: CipherSuiteInfo = {
  id: CipherSuite.TLS_AES_128_CCM_SHA256,
  name: 'TLS_AES_128_CCM_SHA256',
  hash: 'sha256',
  aead: 'aes-128-ccm',
  keyLen: 16,
  ivLen: 12,
  tagLen: 16,
  maxRecordsPerKey: 2 ** 24,
};

/** RFC 8446 §B.4, RFC 6655: AES-128-CCM with an 8-byte tag (64-bit forgery resistance per record). */
export const TLS_AES_128_CCM_8_SHA256: CipherSuiteInfo = {
  id: CipherSuite.TLS_AES_128_CCM_8_SHA256,
  name: 'TLS_AES_128_CCM_8_SHA256',
  hash: 'sha256',
  aead: 'aes-128-ccm-8',
  keyLen: 16,
  ivLen: 12,
  tagLen: 8,
  maxRecordsPerKey: 2 ** 24,
};

/** The suites used when the config names none, in our default preference order. */
export const DEFAULT_SUITES: readonly CipherSuiteInfo[] = [
  TLS_AES_128_GCM_SHA256,
  TLS_AES_256_GCM_SHA384,
  TLS_CHACHA20_POLY1305_SHA256,
];

/** Every implemented suite: the defaults, then the CCM suites (off unless named in the config). */
export const ALL_SUITES: readonly CipherSuiteInfo[] = [...DEFAULT_SUITES, TLS_AES_128_CCM_SHA256, TLS_AES_128_CCM_8_SHA256];

/** The suite with wire id `id`, or undefined. */
export function suiteById(id: number): CipherSuiteInfo | undefined {
  return ALL_SUITES.find((s) => s.id === id);
}
