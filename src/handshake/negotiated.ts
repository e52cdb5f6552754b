/**
 * @module negotiated
 * The record of what a completed handshake agreed (RFC 8446 §4.1-§4.4), in printable form. Made
 * by the state machines, reported by the connection in its `handshakeDone` event.
 */

/** The parameters agreed by the handshake (RFC 8446 §4.1-§4.4), in printable form. */
export interface Negotiated {
  readonly version: 'TLSv1.3';
  readonly cipherSuite: string;
  readonly cipherSuiteId: number;
  /** Key-exchange group name (e.g. `x25519`); `none` (id 0) after a psk_ke resumption. */
  readonly group: string;
  readonly groupId: number;
  /** Signature scheme of the server's CertificateVerify (e.g. `ecdsa_secp256r1_sha256`). */
  readonly signatureScheme: string;
  readonly signatureSchemeId: number;
  /** The ALPN protocol selected, if any (RFC 7301). */
  readonly alpnProtocol: string | undefined;
  /** The SNI host name the client sent, if any (RFC 6066 §3). */
  readonly serverName: string | undefined;
  /** True if a HelloRetryRequest was part of the handshake (RFC 8446 §4.1.4). */
  readonly didRetry: boolean;
  /** True for a PSK (resumed) handshake. */
  readonly isResumed: boolean;
  /**
   * The peer's certificate chain as DER, leaf first, as accepted by the verifier (empty when the
   * peer sent none). On a server with client authentication, a resumed session carries the chain
   * from the original handshake (kept in the ticket).
   */
  readonly peerCertificates: readonly Uint8Array[];
  /**
   * Client side: the DER OCSPResponse the server stapled to its leaf (RFC 8446 §4.4.2.1), when
   * `requestOcsp` asked for one. Not checked by the handshake: the application decides.
   */
  readonly ocspResponse?: Uint8Array;
  /**
   * The RFC 8879 algorithm (`zlib`, `brotli`, `zstd`) the server's Certificate was sent compressed
   * with in this handshake (a CompressedCertificate, RFC 8879 §4); absent when it was sent as is.
   */
  readonly certificateCompression?: string;
  /**
   * The identity of the external PSK (RFC 8446 §4.2.11) the handshake authenticated with, when it
   * used one (then `isResumed` is true and no certificates were exchanged).
   */
  readonly externalPskIdentity?: Uint8Array;
}

