/**
 * @module x509/pkcs12
 * PKCS#12 files (RFC 7292), as node:tls's `pfx` option takes them: the private key and its
 * certificate chain, in password-integrity mode (an HMAC over the contents, RFC 7292 §4, keyed by
 * the Appendix B.2 KDF) with PBES2 privacy (PBKDF2 + AES-CBC, RFC 8018 §6.2, pbes2.ts) — what
 * `openssl pkcs12 -export` writes since OpenSSL 3.0.
 *
 * Not supported, refused with an Error that says so: the legacy PKCS#12 PBE schemes (RC2-40 and
 * 3DES, RFC 7292 Appendix C: OpenSSL 1.x's defaults and `-legacy`; node:tls on OpenSSL 3 refuses
 * RC2 too), SHA-1 MACs, PBMAC1, public-key modes. Files are read as DER (what OpenSSL writes).
 *
 *   PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }
 *   MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
 *   ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, content [0] EXPLICIT ANY OPTIONAL }
 *   AuthenticatedSafe ::= SEQUENCE OF ContentInfo   -- data, or encryptedData (RFC 5652 §8)
 *   EncryptedData ::= SEQUENCE { version INTEGER, encryptedContentInfo SEQUENCE {
 *     contentType OBJECT IDENTIFIER, contentEncryptionAlgorithm AlgorithmIdentifier,
 *     encryptedContent [0] IMPLICIT OCTET STRING OPTIONAL }, ... }
 *   SafeContents ::= SEQUENCE OF SafeBag
 *   SafeBag ::= SEQUENCE { bagId OBJECT IDENTIFIER, bagValue [0] EXPLICIT ANY, bagAttributes SET OF PKCS12Attribute OPTIONAL }
 *   CertBag ::= SEQUENCE { certId OBJECT IDENTIFIER, certValue [0] EXPLICIT OCTET STRING }
 */
import { concat, equalBytes } from '../bytes/bytes.ts';
import type { CryptoProvider, HashAlgorithm, HashName, PrivateKey } from '../crypto/provider.ts';
import { parseCertificate } from './certificate.ts';
import { algorithm, DerTag, expectTag, oidToText, readChildren, readSingle, stripLeadingZeros, type Tlv } from './der.ts';
import { parsePrivateKey, publicKeysEqual } from './keys.ts';
import { KdfBudget, pkcs12MacWork } from './kdf-budget.ts';
import { decryptPbes2, PBES2_OID } from './pbes2.ts';

/** What a PKCS#12 file holds for a TLS endpoint. */
export interface Pkcs12Contents {
  /** The certificate chain, DER: the key's certificate first, then the others in file order. */
  readonly chain: readonly Uint8Array[];
  readonly key: PrivateKey;
}

/**
 * Reads the first private key of a PKCS#12 file and the certificates, checking the MAC first.
 * A missing passphrase is the empty one (OpenSSL tries both encodings of it).
 * @example const { chain, key } = parsePkcs12(readFileSync('server.p12'), 'secret', nodeCryptoProvider);
 * @throws Error naming the problem: malformed file, unsupported (legacy) algorithm, MAC failure
 *   (wrong passphrase or corrupt file), no key, no certificate for the key
 */
