/**
 * @module suites
 * The three TLS 1.3 cipher suites we implement (RFC 8446 §B.4) as data: hash, AEAD, key and IV
 * lengths, and the AEAD usage limit of RFC 8446 §5.5.
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
   * at 2^50 here so sequence numbers stay exact JS numbers.
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

/** All supported suites, in our default preference order. */
export const ALL_SUITES: readonly CipherSuiteInfo[] = [
  TLS_AES_128_GCM_SHA256,
  TLS_AES_256_GCM_SHA384,
  TLS_CHACHA20_POLY1305_SHA256,
];

/** The suite with wire id `id`, or undefined. */
export function suiteById(id: number): CipherSuiteInfo | undefined {
  return ALL_SUITES.find((s) => s.id === id);
}
