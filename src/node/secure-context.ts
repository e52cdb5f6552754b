/**
 * @module node/secure-context
 * node:tls's `createSecureContext`: the per-context TLS settings (key pairs, trusted roots,
 * cipher suites, groups, protocol versions) parsed and validated once, then shared read-only by
 * every connection given it as `secureContext` (client and server). Without `secureContext`,
 * `connect()` and `createServer()` build one from their own options, as node:tls does.
 */
import type { CryptoProvider } from '../crypto/provider.ts';
import { nobleProvider } from '../crypto/noble/index.ts';
import { certifiedKey, type CertifiedKey } from '../x509/certified-key.ts';
import { parseCertificateChain } from '../x509/certificate.ts';
import { parsePkcs12 } from '../x509/pkcs12.ts';
import { revocationChecker, type RevocationChecker } from '../x509/revocation.ts';
import { webPkiVerifier, type CertificateVerifier } from '../x509/verifier.ts';
import { nodeCryptoProvider } from './crypto-provider.ts';
import { checkProtocolVersions, parseCipherList, parseGroupList } from './tls-lists.ts';

/** PEM text or DER bytes (a Buffer is a Uint8Array). */
export type PemInput = string | Uint8Array;

/** `'node'` (node:crypto primitives, the default), `'pure'` (noble), or any provider object. */
export type ProviderOption = 'node' | 'pure' | CryptoProvider;

/** One `pfx` entry with its own passphrase (node:tls's `{ buf, passphrase }`). */
export interface PfxObject {
  readonly buf: Uint8Array;
  readonly passphrase?: string;
}

/** The options node:tls's `createSecureContext` takes that puretls honours (and ours: `provider`, `cipherSuites`, `groups`). */
export interface SecureContextOptions {
  /** Private key(s), PEM or DER. With arrays, `key[i]` belongs to `cert[i]`. */
  readonly key?: PemInput | readonly PemInput[];
  /** Certificate chain(s), PEM (leaf first) or DER. */
  readonly cert?: PemInput | readonly PemInput[];
  /** Passphrase of encrypted PKCS#8 keys ("ENCRYPTED PRIVATE KEY") and of `pfx` files. */
  readonly passphrase?: string;
  /**
   * PKCS#12 file(s) (DER, as `openssl pkcs12 -export` writes them), each a key and its chain,
   * after the `key`/`cert` pairs; `{ buf, passphrase }` for a file's own passphrase. PBES2/AES
   * files only (OpenSSL 3's default); legacy RC2/3DES files are refused (src/x509/pkcs12.ts).
   */
  readonly pfx?: Uint8Array | PfxObject | readonly (Uint8Array | PfxObject)[];
  /**
   * DER OCSP response(s) to staple (RFC 6066 §8): one for the first `cert`, or an array lined up
   * with `cert` (undefined entries: nothing stapled).
   */
  readonly ocspResponse?: Uint8Array | readonly (Uint8Array | undefined)[];
  /** Trusted roots, PEM or DER; they replace node's bundled Mozilla roots (`tls.rootCertificates`). */
  readonly ca?: PemInput | readonly PemInput[];
  /**
   * CRLs, PEM or DER (node:tls `crl`). As node:tls (OpenSSL's CRL_CHECK and CRL_CHECK_ALL), a
   * client checks every certificate of the server's path below the trust anchor: each needs a
   * current CRL of its issuer, and a listed one fails the handshake with certificate_revoked
   * (`revocationChecker({ crls, depth: 'chain', unknownStatus: 'deny' })`, built once here).
   * Not supported by createServer yet (client certificates): an error there.
   */
  readonly crl?: PemInput | readonly PemInput[];
  /**
   * node:tls cipher string (`:`-separated). Its `TLS_*` entries are the TLS 1.3 suites in
   * preference order; TLS 1.2 entries are skipped. A list with no TLS 1.3 suite is an error
   * (node:tls would fall back to TLS 1.2). See tls-lists.ts.
   */
  readonly ciphers?: string;
  /**
   * Key-exchange groups, an OpenSSL groups list (`X25519MLKEM768:X25519:P-256`; `*` marks a
   * client key share, as OpenSSL 3.5) or `'auto'` (default: X25519MLKEM768, x25519, P-256,
   * P-384, with key shares for X25519MLKEM768 and x25519).
   */
  readonly ecdhCurve?: string;
  /** `'TLSv1'` .. `'TLSv1.3'`: any is fine, puretls speaks TLS 1.3. */
  readonly minVersion?: string;
  /** Only `'TLSv1.3'`: a lower maximum cannot be honoured and is an error. */
  readonly maxVersion?: string;
  /** Only a method that allows TLS 1.3 (`TLS_method`, `SSLv23_method`, ...); others are an error. */
  readonly secureProtocol?: string;
  /**
   * Server: true (default for a server, as node:tls's createServer) chooses the cipher suite by
   * the order of `ciphers`; false by the client's order.
   */
  readonly honorCipherOrder?: boolean;
  /** puretls: the TLS 1.3 suites as wire ids (instead of `ciphers`). */
  readonly cipherSuites?: readonly number[];
  /** puretls: the groups as wire ids (instead of `ecdhCurve`); the client shares a key for the first. */
  readonly groups?: readonly number[];
  readonly provider?: ProviderOption;
}

