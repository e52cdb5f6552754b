/**
 * The server's ALPN hook `selectAlpn` (node:tls `ALPNCallback` maps onto it): RFC 7301 §3.2 —
 * the server picks one of the client's protocols, or refuses with no_application_protocol.
 */
import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { serverConfig } from '../../src/config.ts';
import { AlertDescription } from '../../src/protocol/registry.ts';
import { expectTlsError, handshake, makePair, testCertifiedKey, transfer } from '../helpers/pair.ts';

const provider = nobleProvider;

describe('server selectAlpn hook (RFC 7301 §3.2)', () => {
  it('negotiates the protocol the hook returns, seeing the SNI name and the offered list in order', () => {
    const seen: Array<[string | undefined, readonly string[]]> = [];
    const { client, server } = makePair(provider, {
      client: { alpnProtocols: ['h2', 'http/1.1'] },
      server: {
        selectAlpn: (name, offered) => {
          seen.push([name, [...offered]]);
          return 'http/1.1';
        },
      },
    });
    handshake(client, server);
    expect(seen).toEqual([['localhost', ['h2', 'http/1.1']]]);
    expect(server.negotiated!.alpnProtocol).toBe('http/1.1');
    expect(client.negotiated!.alpnProtocol).toBe('http/1.1');
  });

  it('undefined from the hook aborts with no_application_protocol', () => {
    const { client, server } = makePair(provider, {
      client: { alpnProtocols: ['h2'] },
      server: { selectAlpn: () => undefined },
    });
    const err = expectTlsError(() => transfer(client, server));
    expect([err.alert, err.origin]).toEqual([AlertDescription.no_application_protocol, 'local']);
  });

  it('with alpnStrict false, undefined from the hook continues without ALPN (a proxy whose upstream speaks none of them)', () => {
    const { client, server } = makePair(provider, {
      client: { alpnProtocols: ['h2'] },
      server: { selectAlpn: () => undefined, alpnStrict: false },
    });
    handshake(client, server);
    expect(server.negotiated!.alpnProtocol).toBeUndefined();
    expect(client.negotiated!.alpnProtocol).toBeUndefined();
  });

  it('a name the client did not offer is a local internal_error, never sent as the selection', () => {
    const { client, server } = makePair(provider, {
      client: { alpnProtocols: ['h2'] },
      server: { selectAlpn: () => 'http/1.1' },
    });
    const err = expectTlsError(() => transfer(client, server));
    expect([err.alert, err.origin]).toEqual([AlertDescription.internal_error, 'local']);
  });

  it('is not called when the client offers no ALPN; the handshake has no protocol', () => {
    let calls = 0;
    const { client, server } = makePair(provider, {
      server: {
        selectAlpn: () => {
          calls++;
          return 'h2';
        },
      },
    });
    handshake(client, server);
    expect(calls).toBe(0);
    expect(server.negotiated!.alpnProtocol).toBeUndefined();
  });

  it('cannot be combined with alpnProtocols (configuration error)', () => {
    expect(() =>
      serverConfig({ provider, certificates: [testCertifiedKey(provider)], alpnProtocols: ['h2'], selectAlpn: () => 'h2' }),
    ).toThrow(TypeError);
  });
});
