/** Access to the test PKI in vectors/certs (see vectors/certs/generate.sh). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pemDecode } from '../../../src/x509/pem.ts';

export const KEY_TYPES = ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-2048'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** The text of vectors/certs/<keyType>/<file>. */
export function vectorText(keyType: KeyType, file: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../vectors/certs/${keyType}/${file}`, import.meta.url)), 'utf8');
}

/** The DER of the single certificate in vectors/certs/<keyType>/<name>.pem. */
export function certDer(keyType: KeyType, name: string): Uint8Array {
  const blocks = pemDecode(vectorText(keyType, `${name}.pem`));
  if (blocks.length !== 1 || blocks[0]?.label !== 'CERTIFICATE') throw new Error(`${keyType}/${name}.pem: not one certificate`);
  return blocks[0].der;
}

/** 2025-06-01T00:00:00Z: inside every test certificate's validity (2024-01-01 .. 2124-01-01). */
export const NOW: number = Date.UTC(2025, 5, 1);

/** The DER certificates of vectors/certs/rules/<name>.pem (the RFC 5280 §6.1 rule PKI). */
export function rulesChain(name: string): Uint8Array[] {
  const text = readFileSync(fileURLToPath(new URL(`../../../vectors/certs/rules/${name}.pem`, import.meta.url)), 'utf8');
  return pemDecode(text)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => b.der);
}

/** The DER of the single certificate in vectors/certs/rules/<name>.pem. */
export function rulesDer(name: string): Uint8Array {
  const [der, ...rest] = rulesChain(name);
  if (der === undefined || rest.length > 0) throw new Error(`rules/${name}.pem: not one certificate`);
  return der;
}
