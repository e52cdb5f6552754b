/**
 * RFC 8448 §6 (client authentication) replayed through our ServerConnection and ClientConnection.
 * The trace does not show its private keys (the server's ECDSA P-256 key, the client's RSA key),
 * so each side signs through a replay key that hands back the trace's CertificateVerify signature
 * — after checking, through our provider, that it is a valid signature over exactly the content
 * our side asked to sign (64 spaces, the context string, the transcript hash: RFC 8446 §4.4.3).
 * Everything else is ours: key schedule, CertificateRequest, record protection, the peer's
 * CertificateVerify check and both Finished messages, byte for byte against the trace.
 */
import { describe, expect, it } from 'vitest';
import { concat } from '../../src/bytes/bytes.ts';
import { clientConfig, serverConfig } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import type { SigningKey } from '../../src/crypto/provider.ts';
import type { Certificate } from '../../src/messages/certificate.ts';
import type { CertificateRequest } from '../../src/messages/certificate-request.ts';
import type { CertificateVerify } from '../../src/messages/certificate-verify.ts';
import type { ClientHello } from '../../src/messages/client-hello.ts';
import { decodeHandshakeBody } from '../../src/messages/handshake.ts';
import { AlertDescription, NamedGroup } from '../../src/protocol/registry.ts';
import { parseCertificate } from '../../src/x509/certificate.ts';
import type { CertifiedKey } from '../../src/x509/certified-key.ts';
import { dangerouslyAcceptAnyCertificate } from '../../src/x509/verifier.ts';
import { drainEvents } from '../helpers/pair.ts';
import { TRACE_NOW, replayRandom, serverHelloRandom, trace, type Trace } from './_replay.ts';

const provider = nobleProvider;
const TRACE_SERVER_GROUPS = [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104];

function decode<T>(raw: Uint8Array): T {
  return decodeHandshakeBody(raw[0] as number, raw.subarray(4)) as T;
}

/**
 * The certificate `actor` sends in the trace, with a signing key that returns the trace's
 * CertificateVerify signature once it has verified it over the content our code built.
 */
function replayCertifiedKey(t: Trace, actor: 'client' | 'server', signed: Uint8Array[]): CertifiedKey {
  const der = decode<Certificate>(t.message(actor, 'Certificate')).certificateList[0]?.certData;
  if (!der) throw new Error('rfc8448: no certificate');
  const leaf = parseCertificate(der);
  const cv = decode<CertificateVerify>(t.message(actor, 'CertificateVerify'));
  const publicKey = leaf.publicKey;
  if (!publicKey) throw new Error('rfc8448: unsupported key');
  const key: SigningKey = {
    schemes: [cv.algorithm],
    publicKey,
    sign: (scheme, message) => {
      if (scheme !== cv.algorithm || !provider.verify(scheme, publicKey, message, cv.signature)) {
        throw new Error(`rfc8448: our ${actor} asked to sign content the trace signature does not cover`);
      }
      signed.push(message);
      return cv.signature.slice();
    },
  };
  return { chain: [der], leaf, key };
}

function traceServer(): { server: ServerConnection; t: Trace; signed: Uint8Array[] } {
  const t = trace('06-client-authentication');
  const signed: Uint8Array[] = [];
  const cr = decode<CertificateRequest>(t.message('server', 'CertificateRequest'));
  const sigAlgs = cr.extensions.find((e) => e.kind === 'signature_algorithms');
  if (sigAlgs?.kind !== 'signature_algorithms') throw new Error('rfc8448: CertificateRequest without signature_algorithms');
  const server = new ServerConnection(
    serverConfig({
      provider,
      now: () => TRACE_NOW,
      // RFC 8448 draws, in order: the x25519 private key and ServerHello.random.
      random: replayRandom(t.ephemeralKey('server', 'x25519'), serverHelloRandom(t.message('server', 'ServerHello'))),
      certificates: [replayCertifiedKey(t, 'server', signed)],
      groups: [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1],
      advertisedGroups: TRACE_SERVER_GROUPS,
      // The trace server chose TLS_AES_128_GCM_SHA256, the first suite the client offered.
      preferChaCha20: false,
      tickets: 0,
      clientAuth: {
        mode: 'required',
        // The trace's client certificate is a self-signed RSA-1024 test certificate: this run
        // checks the protocol (the client's CertificateVerify is still verified), not the PKI.
        verifier: dangerouslyAcceptAnyCertificate(),
        signatureSchemes: sigAlgs.supportedSignatureAlgorithms,
      },
    }),
  );
  return { server, t, signed };
}

