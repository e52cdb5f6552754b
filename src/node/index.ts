/**
 * @module node
 * The Node.js adapter's public entry point (`puretls/node`): `createServer`, `connect`, `TLSSocket`
 * — node:tls look-alikes over the sans-I/O engine — and `nodeCryptoProvider` (node:crypto primitives).
 */
export { connect, type ConnectOptions } from './connect.ts';
export { nodeCryptoProvider } from './crypto-provider.ts';
export {
  brotliCertificateCompressor,
  nodeCertificateCompressors,
  zlibCertificateCompressor,
  zstdCertificateCompressor,
} from './certificate-compression.ts';
export { createSecureContext, type SecureContext, type SecureContextOptions, type PemInput, type ProviderOption } from './secure-context.ts';
export { parseCipherList, parseGroupList, type GroupList } from './tls-lists.ts';
export type { KeyCertPair, SNICallback, ServerSecureOptions, ClientSecureOptions } from './options.ts';
export { createServer, Server, wrapServerSocket, type ServerOptions } from './server.ts';
export { TLSSocket, type PeerCertificate, type TLSSocketOptions } from './tls-socket.ts';
