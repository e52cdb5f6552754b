/**
 * @module puretls
 * The paved path: configs, the sans-I/O connections, the error type, the provider interface and
 * the default (pure) provider, and the certificate helpers a config needs. The Node adapter
 * (createServer / connect) is in `puretls/node`.
 */
export { clientConfig, serverConfig } from './config.ts';
export type { ClientConfig, ClientConfigInput, ServerConfig, ServerConfigInput, KeyLogger, PauseForInput } from './config.ts';
export type { ExternalPsk, ExternalPskKey } from './config.ts';
export { ClientConnection, type ClientConnectionOptions } from './connection/client.ts';
export { ServerConnection, type ServerConnectionOptions } from './connection/server.ts';
export type { ConnectionObserver, ObservedEvent, SecretName } from './connection/observer.ts';
export type { Connection, ReceiveOptions } from './connection/connection.ts';
export type { ConnectionEvent, Negotiated, Question } from './connection/events.ts';
export { TlsError } from './errors.ts';
export {
  ClientSessionCache,
  encodeClientSession,
  decodeClientSession,
  type ClientSession,
} from './session/client-cache.ts';
export { MemorySessionStore, type RemoteSessionStore, type SessionStore } from './session/store.ts';
export type { CryptoProvider, PrivateKey, PublicKey, RandomSource } from './crypto/provider.ts';
export { nobleProvider } from './crypto/noble/index.ts';
export { AlertDescription, CertificateCompressionAlgorithm, CipherSuite, NamedGroup, SignatureScheme } from './protocol/registry.ts';
export type { CertificateCompressor } from './compression/algorithm.ts';
export { certifiedKey, type CertifiedKey } from './x509/certified-key.ts';
export { parseCertificateChain, parseCertificate, type ParsedCertificate } from './x509/certificate.ts';
export { parsePrivateKey } from './x509/keys.ts';
export { generateSelfSigned } from './x509/self-signed.ts';
export {
  trustExactly,
  webPkiVerifier,
  dangerouslyAcceptAnyCertificate,
  CertificateError,
  type CertificateFailure,
  type WebPkiVerifierOptions,
  type CertificateVerifier,
  type VerifiedChain,
  type VerifyInput,
} from './x509/verifier.ts';
// Revocation checking itself is the `puretls/revocation` entry (x509/revocation.ts), outside this bundle.
export type { RevocationChecker, RevocationInput, StapledResponse } from './x509/revocation-checker.ts';
