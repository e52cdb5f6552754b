/**
 * @module bench/handshake
 * A full 1-RTT handshake in memory (client and server in one process, no sockets), per provider,
 * certificate key type and key-exchange group, and the server's share of it alone. Run:
 * `npx tsx bench/handshake.ts` (`--quick` for a smoke run).
 */
import { clientConfig, serverConfig, type ClientConfig, type ServerConfig } from '../src/config.ts';
import { ClientConnection } from '../src/connection/client.ts';
import { ServerConnection } from '../src/connection/server.ts';
import type { CryptoProvider } from '../src/crypto/provider.ts';
import { nobleProvider } from '../src/crypto/noble/index.ts';
import { nodeCryptoProvider } from '../src/node/crypto-provider.ts';
import { NamedGroup, nameOf } from '../src/protocol/registry.ts';
import { trustExactly } from '../src/x509/verifier.ts';
import { testCertifiedKey, testRoot } from '../test/helpers/pair.ts';
import type { KeyType } from '../test/helpers/pki.ts';
import { QUICK, bench, finish, header, median, section, warmup } from './_harness.ts';

async function main(): Promise<void> {
  header('puretls in-memory handshakes: full 1-RTT, client + server in one process');
  const keyTypes: KeyType[] = ['ecdsa-p256', 'ed25519', 'rsa-2048'];
  const groups = [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.X25519MLKEM768];
  for (const provider of [nodeCryptoProvider, nobleProvider]) {
    for (const keyType of keyTypes) {
      for (const group of keyType === 'ecdsa-p256' ? groups : [NamedGroup.x25519]) {
        const { sc, cc } = configs(provider, keyType, group);
        const run = (): number => handshakeOnce(sc, cc);
        run();
        await warmup(run);
        section(`${provider.name} ${keyType} ${nameOf(NamedGroup, group)}`);
        await bench('full handshake (client + server)', run);
        const serverMs: number[] = [];
        for (let i = 0; i < (QUICK ? 30 : 200); i++) serverMs.push(handshakeOnce(sc, cc));
        console.log(`${'server CPU per handshake (median)'.padEnd(34)} ${median(serverMs).toFixed(3).padStart(12)} ms`);
      }
    }
  }
  finish();
}

function configs(provider: CryptoProvider, keyType: KeyType, group: number): { sc: ServerConfig; cc: ClientConfig } {
  return {
    sc: serverConfig({ provider, certificates: [testCertifiedKey(provider, keyType)] }),
    cc: clientConfig({ provider, verifier: trustExactly([testRoot(keyType)]), groups: [group], middleboxCompat: false }),
  };
}

/** One handshake; returns the milliseconds spent inside the server's receive() calls. */
function handshakeOnce(sc: ServerConfig, cc: ClientConfig): number {
  const client = new ClientConnection(cc, { serverName: 'localhost' });
  const server = new ServerConnection(sc);
  let t = performance.now();
  server.receive(client.takeOutput());
  const flight = server.takeOutput();
  let serverMs = performance.now() - t;
  client.receive(flight);
  const fin = client.takeOutput();
  t = performance.now();
  server.receive(fin);
  serverMs += performance.now() - t;
  if (!server.isHandshakeDone || !client.isHandshakeDone) throw new Error('bench: handshake did not complete');
  return serverMs;
}

await main();