/** A validated context (node:tls `SecureContext`); make one with `createSecureContext`. */
export interface SecureContext {
  readonly provider: CryptoProvider;
  /** The key pairs (`key`/`cert`, then `pfx`), in order; the first is the default. */
  readonly certifiedKeys: readonly CertifiedKey[];
  /** The first key pair: what an `SNICallback` context contributes. */
  readonly certifiedKey: CertifiedKey | undefined;
  /** The verifier over `ca`, built once; undefined: node's bundled roots. */
  readonly trustedRoots: CertificateVerifier | undefined;
  /** The revocation checker over `crl`, built once; undefined without `crl`. */
  readonly crlChecker: RevocationChecker | undefined;
  /** TLS 1.3 suites (wire ids) in preference order; undefined: the engine's default. */
  readonly cipherSuites: readonly number[] | undefined;
  /** Groups in preference order; undefined: the engine's default. */
  readonly groups: readonly number[] | undefined;
  /** The client's first-flight key shares; undefined: the engine's default. */
  readonly keyShareGroups: readonly number[] | undefined;
  /** undefined: the side's default (a server's own order). */
  readonly honorCipherOrder: boolean | undefined;
}

/** The option names that belong to a context: with `secureContext`, giving one of them is an error. */
export const CONTEXT_OPTIONS: readonly (keyof SecureContextOptions)[] = [
  'key', 'cert', 'passphrase', 'pfx', 'ocspResponse', 'ca', 'crl', 'ciphers', 'ecdhCurve', 'minVersion', 'maxVersion',
  'secureProtocol', 'honorCipherOrder', 'cipherSuites', 'groups',
];

const made = new WeakSet<SecureContext>();

/**
 * node:tls `createSecureContext`: parses keys, certificates and trusted roots and checks the
 * TLS settings once; the result is reused by every connection given it as `secureContext`.
 * @example const ctx = createSecureContext({ ca: readFileSync('ca.pem'), ciphers: 'TLS_CHACHA20_POLY1305_SHA256' });
 *   connect({ host, port, secureContext: ctx });
 * @throws TypeError / RangeError / Error for an option that is malformed or cannot be honoured
 *   (see tls-lists.ts), a key that does not match its certificate, or a `ca` without a certificate
 */
export function createSecureContext(options: SecureContextOptions = {}): SecureContext {
  checkProtocolVersions(options);
  if (options.ciphers !== undefined && options.cipherSuites !== undefined) throw new TypeError('`ciphers` and `cipherSuites` are exclusive');
  if (options.ecdhCurve !== undefined && options.groups !== undefined) throw new TypeError('`ecdhCurve` and `groups` are exclusive');
  if (options.honorCipherOrder !== undefined && typeof options.honorCipherOrder !== 'boolean') {
    throw new TypeError('honorCipherOrder must be a boolean');
  }
  const provider = resolveProvider(options.provider);
  const curves = options.ecdhCurve === undefined ? undefined : parseGroupList(options.ecdhCurve);
  const certifiedKeys = keyPairs(options, provider);
  const ctx: SecureContext = {
    provider,
    certifiedKeys,
    certifiedKey: certifiedKeys[0],
    trustedRoots: options.ca === undefined ? undefined : webPkiVerifier({ roots: trustedCertificates(options) }),
    crlChecker: options.crl === undefined ? undefined : revocationChecker({ crls: asList(options.crl), depth: 'chain', unknownStatus: 'deny' }),
    cipherSuites: options.ciphers === undefined ? options.cipherSuites : parseCipherList(options.ciphers),
    groups: curves?.groups ?? options.groups,
    keyShareGroups: curves?.keyShareGroups,
    honorCipherOrder: options.honorCipherOrder,
  };
  made.add(ctx);
  return Object.freeze(ctx);
}

