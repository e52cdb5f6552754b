/**
 * @module key-log
 * NSS key-log labels (the SSLKEYLOGFILE format read by Wireshark) for the RFC 8446 §7.1 secrets.
 */
export const KeyLogLabel = {
  clientEarlyTrafficSecret: 'CLIENT_EARLY_TRAFFIC_SECRET',
  clientHandshakeTrafficSecret: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  serverHandshakeTrafficSecret: 'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  clientApplicationTrafficSecret0: 'CLIENT_TRAFFIC_SECRET_0',
  serverApplicationTrafficSecret0: 'SERVER_TRAFFIC_SECRET_0',
  exporterMasterSecret: 'EXPORTER_SECRET',
} as const;
