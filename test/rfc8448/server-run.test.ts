/**
 * RFC 8448 §3 and §7 replayed through our ServerConnection: with the trace's randomness, key
 * share and RSA key injected, our server must write the trace's records byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { serverConfig } from '../../src/config.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { AlertDescription, NamedGroup } from '../../src/protocol/registry.ts';
import { certifiedKey } from '../../src/x509/certified-key.ts';
import { concat } from '../../src/bytes/bytes.ts';
import { readAll, drainEvents } from '../helpers/pair.ts';
import {
  TRACE_NOW,
  recoverPssSalt,
  replayRandom,
  rfc8448Certificate,
  serverHelloRandom,
  trace,
} from './_replay.ts';
import { rfc8448RsaKey } from '../helpers/vectors.ts';

/** The server's groups as the trace's EncryptedExtensions announce them. */
const TRACE_SERVER_GROUPS = [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104];

function traceServer(name: '03-simple-1rtt' | '07-compatibility-mode'): { server: ServerConnection; t: ReturnType<typeof trace> } {
  const t = trace(name);
  const key = rfc8448RsaKey();
  const salt = recoverPssSalt(
    key,
    [t.message('client', 'ClientHello'), t.message('server', 'ServerHello'), t.message('server', 'EncryptedExtensions'), t.message('server', 'Certificate')],
    t.message('server', 'CertificateVerify'),
  );
  const provider = nobleProvider;
  const server = new ServerConnection(
    serverConfig({
      provider,
      now: () => TRACE_NOW,
      // RFC 8448 draws, in order: the x25519 private key, ServerHello.random, the PSS salt; then
      // ours draws the RSA blinding factor (k + 8 bytes; any value gives the same signature).
      random: replayRandom(t.ephemeralKey('server', 'x25519'), serverHelloRandom(t.message('server', 'ServerHello')), salt, RSA_BLINDING),
      certificates: [certifiedKey(provider, [rfc8448Certificate(t)], key)],
      groups: [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1],
      advertisedGroups: TRACE_SERVER_GROUPS,
      // The §3 trace's NewSessionTicket is the RFC server's own ticket format; ours is sealed
      // and random, so issuance is off here (test/handshake/resumption.test.ts covers it).
      // The trace server chose TLS_AES_128_GCM_SHA256, the first suite the client offered.
      preferChaCha20: false,
      tickets: 0,
    }),
  );
  return { server, t };
}

/** Blinding factor draw for the RFC 8448 §2 RSA-1024 key (k = 128): any bytes do. */
const RSA_BLINDING = new Uint8Array(128 + 8).fill(0x42);

describe('RFC 8448 §3 simple 1-RTT: our server reproduces the trace', () => {
  it('writes the ServerHello record and the encrypted server flight byte for byte', () => {
    const { server, t } = traceServer('03-simple-1rtt');
    server.receive(t.record('client', 'handshake', 0));
    expect(server.takeOutput()).toEqual(concat(t.record('server', 'handshake', 0), t.record('server', 'handshake', 1)));
  });

  it('accepts the client Finished, then reads the client data and close_notify', () => {
    const { server, t } = traceServer('03-simple-1rtt');
    server.receive(t.record('client', 'handshake', 0));
    server.takeOutput();
    server.receive(t.record('client', 'handshake', 1));
    expect(server.isHandshakeDone).toBe(true);
    expect(server.negotiated?.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
    expect(server.negotiated?.signatureScheme).toBe('rsa_pss_rsae_sha256');
    server.receive(t.record('client', 'application_data', 0));
    const payload = t.steps.find((s) => s.actor === 'client' && s.action === 'send application_data record')?.fields.get('payload');
    expect(readAll(server)).toEqual(payload);
    server.receive(t.record('client', 'alert', 0));
    expect(drainEvents(server).map((e) => e.kind)).toEqual(['handshakeDone', 'peerClosed']);
    expect(server.takeOutput()).toHaveLength(0);
  });

  it('rejects the trace client Finished with one bit flipped: bad_record_mac (RFC 8446 §5.2)', () => {
    const { server, t } = traceServer('03-simple-1rtt');
    server.receive(t.record('client', 'handshake', 0));
    server.takeOutput();
    const fin = t.record('client', 'handshake', 1).slice();
    fin[10] = (fin[10] as number) ^ 1;
    expect(() => server.receive(fin)).toThrow(expect.objectContaining({ alert: AlertDescription.bad_record_mac }));
  });
});

describe('RFC 8448 §7 compatibility mode: our server reproduces the trace', () => {
  it('echoes the session id, sends change_cipher_spec after ServerHello, and writes the flight byte for byte (Appendix D.4)', () => {
    const { server, t } = traceServer('07-compatibility-mode');
    server.receive(t.record('client', 'handshake', 0));
    const ccs = new Uint8Array([0x14, 0x03, 0x03, 0x00, 0x01, 0x01]);
    expect(server.takeOutput()).toEqual(concat(t.record('server', 'handshake', 0), ccs, t.record('server', 'handshake', 1)));
  });

  it("drops the client's change_cipher_spec and completes with its Finished", () => {
    const { server, t } = traceServer('07-compatibility-mode');
    server.receive(t.record('client', 'handshake', 0));
    server.takeOutput();
    // The §7 trace's client sends change_cipher_spec before its Finished.
    server.receive(new Uint8Array([0x14, 0x03, 0x03, 0x00, 0x01, 0x01]));
    server.receive(t.record('client', 'handshake', 1));
    expect(server.isHandshakeDone).toBe(true);
  });
});