/**
 * The context of a `connect()` / `createServer()` call: its `secureContext`, else one built from
 * its own options (as node:tls does).
 * @throws TypeError when `secureContext` is not from createSecureContext or comes with context
 *   options (node:tls would ignore those silently)
 */
export function contextOf(options: SecureContextOptions & { readonly secureContext?: SecureContext }, caller: string): SecureContext {
  const ctx = options.secureContext;
  if (ctx === undefined) return createSecureContext(options);
  if (!made.has(ctx)) throw new TypeError(`${caller}: secureContext must come from createSecureContext()`);
  const extra = CONTEXT_OPTIONS.filter((k) => options[k] !== undefined);
  if (extra.length > 0) {
    throw new TypeError(`${caller}: ${extra.join(', ')} with secureContext: node:tls would ignore them; put them in createSecureContext()`);
  }
  return ctx;
}

/** Resolves a provider option; default `'node'`. @throws TypeError for an unknown name */
export function resolveProvider(p: ProviderOption | undefined): CryptoProvider {
  if (p === undefined || p === 'node') return nodeCryptoProvider;
  if (p === 'pure') return nobleProvider;
  if (typeof p === 'object' && p !== null && typeof p.hash === 'function') return p;
  throw new TypeError(`provider must be 'node', 'pure' or a CryptoProvider, got ${String(p)}`);
}

/** The DER certificates of the `ca` option. @throws TypeError when it holds none */
export function trustedCertificates(options: { readonly ca?: PemInput | readonly PemInput[] }): Uint8Array[] {
  const ders = asList(options.ca).flatMap((pem) => parseCertificateChain(pem));
  if (ders.length === 0) throw new TypeError('`ca` holds no certificate');
  return ders;
}

/** `key[i]` with `cert[i]` (and `ocspResponse[i]`), then each `pfx` file's key and chain. */
function keyPairs(options: SecureContextOptions, provider: CryptoProvider): CertifiedKey[] {
  return [...pemKeyPairs(options, provider), ...pfxKeyPairs(options, provider)];
}

function pfxKeyPairs(options: SecureContextOptions, provider: CryptoProvider): CertifiedKey[] {
  const { pfx } = options;
  if (pfx === undefined) return [];
  const files = (Array.isArray(pfx) ? pfx : [pfx]) as readonly (Uint8Array | PfxObject)[];
  return files.map((f) => {
    const { buf, passphrase } = f instanceof Uint8Array ? { buf: f, passphrase: undefined } : f;
    if (!(buf instanceof Uint8Array)) throw new TypeError('pfx must be a Buffer (DER PKCS#12) or { buf, passphrase }');
    const { chain, key } = parsePkcs12(buf, passphrase ?? options.passphrase, provider);
    return certifiedKey(provider, chain, key);
  });
}

function pemKeyPairs(options: SecureContextOptions, provider: CryptoProvider): CertifiedKey[] {
  const keys = asList(options.key);
  const certs = asList(options.cert);
  if (keys.length !== certs.length) throw new TypeError('`key` and `cert` must pair up (one key per certificate chain)');
  const ocsp = options.ocspResponse instanceof Uint8Array ? [options.ocspResponse] : [...(options.ocspResponse ?? [])];
  if (ocsp.length > keys.length) throw new TypeError('more `ocspResponse` entries than certificates');
  return keys.map((key, i) =>
    certifiedKey(provider, parseCertificateChain(certs[i]!), key, { passphrase: options.passphrase, ocspResponse: ocsp[i] }),
  );
}

/** A single value or a list, as a list. */
export function asList(x: PemInput | readonly PemInput[] | undefined): PemInput[] {
  if (x === undefined) return [];
  if (typeof x === 'string' || x instanceof Uint8Array) return [x];
  return [...x];
}
