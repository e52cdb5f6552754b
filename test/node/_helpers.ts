/**
 * @module test/node/helpers
 * Shared helpers of the adapter tests: test PKI paths, hashing, a drain-honouring writer.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

const CERTS = fileURLToPath(new URL('../../vectors/certs/', import.meta.url));

/** Reads vectors/certs/<kind>/<file>. */
export function pki(kind: 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519' | 'rsa-2048', file: string): string {
  return readFileSync(`${CERTS}${kind}/${file}`, 'utf8');
}

/** Path of vectors/certs/<kind>/<file>. */
export function pkiPath(kind: string, file: string): string {
  return `${CERTS}${kind}/${file}`;
}

export function sha256(chunks: readonly Uint8Array[]): string {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
}

/** Deterministic pseudo-random payload of `len` bytes. */
export function payload(len: number, seed: number): Buffer {
  const b = Buffer.alloc(len);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** Collects a readable's data until 'end'. */
export function collect(s: NodeJS.ReadableStream): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    s.on('data', (d: Buffer) => got.push(d));
    s.on('end', () => resolve(got));
    s.on('error', reject);
  });
}

/** Writes `chunk` repeatedly, honouring 'drain', until a drain does not come within `ms`. */
export async function writeUntilStalled(
  w: NodeJS.WritableStream,
  chunk: Buffer,
  ms: number,
): Promise<{ bytes: number; stalled: boolean }> {
  let bytes = 0;
  for (let i = 0; i < 4096; i++) {
    bytes += chunk.length;
    if (!w.write(chunk)) {
      const drained = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => {
          w.off('drain', onDrain);
          resolve(false);
        }, ms);
        const onDrain = (): void => {
          clearTimeout(t);
          resolve(true);
        };
        w.once('drain', onDrain);
      });
      if (!drained) return { bytes, stalled: true };
    }
  }
  return { bytes, stalled: false };
}

/**
 * Per-file teardown for tests that open servers and sockets: `cleanup` runs after each test
 * (last registered first), and `listen` starts a server on a free loopback port that is closed
 * then. Call once at the top of a test file.
 */
export function useCleanup(): { cleanup: Array<() => void>; listen(server: NetServer): Promise<number> } {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const f of cleanup.splice(0).reverse()) f();
  });
  return {
    cleanup,
    async listen(server: NetServer): Promise<number> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      cleanup.push(() => server.close());
      return (server.address() as AddressInfo).port;
    },
  };
}
