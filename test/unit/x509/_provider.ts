/**
 * A tiny CryptoProvider stand-in on node:crypto, implementing only signingKey/verify (P-256,
 * P-384, Ed25519, RSA PKCS#1 v1.5 and PSS) for the x509 tests, plus the list of providers the
 * x509 suites run against (this stand-in and the real ones).
 */
import * as nodeCrypto from 'node:crypto';
import type { CryptoProvider, PrivateKey, PublicKey, SigningKey } from '../../../src/crypto/provider.ts';
import { nobleProvider } from '../../../src/crypto/noble/index.ts';
import { nodeCryptoProvider } from '../../../src/node/crypto-provider.ts';

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const fromB64u = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s ?? '', 'base64url'));

/** node:crypto KeyObject for a PrivateKey (via JWK; EC needs the public point, derived through PKCS#8 + SEC1). */
export function privateKeyObject(key: PrivateKey): nodeCrypto.KeyObject {
  switch (key.type) {
    case 'ec': {
      // OpenSSL derives the public point from d when the SEC1 structure omits it.
      const oid = key.curve === 'P-256' ? '06082a8648ce3d030107' : '06052b81040022';
      const d = Buffer.from(key.d);
      const ecpk = der(0x30, Buffer.concat([Buffer.from('020101', 'hex'), der(0x04, d), der(0xa0, Buffer.from(oid, 'hex'))]));
      return nodeCrypto.createPrivateKey({ key: ecpk, format: 'der', type: 'sec1' });
    }
    case 'ed25519': {
      const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(key.seed)]);
      return nodeCrypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    }
    case 'rsa':
      return nodeCrypto.createPrivateKey({
        key: {
          kty: 'RSA',
          n: b64u(key.n),
          e: b64u(key.e),
          d: b64u(key.d),
          p: b64u(key.p),
          q: b64u(key.q),
          dp: b64u(key.dp),
          dq: b64u(key.dq),
          qi: b64u(key.qi),
        },
        format: 'jwk',
      });
    default:
      throw new Error(`test provider: no ${key.type} signing keys`);
  }
}

/** The PublicKey data of a node:crypto key (public or private). */
export function publicKeyData(k: nodeCrypto.KeyObject): PublicKey {
  const jwk = (k.type === 'private' ? nodeCrypto.createPublicKey(k) : k).export({ format: 'jwk' });
  if (jwk.kty === 'EC') {
    const curve = jwk.crv === 'P-256' ? 'P-256' : 'P-384';
    return { type: 'ec', curve, point: new Uint8Array([4, ...fromB64u(jwk.x), ...fromB64u(jwk.y)]) };
  }
  if (jwk.kty === 'OKP') return { type: 'ed25519', key: fromB64u(jwk.x) };
  return { type: 'rsa', n: fromB64u(jwk.n), e: fromB64u(jwk.e) };
}

function publicKeyObject(key: PublicKey): nodeCrypto.KeyObject {
  switch (key.type) {
    case 'ec': {
      const size = key.curve === 'P-256' ? 32 : 48;
      return nodeCrypto.createPublicKey({
        key: { kty: 'EC', crv: key.curve, x: b64u(key.point.subarray(1, 1 + size)), y: b64u(key.point.subarray(1 + size)) },
        format: 'jwk',
      });
    }
    case 'ed25519':
      return nodeCrypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(key.key) }, format: 'jwk' });
    case 'rsa':
      return nodeCrypto.createPublicKey({ key: { kty: 'RSA', n: b64u(key.n), e: b64u(key.e) }, format: 'jwk' });
    default:
      throw new Error(`test provider: no ${key.type} keys`);
  }
}

const SCHEMES: Record<number, { hash: string | null; pss?: boolean; salt?: number }> = {
  0x0403: { hash: 'sha256' },
  0x0503: { hash: 'sha384' },
  0x0807: { hash: null },
  0x0401: { hash: 'sha256' },
  0x0501: { hash: 'sha384' },
  0x0601: { hash: 'sha512' },
  0x0804: { hash: 'sha256', pss: true, salt: 32 },
  0x0805: { hash: 'sha384', pss: true, salt: 48 },
  0x0806: { hash: 'sha512', pss: true, salt: 64 },
};

function fits(scheme: number, key: PublicKey): boolean {
  if (scheme === 0x0403) return key.type === 'ec' && key.curve === 'P-256';
  if (scheme === 0x0503) return key.type === 'ec' && key.curve === 'P-384';
  if (scheme === 0x0807) return key.type === 'ed25519';
  return key.type === 'rsa' && SCHEMES[scheme] !== undefined;
}

function signOptions(scheme: number, key: nodeCrypto.KeyObject): nodeCrypto.SignKeyObjectInput {
  const s = SCHEMES[scheme];
  return s?.pss
    ? { key, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: s.salt as number }
    : { key, dsaEncoding: 'der' };
}

/** The node:crypto stand-in (signingKey + verify only). */
export const standInProvider: CryptoProvider = {
  name: 'x509-test-stand-in',
  hash: () => {
    throw new Error('stand-in: not implemented');
  },
  aead: () => {
    throw new Error('stand-in: not implemented');
  },
  groups: [],
  keyExchange: () => undefined,
  verifySchemes: Object.keys(SCHEMES).map(Number),
  signingKey(key: PrivateKey): SigningKey {
    const ko = privateKeyObject(key);
    const publicKey = publicKeyData(ko);
    const schemes = Object.keys(SCHEMES)
      .map(Number)
      .filter((s) => fits(s, publicKey));
    return {
      schemes,
      publicKey,
      sign(scheme: number, message: Uint8Array): Uint8Array {
        if (!schemes.includes(scheme)) throw new Error('stand-in: scheme does not fit the key');
        return new Uint8Array(nodeCrypto.sign(SCHEMES[scheme]?.hash ?? null, message, signOptions(scheme, ko)));
      },
    };
  },
  verify(scheme: number, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
    if (!fits(scheme, key)) return false;
    try {
      const ko = publicKeyObject(key);
      return nodeCrypto.verify(SCHEMES[scheme]?.hash ?? null, message, signOptions(scheme, ko) as nodeCrypto.VerifyKeyObjectInput, signature);
    } catch {
      return false;
    }
  },
  // In certificates an ECDSA scheme names only its hash (CryptoProvider.verifyCertificateSignature).
  verifyCertificateSignature(scheme: number, key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
    const hash = ({ 0x0403: 'sha256', 0x0503: 'sha384', 0x0603: 'sha512' } as Record<number, string>)[scheme];
    if (hash === undefined) return this.verify(scheme, key, message, signature);
    if (key.type !== 'ec') return false;
    try {
      return nodeCrypto.verify(hash, message, { key: publicKeyObject(key), dsaEncoding: 'der' }, signature);
    } catch {
      return false;
    }
  },
  randomBytes: (n: number) => new Uint8Array(nodeCrypto.randomBytes(n)),
};

/** Every provider the x509 suites run against. */
export const PROVIDERS: readonly CryptoProvider[] = [standInProvider, nobleProvider, nodeCryptoProvider];

function der(tag: number, value: Buffer): Buffer {
  const n = value.length;
  const len = n < 128 ? Buffer.from([n]) : Buffer.from([0x81, n]);
  return Buffer.concat([Buffer.from([tag]), len, value]);
}
