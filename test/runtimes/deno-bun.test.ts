/**
 * puretls in Deno and Bun (issue 10 item 4), from the browser bundle (_bundle.ts):
 * - the in-memory client ↔ server handshake (pure provider, ECDSA chain verified, data both ways),
 *   whose result must equal Node's run of the same scenario;
 * - docs/examples/deno-client.ts and bun-client.ts, as documented in docs/runtimes.md: a client
 *   over Deno.connect / Bun.connect to a real `openssl s_server -www` on loopback;
 * - Bun only: zstd certificate compression (zstd-certificate-compression.ts), which Node 20 lacks.
 * A runtime that is not installed is a visible skip with the reason (_runtimes.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certPaths } from '../helpers/pki.ts';
import { Peers, startOpensslServer } from '../helpers/peers.ts';
import { buildRuntimeKit, ROOT, type RuntimeKit } from './_bundle.ts';
import { findBun, findDeno, runScript, type Found } from './_runtimes.ts';
import { nodeResult, SCENARIO_PEMS } from './_reference.ts';

const P256 = certPaths('ecdsa-p256');
/** Generous limits: a loaded 2-core machine can starve a runtime's start for long. */
const SLOW = 180_000;

let kit: RuntimeKit;
const peers = new Peers();
beforeAll(async () => {
  kit = await buildRuntimeKit(['test/runtimes/in-memory-handshake.ts', 'docs/examples/deno-client.ts', 'docs/examples/bun-client.ts']);
  writeFileSync(
    join(kit.dir, 'in-memory-main.js'),
    `import { inMemoryHandshake } from './in-memory-handshake.js';\n` +
      `console.log(JSON.stringify(inMemoryHandshake(${JSON.stringify(SCENARIO_PEMS)})));\n`,
  );
}, SLOW);
afterAll(async () => {
  await peers.stopAll();
  kit?.remove();
});

const RUNTIMES: readonly { readonly found: Found; readonly example: string }[] = [
  { found: findDeno(), example: 'deno-client' },
  { found: findBun(), example: 'bun-client' },
];

describe('the in-memory scenario in Node (the reference the runtimes must match)', () => {
  it('verifies the ECDSA chain, moves data both ways, refuses an unknown root', () => {
    const r = nodeResult();
    expect(r.signatureScheme).toBe('ecdsa_secp256r1_sha256');
    expect(r.serverChainLength).toBe(2);
    expect(r.clientRead).toBe(r.serverSent);
    expect(r.serverRead).toBe(r.clientSent);
    expect(r.untrustedAlert).toBe('unknown_ca');
  });
});

for (const { found, example } of RUNTIMES) {
  if ('missing' in found) {
    console.warn(`SKIPPED: ${found.missing}`); // printed by the default reporter, unlike a skipped title
    describe.skip(`SKIPPED: ${found.missing}`, () => {
      it('in-memory handshake and openssl s_server client', () => {});
    });
    continue;
  }
  const rt = found.runtime;
  describe(`${rt.name} (${rt.version}, ${rt.bin})`, () => {
    it('runs the in-memory handshake from the browser bundle with the same result as Node', async () => {
      const out = await runScript(rt, kit.file('in-memory-main'));
      expect(JSON.parse(out)).toEqual(nodeResult());
    }, SLOW);

    it(`docs/examples/${example}.ts: GET from openssl s_server over the runtime's TCP, chain verified`, async () => {
      const srv = await startOpensslServer({ identity: { cert: P256.end, key: P256.endKey, chain: P256.inter }, args: ['-www'] });
      peers.track(srv.peer);
      const out = await runScript(rt, kit.file(example), ['127.0.0.1', String(srv.port), P256.ca, 'localhost'], {
        net: `127.0.0.1:${srv.port}`,
        read: P256.ca,
      });
      expect(out).toMatch(/^# TLSv1\.3 TLS_AES_128_GCM_SHA256 x25519\n/);
      expect(out).toContain('HTTP/1.0 200 ok');
      expect(out).toContain('New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256');
      await srv.peer.kill();
    }, SLOW);

    if (rt.name === 'Bun') {
      // Bun's node:zlib has zstd (Node 20's has not): RFC 8879 algorithm 3 for real. (Deno runs the
      // bundle only: src/ with its bare package imports needs a Deno config.)
      it('zstd certificate compression (RFC 8879): detected, used between our client and server, a zstd bomb refused', async () => {
        const out = await runScript(rt, join(ROOT, 'test/runtimes/zstd-certificate-compression.ts'));
        expect(JSON.parse(out)).toEqual({ ids: [2, 3, 1], honest: { compression: 'zstd', chain: 2 }, bomb: { alert: 'bad_certificate' } });
      }, SLOW);
    }
  });
}
