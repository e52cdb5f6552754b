/**
 * RFC 8448 §3 and §7 replayed through our ClientConnection: the client sends the trace's
 * ClientHello (with the trace's x25519 key), receives the trace's server records, and must write
 * the trace's Finished, application data and close_notify records byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { concat } from '../../src/bytes/bytes.ts';
import { clientConfig } from '../../src/config.ts';
import { ClientConnection } from '../../src/connection/client.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import type { ClientHello } from '../../src/messages/client-hello.ts';
import { decodeHandshakeBody } from '../../src/messages/handshake.ts';
import { AlertDescription, NamedGroup } from '../../src/protocol/registry.ts';
import { dangerouslyAcceptAnyCertificate } from '../../src/x509/verifier.ts';
import { drainEvents, readAll } from '../helpers/pair.ts';
import { TRACE_NOW, replayRandom, trace } from './_replay.ts';

function traceClient(name: '03-simple-1rtt' | '07-compatibility-mode', middleboxCompat: boolean) {
  const t = trace(name);
  const provider = nobleProvider;
  const config = clientConfig({
    provider,
    now: () => TRACE_NOW,
    // The trace's certificate names no DNS host; this run checks the protocol, not the PKI.
    verifier: dangerouslyAcceptAnyCertificate(),
    middleboxCompat,
  });
  const chRaw = t.message('client', 'ClientHello');
  const hello = decodeHandshakeBody(chRaw[0] as number, chRaw.subarray(4)) as ClientHello;
  const kx = provider.keyExchange(NamedGroup.x25519);
  if (!kx) throw new Error('no x25519');
  const keyPair = kx.generate(replayRandom(t.ephemeralKey('client', 'x25519')));
  const client = ClientConnection.fromClientHello(config, { serverName: 'server' }, hello, [keyPair]);
  return { client, t };
}

function payloadOf(t: ReturnType<typeof trace>, actor: 'client' | 'server', kind: string): Uint8Array | undefined {
  return t.steps.find((s) => s.actor === actor && s.action === `send ${kind} record`)?.fields.get('payload');
}

describe('RFC 8448 §3 simple 1-RTT: our client reproduces the trace', () => {
  it('sends the trace ClientHello record (legacy_record_version 0x0301)', () => {
    const { client, t } = traceClient('03-simple-1rtt', false);
    expect(client.takeOutput()).toEqual(t.record('client', 'handshake', 0));
  });

  it('answers the server flight with the trace Finished record, then data and close_notify byte for byte', () => {
    const { client, t } = traceClient('03-simple-1rtt', false);
    client.takeOutput();
    client.receive(concat(t.record('server', 'handshake', 0), t.record('server', 'handshake', 1)));
    expect(client.isHandshakeDone).toBe(true);
    expect(client.takeOutput()).toEqual(t.record('client', 'handshake', 1));
    // The NewSessionTicket (stored by the resumption layer, later) and the server's data.
    client.receive(t.record('server', 'handshake', 2));
    client.receive(t.record('server', 'application_data', 0));
    expect(readAll(client)).toEqual(payloadOf(t, 'server', 'application_data'));
    const data = payloadOf(t, 'client', 'application_data');
    if (!data) throw new Error('no payload');
    client.write(data);
    expect(client.takeOutput()).toEqual(t.record('client', 'application_data', 0));
    client.close();
    expect(client.takeOutput()).toEqual(t.record('client', 'alert', 0));
    client.receive(t.record('server', 'alert', 0));
    // RFC 8446 §4.6.1: the trace's NewSessionTicket is reported (and cached) as a session.
    expect(drainEvents(client).map((e) => e.kind)).toEqual(['handshakeDone', 'sessionTicket', 'peerClosed']);
  });

  it('rejects the server flight with one bit flipped: bad_record_mac (RFC 8446 §5.2)', () => {
    const { client, t } = traceClient('03-simple-1rtt', false);
    client.takeOutput();
    const flight = t.record('server', 'handshake', 1).slice();
    flight[100] = (flight[100] as number) ^ 0x80;
    expect(() => client.receive(concat(t.record('server', 'handshake', 0), flight))).toThrow(
      expect.objectContaining({ alert: AlertDescription.bad_record_mac }),
    );
  });
});

describe('RFC 8448 §7 compatibility mode: our client reproduces the trace', () => {
  it('sends change_cipher_spec then the trace Finished record (Appendix D.4)', () => {
    const { client, t } = traceClient('07-compatibility-mode', true);
    expect(client.takeOutput()).toEqual(t.record('client', 'handshake', 0));
    const ccs = new Uint8Array([0x14, 0x03, 0x03, 0x00, 0x01, 0x01]);
    client.receive(concat(t.record('server', 'handshake', 0), ccs, t.record('server', 'handshake', 1)));
    expect(client.takeOutput()).toEqual(concat(ccs, t.record('client', 'handshake', 1)));
  });
});
