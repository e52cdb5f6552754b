import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as nodeCrypto from 'node:crypto';
import { encodePrivateKeyPkcs8, parsePrivateKey, publicKeysEqual } from '../../../src/x509/keys.ts';
import { pemEncode } from '../../../src/x509/pem.ts';
import { PROVIDERS, publicKeyData } from './_provider.ts';
import { KEY_TYPES, vectorText } from './_certs.ts';

/** Every encoding of one key that parsePrivateKey must accept, with node's view of its public key. */
function encodings(k: nodeCrypto.KeyObject): [string, string | Uint8Array][] {
  const out: [string, string | Uint8Array][] = [
    ['PKCS#8 PEM', k.export({ format: 'pem', type: 'pkcs8' }) as string],
    ['PKCS#8 DER', new Uint8Array(k.export({ format: 'der', type: 'pkcs8' }))],
  ];
  if (k.asymmetricKeyType === 'ec') {
    const sec1 = k.export({ format: 'pem', type: 'sec1' }) as string;
    out.push(['SEC1 "EC PRIVATE KEY" PEM', sec1]);
    // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key.
    const oid = k.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? '06082a8648ce3d030107' : '06052b81040022';
    out.push(['EC PARAMETERS + EC PRIVATE KEY', pemEncode('EC PARAMETERS', new Uint8Array(Buffer.from(oid, 'hex'))) + sec1]);
  }
  if (k.asymmetricKeyType === 'rsa') out.push(['PKCS#1 "RSA PRIVATE KEY" PEM', k.export({ format: 'pem', type: 'pkcs1' }) as string]);
  return out;
}

const generated: [string, nodeCrypto.KeyObject][] = [
  ['P-256', nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
  ['P-384', nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
  ['Ed25519', nodeCrypto.generateKeyPairSync('ed25519').privateKey],
  ['RSA-2048', nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
  ...KEY_TYPES.map((kt): [string, nodeCrypto.KeyObject] => [`vectors/certs/${kt}/end.key`, nodeCrypto.createPrivateKey(vectorText(kt, 'end.key'))]),
];

describe('parsePrivateKey (RFC 5208, RFC 5915, RFC 8410, RFC 8017)', () => {
  for (const [name, k] of generated) {
    for (const [format, input] of encodings(k)) {
      it(`parses ${name} as ${format}; every provider derives node's public key`, () => {
        const key = parsePrivateKey(input);
        const expected = publicKeyData(k);
        for (const p of PROVIDERS) {
          const pub = p.signingKey(key).publicKey;
          expect(publicKeysEqual(pub, expected), p.name).toBe(true);
        }
      });
    }
  }

  it('keeps a P-256 scalar with leading zero octets at 32 bytes (RFC 5915 §3)', () => {
    // Find a key whose d starts with 0x00 by sampling; 1/256 per try.
    for (let i = 0; i < 4000; i++) {
      const k = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const d = Buffer.from(k.export({ format: 'jwk' }).d as string, 'base64url');
      if (d[0] !== 0) continue;
      const key = parsePrivateKey(k.export({ format: 'pem', type: 'pkcs8' }) as string);
      expect(key.type === 'ec' && key.d.length).toBe(32);
      expect(key.type === 'ec' && Buffer.from(key.d).equals(d)).toBe(true);
      return;
    }
    throw new Error('no key with a leading zero found');
  });

  it('rejects an encrypted PKCS#8 key given without a passphrase with a clear Error', () => {
    const k = generated[0]![1];
    const pem = k.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-128-cbc', passphrase: 'x' }) as string;
    expect(() => parsePrivateKey(pem)).toThrow(/encrypted/);
  });

  it('rejects an unsupported curve (secp256k1) naming it', () => {
    const k = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
    expect(() => parsePrivateKey(k.export({ format: 'pem', type: 'pkcs8' }) as string)).toThrow(/unsupported EC curve 1\.3\.132\.0\.10/);
  });

  it('rejects an unsupported algorithm (X25519) naming its OID', () => {
    const k = nodeCrypto.generateKeyPairSync('x25519').privateKey;
    expect(() => parsePrivateKey(new Uint8Array(k.export({ format: 'der', type: 'pkcs8' })))).toThrow(/unsupported key algorithm 1\.3\.101\.110/);
  });

  it('rejects an RSA key whose public exponent is not odd with 3 <= e < 2^33 (issue 8, protocol/limits.ts)', () => {
    const rsa = parsePrivateKey(generated.find(([n]) => n === 'RSA-2048')?.[1].export({ format: 'pem', type: 'pkcs8' }) as string);
    if (rsa.type !== 'rsa') throw new Error('not RSA');
    for (const e of [Uint8Array.of(2, 0, 0, 0, 1), Uint8Array.of(1), Uint8Array.of(1, 0, 0), new Uint8Array(200).fill(0x11)]) {
      expect(() => parsePrivateKey(encodePrivateKeyPkcs8({ ...rsa, e }))).toThrow(/key: PKCS#8: RSA public exponent out of range/);
    }
    expect(parsePrivateKey(encodePrivateKeyPkcs8({ ...rsa, e: Uint8Array.of(1, 0xff, 0xff, 0xff, 0xff) }))).toMatchObject({ type: 'rsa' });
  });

  it('rejects PEM text without a key block', () => {
    expect(() => parsePrivateKey(vectorText('ecdsa-p256', 'end.pem'))).toThrow(/no private key block/);
  });

  it('rejects PKCS#8 DER with trailing bytes', () => {
    const der = new Uint8Array(generated[2]![1].export({ format: 'der', type: 'pkcs8' }));
    expect(() => parsePrivateKey(new Uint8Array([...der, 0]))).toThrow(/key:/);
  });

  it('throws only Error("key: ...") on random bytes and on truncations', () => {
    const der = new Uint8Array(generated[0]![1].export({ format: 'der', type: 'pkcs8' }));
    for (let n = 0; n < der.length; n++) expect(() => parsePrivateKey(der.subarray(0, n))).toThrow(/^key: /);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expect(() => parsePrivateKey(b)).toThrow(/^key: /);
      }),
    );
  });
});

describe('encodePrivateKeyPkcs8', () => {
  for (const [name, k] of generated.slice(0, 4)) {
    it(`round-trips a ${name} key, and node:crypto reads the encoding as the same key`, () => {
      const key = parsePrivateKey(k.export({ format: 'pem', type: 'pkcs8' }) as string);
      const der = encodePrivateKeyPkcs8(key);
      expect(parsePrivateKey(der)).toEqual(key);
      const back = nodeCrypto.createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
      expect(publicKeysEqual(publicKeyData(back), publicKeyData(k))).toBe(true);
    });
  }
});
