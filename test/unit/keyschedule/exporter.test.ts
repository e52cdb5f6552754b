import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../../src/bytes/bytes.ts';
import type { HashAlgorithm, HashName } from '../../../src/crypto/provider.ts';
import { exportKeyingMaterial } from '../../../src/keyschedule/exporter.ts';
import { PROVIDERS } from '../../helpers/providers.ts';
import { testHash } from './_hash.ts';
import { oracleExpandLabel } from './_oracle.ts';

describe('TLS-Exporter (RFC 8446 §7.5)', () => {
  it('is HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context), length)', () => {
    for (const name of ['sha256', 'sha384'] as const) {
      const h = testHash(name);
      const secret = new Uint8Array(h.outputLen).fill(0x77);
      const context = utf8('some context');
      const perLabel = oracleExpandLabel(name, secret, 'EXPORTER-test', h.digest(new Uint8Array(0)), h.outputLen);
      const expected = oracleExpandLabel(name, perLabel, 'exporter', h.digest(context), 42);
      expect(toHex(exportKeyingMaterial(h, secret, 'EXPORTER-test', context, 42))).toBe(toHex(expected));
    }
  });

  it('gives the same output for no context and an empty context, and differs by label', () => {
    const h = testHash('sha256');
    const secret = new Uint8Array(32).fill(1);
    const none = exportKeyingMaterial(h, secret, 'EXPORTER-a', undefined, 32);
    expect(toHex(exportKeyingMaterial(h, secret, 'EXPORTER-a', new Uint8Array(0), 32))).toBe(toHex(none));
    expect(toHex(exportKeyingMaterial(h, secret, 'EXPORTER-b', undefined, 32))).not.toBe(toHex(none));
  });

  type Case = { suite: string; hashName: HashName; source: string; hashOf: (n: HashName) => HashAlgorithm };
  const sources = [...PROVIDERS.map((p) => ({ source: p.name, hashOf: (n: HashName) => p.hash(n) })), { source: 'test helper', hashOf: testHash }];
  const cases: readonly Case[] = [
    { suite: 'TLS_AES_128_GCM_SHA256', hashName: 'sha256' as const },
    { suite: 'TLS_AES_256_GCM_SHA384', hashName: 'sha384' as const },
  ].flatMap((c) => sources.map((src) => ({ ...c, ...src })));
  it.each(cases)('matches node:tls (OpenSSL) exportKeyingMaterial given exporter_master_secret, $suite, hash from $source', async ({ suite, hashName, hashOf }) => {
    const context = utf8('context value');
    const got = await nodeTlsExport(suite, 'EXPORTER-test', context);
    expect(got.serverWithContext).toBe(got.clientWithContext);
    expect(got.serverWithoutContext).toBe(got.clientWithoutContext);
    const h = hashOf(hashName);
    expect(got.exporterMasterSecret.length).toBe(h.outputLen);
    expect(toHex(exportKeyingMaterial(h, got.exporterMasterSecret, 'EXPORTER-test', context, 32))).toBe(got.clientWithContext);
    expect(toHex(exportKeyingMaterial(h, got.exporterMasterSecret, 'EXPORTER-test', undefined, 32))).toBe(got.clientWithoutContext);
  });
});

/**
 * A TLS 1.3 handshake over loopback between node:tls peers; returns both sides' 32-byte export
 * (with and without context) and exporter_master_secret from the client's key log
 * (`EXPORTER_SECRET <client_random> <secret>`, NSS key log format).
 */
async function nodeTlsExport(
  ciphersuite: string,
  label: string,
  context: Uint8Array,
): Promise<{
  exporterMasterSecret: Uint8Array;
  clientWithContext: string;
  serverWithContext: string;
  clientWithoutContext: string;
  serverWithoutContext: string;
}> {
  const dir = new URL('../../../vectors/certs/ecdsa-p256/', import.meta.url);
  const server = tls.createServer({
    key: readFileSync(new URL('end.key', dir)),
    cert: readFileSync(new URL('end.chain.pem', dir)),
    minVersion: 'TLSv1.3',
    ciphers: ciphersuite,
  });
  const serverExports = new Promise<[string, string]>((resolve) => {
    server.on('secureConnection', (s: tls.TLSSocket) => {
      resolve([toHex(s.exportKeyingMaterial(32, label, Buffer.from(context))), toHex(exportWithoutContext(s, label))]);
      s.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const keylog: string[] = [];
  const client = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, minVersion: 'TLSv1.3', ciphers: ciphersuite });
  client.on('keylog', (line: Buffer) => keylog.push(line.toString('latin1')));
  try {
    await once(client, 'secureConnect');
    if (client.getCipher().standardName !== ciphersuite) throw new Error(`node:tls negotiated ${client.getCipher().standardName}`);
    const clientWithContext = toHex(client.exportKeyingMaterial(32, label, Buffer.from(context)));
    const clientWithoutContext = toHex(exportWithoutContext(client, label));
    const [serverWithContext, serverWithoutContext] = await serverExports;
    const line = keylog.map((l) => /^EXPORTER_SECRET [0-9a-f]+ ([0-9a-f]+)\s*$/.exec(l)).find((m) => m !== null);
    if (!line) throw new Error('node:tls did not log EXPORTER_SECRET');
    return {
      exporterMasterSecret: fromHex(line[1] as string),
      clientWithContext,
      serverWithContext,
      clientWithoutContext,
      serverWithoutContext,
    };
  } finally {
    client.destroy();
    server.close();
  }
}

/**
 * node:tls export with no context argument at all (OpenSSL use_context = 0). @types/node marks
 * `context` as required although Node documents it as optional, hence the cast.
 */
function exportWithoutContext(socket: tls.TLSSocket, label: string): Buffer {
  const fn = socket.exportKeyingMaterial as (length: number, label: string) => Buffer;
  return fn.call(socket, 32, label);
}
