/**
 * @module key-log
 * NSS key-log labels (the SSLKEYLOGFILE format read by Wireshark) for the RFC 8446 §7.1 secrets.
 */
import type { SecretName } from '../output.ts';

export const KeyLogLabel = {
  clientEarlyTrafficSecret: 'CLIENT_EARLY_TRAFFIC_SECRET',
  clientHandshakeTrafficSecret: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  serverHandshakeTrafficSecret: 'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  clientApplicationTrafficSecret0: 'CLIENT_TRAFFIC_SECRET_0',
  serverApplicationTrafficSecret0: 'SERVER_TRAFFIC_SECRET_0',
  exporterMasterSecret: 'EXPORTER_SECRET',
} as const;

/** The NSS label of each secret that has one (the traffic secrets and the exporter secret). */
export const NSS_KEY_LOG_LABEL: { readonly [N in SecretName]?: string } = {
  client_early_traffic_secret: KeyLogLabel.clientEarlyTrafficSecret,
  client_handshake_traffic_secret: KeyLogLabel.clientHandshakeTrafficSecret,
  server_handshake_traffic_secret: KeyLogLabel.serverHandshakeTrafficSecret,
  client_application_traffic_secret_0: KeyLogLabel.clientApplicationTrafficSecret0,
  server_application_traffic_secret_0: KeyLogLabel.serverApplicationTrafficSecret0,
  exporter_master_secret: KeyLogLabel.exporterMasterSecret,
};
