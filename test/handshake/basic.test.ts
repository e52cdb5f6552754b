import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/bytes/bytes.ts';
import { CipherSuite, NamedGroup } from '../../src/protocol/registry.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import { drainEvents, handshake, makePair, readAll, transfer, type PairOptions } from '../helpers/pair.ts';

describe.each(PROVIDERS)('client ↔ server in memory ($name)', (provider) => {
  it('completes a 1-RTT handshake and exchanges data (RFC 8446 §2)', () => {
    const { client, server } = makePair(provider);
    handshake(client, server);
    expect(client.negotiated?.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
    expect(client.negotiated?.group).toBe('X25519MLKEM768'); // the default: hybrid post-quantum first
    expect(server.negotiated?.serverName).toBe('localhost');
    client.write(utf8('hello'));
    transfer(client, server);
    expect(readAll(server)).toEqual(utf8('hello'));
    server.write(utf8('world'));
    transfer(server, client);
    expect(readAll(client)).toEqual(utf8('world'));
    expect(drainEvents(client).map((e) => e.kind)).toContain('handshakeDone');
  });

  for (const suite of [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256]) {
    for (const group of [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1, NamedGroup.X25519MLKEM768]) {
      for (const keyType of ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-2048'] as const) {
        it(`suite 0x${suite.toString(16)} group 0x${group.toString(16)} ${keyType}`, () => {
          const { client, server } = makePair(provider, {
            keyType,
            client: { cipherSuites: [suite], groups: [group] },
          });
          handshake(client, server);
          expect(client.negotiated?.cipherSuiteId).toBe(suite);
          expect(server.negotiated?.groupId).toBe(group);
          client.write(new Uint8Array(70_000).fill(7));
          transfer(client, server);
          expect(readAll(server)).toEqual(new Uint8Array(70_000).fill(7));
        });
      }
    }
  }
});

describe('buffer bounds (goal 3)', () => {
  it('holds data written before the handshake, sends it after, and refuses more than 1 MiB of it', () => {
    const { client, server } = makePair(PROVIDERS[0]!);
    client.write(new Uint8Array(1 << 19).fill(1));
    client.write(new Uint8Array(1 << 19).fill(2));
    expect(() => client.write(new Uint8Array(1))).toThrow(RangeError);
    handshake(client, server);
    transfer(client, server);
    const got = readAll(server);
    expect(got.length).toBe(1 << 20);
    expect(got[0]).toBe(1);
    expect(got[(1 << 20) - 1]).toBe(2);
  });
});

describe.each(PROVIDERS)('server suite choice, ChaCha20-Poly1305 preference ($name)', (provider) => {
  const { TLS_AES_128_GCM_SHA256: AES128, TLS_AES_256_GCM_SHA384: AES256, TLS_CHACHA20_POLY1305_SHA256: CHACHA } = CipherSuite;
  /** The suite the server picks for a client offering `offered` (in that order). */
  function chosen(offered: readonly number[], server: PairOptions['server'] = {}): number | undefined {
    // `preferChaCha20: undefined` restores the config default that makePair overrides.
    const { client, server: s } = makePair(provider, { client: { cipherSuites: offered }, server: { preferChaCha20: undefined, ...server } });
    handshake(client, s);
    expect(client.negotiated?.cipherSuiteId).toBe(s.negotiated?.cipherSuiteId);
    return s.negotiated?.cipherSuiteId;
  }

  it('by default the pure provider (AES in software) prefers ChaCha20-Poly1305 and node:crypto takes the first offered', () => {
    expect(provider.softwareAes === true).toBe(provider.name === 'noble');
    expect(chosen([AES128, AES256, CHACHA])).toBe(provider.name === 'noble' ? CHACHA : AES128);
  });

  it('preferChaCha20 picks ChaCha20-Poly1305 whenever both sides have it, and only then', () => {
    expect(chosen([AES128, CHACHA], { preferChaCha20: true })).toBe(CHACHA);
    // Without ChaCha20 on offer, the server's own order as ever: its first suite the client has.
    expect(chosen([AES256, AES128], { preferChaCha20: true })).toBe(AES128);
    // The server's own list still bounds the choice.
    expect(chosen([CHACHA, AES128], { preferChaCha20: true, cipherSuites: [AES128] })).toBe(AES128);
  });

  it('preferChaCha20: false takes the first of the server suites the client offers (RFC 8446 §4.1.1)', () => {
    expect(chosen([AES128, CHACHA], { preferChaCha20: false })).toBe(AES128);
    expect(chosen([CHACHA, AES128], { preferChaCha20: false, cipherSuites: [AES256, AES128, CHACHA] })).toBe(AES128);
  });
});
