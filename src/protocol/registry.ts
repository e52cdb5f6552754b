/**
 * @module registry
 * Wire-number tables transcribed from RFC 8446 Appendix B and the IANA TLS registries. Keys are
 * the RFC names verbatim (snake_case) so they can be grepped against the spec.
 */

/** RFC 8446 §5.1 ContentType (closed set). */
export const ContentType = {
  invalid: 0,
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

/** RFC 8446 §4 HandshakeType (closed set in TLS 1.3), plus RFC 8879 §7.2 compressed_certificate. */
export const HandshakeType = {
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  certificate_request: 13,
  certificate_verify: 15,
  finished: 20,
  key_update: 24,
  compressed_certificate: 25, // RFC 8879 §4
  message_hash: 254,
} as const;
export type HandshakeType = (typeof HandshakeType)[keyof typeof HandshakeType];

/** RFC 8446 §6 AlertLevel. */
export const AlertLevel = { warning: 1, fatal: 2 } as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

/** RFC 8446 §6 AlertDescription (+ RFC 8446 §6.2 additions). */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  missing_extension: 109,
  unsupported_extension: 110,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;
export type AlertDescription = (typeof AlertDescription)[keyof typeof AlertDescription];

/** RFC 8446 §4.2 ExtensionType (open set: unknown values are carried). */
export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  signature_algorithms: 13,
  use_srtp: 14,
  heartbeat: 15,
  application_layer_protocol_negotiation: 16,
  signed_certificate_timestamp: 18,
  client_certificate_type: 19,
  server_certificate_type: 20,
  padding: 21,
  compress_certificate: 27, // RFC 8879 §3
  record_size_limit: 28,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  oid_filters: 48,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
} as const;

/** RFC 8446 §4.2.7 NamedGroup (open set), plus X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem §7). */
export const NamedGroup = {
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  secp521r1: 0x0019,
  x25519: 0x001d,
  x448: 0x001e,
  ffdhe2048: 0x0100,
  ffdhe3072: 0x0101,
  ffdhe4096: 0x0102,
  ffdhe6144: 0x0103,
  ffdhe8192: 0x0104,
  X25519MLKEM768: 0x11ec,
} as const;

/** RFC 8446 §4.2.3 SignatureScheme (open set). */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
  ed448: 0x0808,
  rsa_pss_pss_sha256: 0x0809,
  rsa_pss_pss_sha384: 0x080a,
  rsa_pss_pss_sha512: 0x080b,
  rsa_pkcs1_sha1: 0x0201,
  ecdsa_sha1: 0x0203,
} as const;

/** RFC 8446 Appendix B.4 CipherSuite (open set). */
export const CipherSuite = {
  TLS_AES_128_GCM_SHA256: 0x1301,
  TLS_AES_256_GCM_SHA384: 0x1302,
  TLS_CHACHA20_POLY1305_SHA256: 0x1303,
  TLS_AES_128_CCM_SHA256: 0x1304,
  TLS_AES_128_CCM_8_SHA256: 0x1305,
} as const;

/** RFC 8446 §4.2.1 / §5.1 ProtocolVersion values. */
export const ProtocolVersion = {
  TLSv1_0: 0x0301,
  TLSv1_2: 0x0303,
  TLSv1_3: 0x0304,
} as const;

/** RFC 8446 §4.2.9 PskKeyExchangeMode. */
export const PskKeyExchangeMode = { psk_ke: 0, psk_dhe_ke: 1 } as const;

/** RFC 8879 §3 CertificateCompressionAlgorithm (open set). */
export const CertificateCompressionAlgorithm = { zlib: 1, brotli: 2, zstd: 3 } as const;

/** RFC 8446 §4.6.3 KeyUpdateRequest. */
export const KeyUpdateRequest = { update_not_requested: 0, update_requested: 1 } as const;

/** RFC 6066 §3 NameType. */
export const ServerNameType = { host_name: 0 } as const;

/** RFC 6066 §8 CertificateStatusType. */
export const CertificateStatusType = { ocsp: 1 } as const;

/** RFC 8701 §2: GREASE values are 0x?A?A with both bytes equal. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}

/** The RFC name of `v` in `table`, or `unknown(0x..)`: for logs and error messages. */
export function nameOf(table: Readonly<Record<string, number>>, v: number): string {
  for (const k in table) if (table[k] === v) return k;
  return `unknown(0x${v.toString(16).padStart(4, '0')})`;
}
