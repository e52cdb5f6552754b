/**
 * @module test/node/helpers
 * Shared helpers of the adapter tests: test PKI paths, hashing, a drain-honouring writer.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
