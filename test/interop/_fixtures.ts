/**
 * @module test/interop/_fixtures
 * The interop matrix as data (suites, groups, certificates, providers with their openssl/node:tls
 * spellings) and builders for puretls client/server connections over the test PKI. Shared by the
 * interop suites so every file runs the same parameter sets.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { clientConfig, serverConfig, type ClientConfig, type ServerConfig } from '../../src/config.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { nodeCryptoProvider } from '../../src/node/crypto-provider.ts';
import { CipherSuite, NamedGroup, SignatureScheme } from '../../src/protocol/registry.ts';
import { certifiedKey, type CertifiedKey } from '../../src/x509/certified-key.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { certPaths, certPems, firstCertDer, type KeyType } from '../helpers/pki.ts';

export interface SuiteCase {
  readonly name: string;
  readonly id: number;
}
export const SUITES: readonly SuiteCase[] = [
  { name: 'TLS_AES_128_GCM_SHA256', id: CipherSuite.TLS_AES_128_GCM_SHA256 },
  { name: 'TLS_AES_256_GCM_SHA384', id: CipherSuite.TLS_AES_256_GCM_SHA384 },
  { name: 'TLS_CHACHA20_POLY1305_SHA256', id: CipherSuite.TLS_CHACHA20_POLY1305_SHA256 },
];

export interface GroupCase {
  readonly name: string;
  readonly id: number;
  /** `-groups` spelling for openssl. */
  readonly openssl: string;
  /** What `s_client` prints after "Server Temp Key: ". */
  readonly opensslTempKey: string;
}
export const GROUPS: readonly GroupCase[] = [
  { name: 'x25519', id: NamedGroup.x25519, openssl: 'X25519', opensslTempKey: 'X25519' },
  { name: 'secp256r1', id: NamedGroup.secp256r1, openssl: 'P-256', opensslTempKey: 'ECDH, prime256v1' },
  { name: 'secp384r1', id: NamedGroup.secp384r1, openssl: 'P-384', opensslTempKey: 'ECDH, secp384r1' },
];

/** The CertificateVerify schemes each certificate type may produce (RFC 8446 §4.2.3). */
export const SCHEMES_FOR: Readonly<Record<KeyType, readonly number[]>> = {
  'ecdsa-p256': [SignatureScheme.ecdsa_secp256r1_sha256],
  'ecdsa-p384': [SignatureScheme.ecdsa_secp384r1_sha384],
  ed25519: [SignatureScheme.ed25519],
  'rsa-2048': [SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pss_rsae_sha384, SignatureScheme.rsa_pss_rsae_sha512],
  'ecdsa-p521': [SignatureScheme.ecdsa_secp521r1_sha512],
  ed448: [SignatureScheme.ed448],
  'rsa-pss': [SignatureScheme.rsa_pss_pss_sha256, SignatureScheme.rsa_pss_pss_sha384, SignatureScheme.rsa_pss_pss_sha512],
};

export interface ProviderCase {
  readonly name: 'noble' | 'node';
  readonly provider: CryptoProvider;
}
export const NOBLE: ProviderCase = { name: 'noble', provider: nobleProvider };
export const NODE: ProviderCase = { name: 'node', provider: nodeCryptoProvider };

/** Our server's identity for one key type (leaf + intermediate). */
export function ourCertificate(provider: CryptoProvider, type: KeyType): CertifiedKey {
  const pems = certPems(type);
  return certifiedKey(provider, pems.endChain, pems.endKey);
}

/** DER of a key type's root CA, the trust anchor for our client. */
export function caDer(type: KeyType): Uint8Array {
  return firstCertDer(certPaths(type).ca);
}

/** DER of a key type's server leaf (to compare with `negotiated.peerCertificates[0]`). */
export function leafDer(type: KeyType): Uint8Array {
  return firstCertDer(certPaths(type).end);
}

export interface OurServerOptions {
  readonly provider: CryptoProvider;
  readonly certificates: readonly CertifiedKey[];
  readonly groups?: readonly number[];
  readonly cipherSuites?: readonly number[];
  readonly alpnProtocols?: readonly string[];
}

export function ourServerConfig(o: OurServerOptions): ServerConfig {
  return serverConfig({
    provider: o.provider,
    certificates: o.certificates,
    ...(o.groups ? { groups: o.groups } : {}),
    ...(o.cipherSuites ? { cipherSuites: o.cipherSuites } : {}),
    ...(o.alpnProtocols ? { alpnProtocols: o.alpnProtocols } : {}),
  });
}

export interface OurClientOptions {
  readonly provider: CryptoProvider;
  /** Trust anchors (DER); default: every key type's root CA. */
  readonly trusted?: readonly Uint8Array[];
  readonly groups?: readonly number[];
  readonly keyShareGroups?: readonly number[];
  readonly cipherSuites?: readonly number[];
  readonly alpnProtocols?: readonly string[];
}

export function ourClientConfig(o: OurClientOptions): ClientConfig {
  return clientConfig({
    provider: o.provider,
    verifier: trustExactly(o.trusted ?? ALL_CAS()),
    ...(o.groups ? { groups: o.groups } : {}),
    ...(o.keyShareGroups ? { keyShareGroups: o.keyShareGroups } : {}),
    ...(o.cipherSuites ? { cipherSuites: o.cipherSuites } : {}),
    ...(o.alpnProtocols ? { alpnProtocols: o.alpnProtocols } : {}),
  });
}

export function newClient(config: ClientConfig, serverName = 'localhost'): ClientConnection {
  return new ClientConnection(config, { serverName });
}

export function newServer(config: ServerConfig): ServerConnection {
  return new ServerConnection(config);
}

/** 8 MiB, the bulk size of the brief. */
export const BULK_LEN: number = 8 * 1024 * 1024;

/** Random bulk payload (distinct per call, so directions cannot be confused). */
export function bulkPayload(len: number = BULK_LEN): Buffer {
  return randomBytes(len);
}

export function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function ALL_CAS(): Uint8Array[] {
  return (['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-2048'] as const).map(caDer);
}