function traceClient(): { client: ClientConnection; t: Trace; signed: Uint8Array[] } {
  const t = trace('06-client-authentication');
  const signed: Uint8Array[] = [];
  const config = clientConfig({
    provider,
    now: () => TRACE_NOW,
    verifier: dangerouslyAcceptAnyCertificate(),
    middleboxCompat: false,
    certificates: [replayCertifiedKey(t, 'client', signed)],
  });
  const hello = decode<ClientHello>(t.message('client', 'ClientHello'));
  const kx = provider.keyExchange(NamedGroup.x25519);
  if (!kx) throw new Error('no x25519');
  const keyPair = kx.generate(replayRandom(t.ephemeralKey('client', 'x25519')));
  const client = ClientConnection.fromClientHello(config, { serverName: 'server' }, hello, [keyPair]);
  return { client, t, signed };
}

describe('RFC 8448 §6 client authentication: our server reproduces the trace', () => {
  it('writes ServerHello and the encrypted flight with the trace CertificateRequest byte for byte (RFC 8446 §4.3.2)', () => {
    const { server, t, signed } = traceServer();
    server.receive(t.record('client', 'handshake', 0));
    expect(server.takeOutput()).toEqual(concat(t.record('server', 'handshake', 0), t.record('server', 'handshake', 1)));
    // The server signed with its own context string (RFC 8446 §4.4.3).
    expect(new TextDecoder().decode(signed[0]?.subarray(64, 97))).toBe('TLS 1.3, server CertificateVerify');
  });

  it("verifies the trace client's Certificate, RSA-PSS CertificateVerify and Finished, and exposes its certificate (RFC 8446 §4.4.2, §4.4.3)", () => {
    const { server, t } = traceServer();
    server.receive(t.record('client', 'handshake', 0));
    server.takeOutput();
    server.receive(t.record('client', 'handshake', 1));
    expect(server.isHandshakeDone).toBe(true);
    const clientCert = decode<Certificate>(t.message('client', 'Certificate')).certificateList[0]?.certData;
    expect(server.negotiated?.peerCertificates).toEqual([clientCert]);
    server.receive(t.record('client', 'alert', 0));
    expect(drainEvents(server).map((e) => e.kind)).toEqual(['handshakeDone', 'peerClosed']);
  });

  it('rejects the trace client flight with one bit flipped: bad_record_mac (RFC 8446 §5.2)', () => {
    const { server, t } = traceServer();
    server.receive(t.record('client', 'handshake', 0));
    server.takeOutput();
    const flight = t.record('client', 'handshake', 1).slice();
    flight[200] = (flight[200] as number) ^ 1;
    expect(() => server.receive(flight)).toThrow(expect.objectContaining({ alert: AlertDescription.bad_record_mac }));
  });
});

describe('RFC 8448 §6 client authentication: our client reproduces the trace', () => {
  it('answers the CertificateRequest with the trace Certificate, CertificateVerify and Finished record byte for byte (RFC 8446 §4.4.2, §4.4.3)', () => {
    const { client, t, signed } = traceClient();
    expect(client.takeOutput()).toEqual(t.record('client', 'handshake', 0));
    client.receive(concat(t.record('server', 'handshake', 0), t.record('server', 'handshake', 1)));
    expect(client.error).toBeUndefined();
    expect(client.isHandshakeDone).toBe(true);
    expect(client.takeOutput()).toEqual(t.record('client', 'handshake', 1));
    // Our client asked to sign exactly the content the trace client signed, client context string.
    expect(new TextDecoder().decode(signed[0]?.subarray(64, 97))).toBe('TLS 1.3, client CertificateVerify');
    client.close();
    expect(client.takeOutput()).toEqual(t.record('client', 'alert', 0));
  });
});
