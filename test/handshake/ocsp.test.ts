/**
 * OCSP stapling in the engine (RFC 8446 §4.4.2.1, RFC 6066 §8): the client's status_request, the
 * server's CertificateStatus in the leaf CertificateEntry, and the response handed to the
 * application. (A staple the client did not ask for is refused: conformance-client.test.ts,
 * "rejects an OCSP status entry extension it did not request".)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { concat, writeU16 } from '../../src/bytes/bytes.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { clientConfig, serverConfig } from '../../src/config.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';
import { TLS_AES_128_GCM_SHA256 } from '../../src/crypto/suites.ts';
import { KeyLogLabel } from '../../src/handshake/common/key-log.ts';
import type { HandshakeMessage } from '../../src/messages/handshake.ts';
import { ContentType, HandshakeType } from '../../src/protocol/registry.ts';
import { certifiedKey, type CertifiedKey } from '../../src/x509/certified-key.ts';
import { trustExactly } from '../../src/x509/verifier.ts';
import { handshake, testRoot, transfer } from '../helpers/pair.ts';
import { certPaths } from '../helpers/pki.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { KeyCapture, decodeMessage, editClientHello, parseRecords, protectionAt, record, splitHandshakeMessages } from '../helpers/tamper.ts';

/** Stand-in DER bytes: the engine carries the response verbatim and never parses it. */
const OCSP = new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x00]);

function stapledKey(provider: CryptoProvider, ocspResponse: Uint8Array | 'none' = OCSP): CertifiedKey {
  const p = certPaths('ecdsa-p256');
  return certifiedKey(provider, readFileSync(p.endChain, 'utf8'), readFileSync(p.endKey, 'utf8'), ocspResponse === 'none' ? {} : { ocspResponse });
}

/** A pair on TLS_AES_128_GCM_SHA256 (`preferChaCha20: false`), the suite tamper.ts rebuilds records under. */
function pair(provider: CryptoProvider, requestOcsp: boolean, key: CertifiedKey, keys?: KeyCapture): { client: ClientConnection; server: ServerConnection } {
  const server = new ServerConnection(serverConfig({ provider, certificates: [key], preferChaCha20: false, ...(keys ? { keyLog: keys.keyLog } : {}) }));
  const client = new ClientConnection(clientConfig({ provider, verifier: trustExactly([testRoot()]), requestOcsp }), { serverName: 'localhost' });
  return { client, server };
}

/** The server's encrypted flight, opened with the logged handshake secret. */
function serverMessages(provider: CryptoProvider, keys: KeyCapture, flight: Uint8Array): HandshakeMessage[] {
  const p = protectionAt(provider, TLS_AES_128_GCM_SHA256, keys.get(KeyLogLabel.serverHandshakeTrafficSecret));
  const plain = parseRecords(flight)
    .filter((r) => r.type === ContentType.application_data)
    .map((r) => {
      const header = record(r.type, new Uint8Array(0), r.version);
      writeU16(header, 3, r.fragment.length);
      return p.open({ contentType: r.type, legacyRecordVersion: r.version, header, fragment: r.fragment }).plaintext.slice();
    });
  return splitHandshakeMessages(concat(...plain)).map(decodeMessage);
}

function certificateMessage(msgs: HandshakeMessage[]): Extract<HandshakeMessage, { type: typeof HandshakeType.certificate }> {
  const m = msgs.find((x) => x.type === HandshakeType.certificate);
  if (m?.type !== HandshakeType.certificate) throw new Error('no Certificate');
  return m;
}

describe.each(PROVIDERS)('OCSP stapling ($name)', (provider) => {
  it('client with requestOcsp sends status_request ocsp with empty responder ids and extensions (RFC 6066 §8)', () => {
    const { client } = pair(provider, true, stapledKey(provider));
    let seen: Uint8Array | undefined;
    editClientHello(client.takeOutput(), (ch) => {
      const e = ch.extensions.find((x) => x.kind === 'status_request');
      seen = e?.kind === 'status_request' ? e.request : undefined;
      return ch;
    });
    expect(seen).toEqual(new Uint8Array([1, 0, 0, 0, 0]));
  });

  it('client without requestOcsp sends no status_request (RFC 6066 §8)', () => {
    const { client } = pair(provider, false, stapledKey(provider));
    let kinds: string[] = [];
    editClientHello(client.takeOutput(), (ch) => ((kinds = ch.extensions.map((e) => e.kind)), ch));
    expect(kinds).not.toContain('status_request');
  });

  it('staples the configured response in the leaf entry only and the client reports it (RFC 8446 §4.4.2.1)', () => {
    const keys = new KeyCapture();
    const { client, server } = pair(provider, true, stapledKey(provider), keys);
    transfer(client, server);
    const flight = server.takeOutput();
    const cert = certificateMessage(serverMessages(provider, keys, flight));
    expect(cert.certificateList.map((e) => e.extensions)).toEqual([[{ kind: 'ocsp_response', ocspResponse: OCSP }], []]);
    client.receive(flight);
    handshake(client, server);
    expect(client.negotiated?.ocspResponse).toEqual(OCSP);
  });

  it('does not staple when the client did not ask (RFC 8446 §4.4.2: server entry extensions answer the ClientHello)', () => {
    const keys = new KeyCapture();
    const { client, server } = pair(provider, false, stapledKey(provider), keys);
    transfer(client, server);
    const flight = server.takeOutput();
    expect(certificateMessage(serverMessages(provider, keys, flight)).certificateList.every((e) => e.extensions.length === 0)).toBe(true);
    client.receive(flight);
    handshake(client, server);
    expect(client.negotiated?.ocspResponse).toBeUndefined();
  });

  it('does not staple for a status_request of another status_type (RFC 6066 §8: only ocsp(1) is defined)', () => {
    const keys = new KeyCapture();
    const { client, server } = pair(provider, true, stapledKey(provider), keys);
    const hello = editClientHello(client.takeOutput(), (ch) => ({
      ...ch,
      extensions: ch.extensions.map((e) => (e.kind === 'status_request' ? { ...e, request: new Uint8Array([2, 0, 0, 0, 0]) } : e)),
    }));
    server.receive(hello);
    expect(certificateMessage(serverMessages(provider, keys, server.takeOutput())).certificateList[0]?.extensions).toEqual([]);
  });

  it('a client that asked completes without a staple when the server has none (RFC 6066 §8: the server MAY omit it)', () => {
    const { client, server } = pair(provider, true, stapledKey(provider, 'none'));
    handshake(client, server);
    expect(client.negotiated?.ocspResponse).toBeUndefined();
  });

  it('certifiedKey refuses an empty OCSP response (RFC 6066 §8: OCSPResponse<1..2^24-1>)', () => {
    expect(() => stapledKey(provider, new Uint8Array(0))).toThrow(Error);
  });
});