export function parsePkcs12(der: Uint8Array, passphrase: string | undefined, provider: CryptoProvider): Pkcs12Contents {
  const pb = provider.passwordBased;
  if (pb === undefined) throw new Error('pfx: needs a provider with passwordBased primitives');
  const [version, authSafe, macData, ...extra] = step('PFX', () => readChildren(readSingle(der, DerTag.SEQUENCE, 'PFX').value, 'PFX'));
  if (integer(version, 'version') !== 3 || authSafe === undefined || extra.length > 0) throw new Error('pfx: not a PKCS#12 v3 PFX');
  const content = step('authSafe', () => dataContent(authSafe));
  // One key-derivation work bound for the whole file (docs/07 §4d): the MAC and every encrypted
  // part, however many the file holds.
  const budget = new KdfBudget();
  if (macData !== undefined) checkMac(macData, content, passphrase ?? '', provider, budget);
  const password = new TextEncoder().encode(passphrase ?? '');
  const keys: { key: PrivateKey; localKeyId: Uint8Array | undefined }[] = [];
  const certs: { der: Uint8Array; localKeyId: Uint8Array | undefined }[] = [];
  for (const info of step('AuthenticatedSafe', () => readChildren(readSingle(content, DerTag.SEQUENCE, 'AuthenticatedSafe').value, 'ContentInfo'))) {
    const safe = contentType(info) === OID.encryptedData ? decryptedContent(info, password, pb, budget) : step('SafeContents', () => dataContent(info));
    for (const bag of step('SafeContents', () => readChildren(readSingle(safe, DerTag.SEQUENCE, 'SafeContents').value, 'SafeBag'))) {
      const [idTlv, valueTlv, attrs] = readChildren(expectTag(bag, DerTag.SEQUENCE).value, 'SafeBag');
      const bagId = oidToText(expectTag(idTlv, DerTag.OID).value);
      const value = explicit0(valueTlv, 'bagValue');
      const localKeyId = attrs === undefined ? undefined : localKeyIdOf(attrs);
      if (bagId === OID.keyBag) keys.push({ key: parsePrivateKey(value.raw), localKeyId });
      else if (bagId === OID.shroudedKeyBag) keys.push({ key: shroudedKey(value.raw, passphrase ?? '', provider, budget), localKeyId });
      else if (bagId === OID.certBag) certs.push({ der: x509CertOf(value), localKeyId });
      // CRL, secret and nested bags carry nothing a TLS endpoint uses.
    }
  }
  const first = keys[0];
  if (first === undefined) throw new Error('pfx: the file holds no private key');
  const keyPublic = provider.signingKey(first.key).publicKey;
  const leafIndex = certs.findIndex((c) => {
    if (first.localKeyId !== undefined && c.localKeyId !== undefined) return equalBytes(first.localKeyId, c.localKeyId);
    const certPublic = parseCertificate(c.der).publicKey;
    return certPublic !== undefined && publicKeysEqual(keyPublic, certPublic);
  });
  const leaf = certs[leafIndex];
  if (leaf === undefined) throw new Error('pfx: no certificate in the file belongs to its private key');
  return { key: first.key, chain: [leaf.der, ...certs.filter((_, i) => i !== leafIndex).map((c) => c.der)] };
}

/**
 * RFC 7292 §5.1 / Appendix B.4: HMAC over the AuthenticatedSafe's contents under a key from the
 * Appendix B.2 KDF (ID 3) of the BMPString passphrase. OpenSSL encodes the empty passphrase
 * either as no bytes or as the BMPString terminator alone: both are tried.
 */
function checkMac(macData: Tlv, content: Uint8Array, passphrase: string, provider: CryptoProvider, budget: KdfBudget): void {
  const [digestInfo, saltTlv, iterTlv, ...extra] = step('MacData', () => readChildren(expectTag(macData, DerTag.SEQUENCE).value, 'MacData'));
  const [alg, digestTlv] = step('MacData', () => readChildren(expectTag(digestInfo, DerTag.SEQUENCE).value, 'DigestInfo'));
  if (extra.length > 0 || alg === undefined || digestTlv === undefined) throw new Error('pfx: malformed MacData');
  const oid = step('MacData', () => algorithm(alg)[0]);
  const hashName = MAC_HASH[oid];
  if (hashName === undefined) {
    throw new Error(
      `pfx: ${MAC_NAME[oid] ?? `MAC algorithm ${oid}`} is not supported (a legacy PKCS#12 file?): re-export it with OpenSSL 3's defaults ` +
        '(openssl pkcs12 -in old.p12 -legacy -nodes | openssl pkcs12 -export -out new.p12)',
    );
  }
  const iterations = iterTlv === undefined ? 1 : integer(iterTlv, 'MAC iterations');
  if (iterations < 1) throw new Error('pfx: MAC iteration count 0 out of range');
  const hash = provider.hash(hashName);
  const salt = expectTag(saltTlv, DerTag.OCTET_STRING).value;
  const expected = expectTag(digestTlv, DerTag.OCTET_STRING).value;
  const passwords = passphrase === '' ? [bmpString(''), new Uint8Array(0)] : [bmpString(passphrase)];
  const ok = passwords.some((pw) => {
    budget.charge(pkcs12MacWork(hashName, iterations), `pfx: the MAC with ${iterations} iterations`); // before any hashing
    return equalBytes(hash.hmac(pkcs12Kdf(hash, pw, salt, 3, iterations, hash.outputLen), content), expected);
  });
  if (!ok) throw new Error('pfx: MAC verification failed: wrong passphrase or corrupt file');
}

/**
 * RFC 7292 Appendix B.2: the PKCS#12 key derivation (ID 1 key, 2 IV, 3 MAC key), with the
 * hash's block size v and output size u; only the MAC key (n = u) is derived here.
 */
function pkcs12Kdf(hash: HashAlgorithm, password: Uint8Array, salt: Uint8Array, id: number, iterations: number, n: number): Uint8Array {
  const v = BLOCK_SIZE[hash.name];
  const fill = (x: Uint8Array): Uint8Array => {
    const out = new Uint8Array(v * Math.ceil(x.length / v));
    for (let i = 0; i < out.length; i++) out[i] = x[i % x.length]!;
    return out;
  };
  const I = concat(fill(salt), fill(password));
  const D = new Uint8Array(v).fill(id);
  const out = new Uint8Array(n);
  for (let filled = 0; ; ) {
    let A = hash.digest(concat(D, I));
    for (let r = 1; r < iterations; r++) A = hash.digest(A);
    out.set(A.subarray(0, n - filled), filled);
    filled += A.length;
    if (filled >= n) return out;
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block, B = A repeated to v bytes.
    const B = fill(A);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
}

/** RFC 7292 Appendix B.1: the passphrase as a BMPString (UTF-16BE) with a two-byte terminator. */
function bmpString(passphrase: string): Uint8Array {
  const out = new Uint8Array(passphrase.length * 2 + 2);
  for (let i = 0; i < passphrase.length; i++) {
    const c = passphrase.charCodeAt(i);
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

/** The bytes of a `data` ContentInfo (RFC 5652 §4): its [0] EXPLICIT OCTET STRING. */
function dataContent(info: Tlv): Uint8Array {
  if (contentType(info) !== OID.data) throw new Error(`pfx: content type ${contentType(info)} is not supported (only password integrity and privacy)`);
  return expectTag(explicit0(readChildren(info.value, 'ContentInfo')[1], 'content'), DerTag.OCTET_STRING).value;
}

/** An `encryptedData` ContentInfo (RFC 5652 §8) decrypted with PBES2. */
function decryptedContent(info: Tlv, password: Uint8Array, pb: NonNullable<CryptoProvider['passwordBased']>, budget: KdfBudget): Uint8Array {
  const encryptedData = explicit0(readChildren(info.value, 'ContentInfo')[1], 'content');
  const [, eci] = step('EncryptedData', () => readChildren(expectTag(encryptedData, DerTag.SEQUENCE).value, 'EncryptedData'));
  const [, alg, encrypted] = step('EncryptedContentInfo', () => readChildren(expectTag(eci, DerTag.SEQUENCE).value, 'EncryptedContentInfo'));
  if (alg === undefined || encrypted?.tag !== IMPLICIT_0_PRIMITIVE) throw new Error('pfx: malformed EncryptedContentInfo');
  refuseLegacy(alg, 'the certificates are');
  return step('encrypted certificates', () => decryptPbes2(alg, encrypted.value, password, pb, budget));
}

/** A pkcs8ShroudedKeyBag: an EncryptedPrivateKeyInfo, which must use PBES2. */
function shroudedKey(der: Uint8Array, passphrase: string, provider: CryptoProvider, budget: KdfBudget): PrivateKey {
  const [alg] = step('pkcs8ShroudedKeyBag', () => readChildren(readSingle(der, DerTag.SEQUENCE, 'EncryptedPrivateKeyInfo').value, 'EncryptedPrivateKeyInfo'));
  if (alg === undefined) throw new Error('pfx: malformed pkcs8ShroudedKeyBag');
  refuseLegacy(alg, 'the private key is');
  return parsePrivateKey(der, { passphrase, provider, kdfBudget: budget });
}

/** The legacy PKCS#12 PBE schemes (RFC 7292 Appendix C) are refused with a way out. */
function refuseLegacy(alg: Tlv, what: string): void {
  const oid = step('encryption algorithm', () => algorithm(alg)[0]);
  if (oid === PBES2_OID) return;
  const name = LEGACY_PBE[oid] ?? `encryption ${oid}`;
  throw new Error(
    `pfx: ${what} encrypted with ${name} (a legacy PKCS#12 file), which is not supported: re-export it with OpenSSL 3's ` +
      'defaults (AES-256-CBC): openssl pkcs12 -in old.p12 -legacy -nodes | openssl pkcs12 -export -out new.p12',
  );
}

/** A CertBag's X.509 certificate (RFC 7292 §4.2.3). */
function x509CertOf(bag: Tlv): Uint8Array {
  const [idTlv, value] = readChildren(expectTag(bag, DerTag.SEQUENCE).value, 'CertBag');
  if (oidToText(expectTag(idTlv, DerTag.OID).value) !== OID.x509Certificate) throw new Error('pfx: a certificate bag holds no X.509 certificate');
  return expectTag(explicit0(value, 'certValue'), DerTag.OCTET_STRING).value;
}

/** The localKeyId attribute (PKCS#9, RFC 2985 §5.5.2) of a bag, if any. */
function localKeyIdOf(attrs: Tlv): Uint8Array | undefined {
  for (const attr of readChildren(expectTag(attrs, DerTag.SET).value, 'bagAttributes')) {
    const [idTlv, values] = readChildren(expectTag(attr, DerTag.SEQUENCE).value, 'PKCS12Attribute');
    if (oidToText(expectTag(idTlv, DerTag.OID).value) !== OID.localKeyId) continue;
    return expectTag(readChildren(expectTag(values, DerTag.SET).value, 'localKeyId')[0], DerTag.OCTET_STRING).value;
  }
  return undefined;
}

function contentType(info: Tlv): string {
  return oidToText(expectTag(readChildren(expectTag(info, DerTag.SEQUENCE).value, 'ContentInfo')[0], DerTag.OID).value);
}

/** The single element inside a `[0] EXPLICIT` tag. */
function explicit0(t: Tlv | undefined, what: string): Tlv {
  const inner = readChildren(expectTag(t, EXPLICIT_0).value, what);
  if (inner.length !== 1) throw new Error(`pfx: malformed ${what}`);
  return inner[0]!;
}

function integer(t: Tlv | undefined, what: string): number {
  const v = stripLeadingZeros(expectTag(t, DerTag.INTEGER).value);
  if (v.length > 4) throw new Error(`pfx: ${what} too large`);
  return v.reduce((n, b) => n * 256 + b, 0);
}

/** Runs `fn`, prefixing its error message with `pfx: <what>:`. */
function step<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(msg.startsWith('pfx: ') ? msg : `pfx: ${what}: ${msg}`, { cause: e });
  }
}

const EXPLICIT_0 = 0xa0;
const IMPLICIT_0_PRIMITIVE = 0x80;
/** Hash block sizes in bytes (v of RFC 7292 Appendix B.2). */
const BLOCK_SIZE: Readonly<Record<HashName, number>> = { sha256: 64, sha384: 128, sha512: 128 };

/** RFC 7292 Appendix D, RFC 5652, RFC 2985 object identifiers. */
const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
} as const;
/** NIST hash OIDs (RFC 5754 §2) of the MACs we check. */
const MAC_HASH: Readonly<Record<string, HashName>> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const MAC_NAME: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'a SHA-1 MAC',
  '1.2.840.113549.1.5.14': 'a PBMAC1 MAC (RFC 9579)',
};
/** RFC 7292 Appendix C pkcs-12PbeIds. */
const LEGACY_PBE: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.12.1.1': 'pbeWithSHAAnd128BitRC4',
  '1.2.840.113549.1.12.1.2': 'pbeWithSHAAnd40BitRC4',
  '1.2.840.113549.1.12.1.3': 'pbeWithSHAAnd3-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.4': 'pbeWithSHAAnd2-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.5': 'pbeWithSHAAnd128BitRC2-CBC',
  '1.2.840.113549.1.12.1.6': 'pbewithSHAAnd40BitRC2-CBC',
};
