/**
 * @module node/tls-lists
 * node:tls's textual TLS settings, in node's (OpenSSL's) syntax, as the engine's wire ids:
 * `ciphers` (an OpenSSL cipher string), `ecdhCurve` (an OpenSSL groups list), `minVersion` /
 * `maxVersion` and `secureProtocol`. puretls speaks only TLS 1.3, so a setting that would limit
 * a connection to older versions, or leaves no TLS 1.3 suite or group we implement, is refused
 * here with an Error naming the option: it is never silently ignored. The CLI's `--ciphers` and
 * `--groups` use the same parsers.
 */
import { CipherSuite, NamedGroup } from '../protocol/registry.ts';

/** TLS 1.3 suites by IANA name (RFC 8446 §B.4): the ones we implement. */
const SUITES: Readonly<Record<string, number>> = {
  TLS_AES_128_GCM_SHA256: CipherSuite.TLS_AES_128_GCM_SHA256,
  TLS_AES_256_GCM_SHA384: CipherSuite.TLS_AES_256_GCM_SHA384,
  TLS_CHACHA20_POLY1305_SHA256: CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
  TLS_AES_128_CCM_SHA256: CipherSuite.TLS_AES_128_CCM_SHA256,
  TLS_AES_128_CCM_8_SHA256: CipherSuite.TLS_AES_128_CCM_8_SHA256,
};

/** Group names as OpenSSL spells them (its TLS name and its curve names), for the groups we implement. */
const GROUPS: Readonly<Record<string, number>> = {
  X25519: NamedGroup.x25519,
  x25519: NamedGroup.x25519,
  'P-256': NamedGroup.secp256r1,
  prime256v1: NamedGroup.secp256r1,
  secp256r1: NamedGroup.secp256r1,
  'P-384': NamedGroup.secp384r1,
  secp384r1: NamedGroup.secp384r1,
  'P-521': NamedGroup.secp521r1,
  secp521r1: NamedGroup.secp521r1,
  X448: NamedGroup.x448,
  x448: NamedGroup.x448,
  ffdhe2048: NamedGroup.ffdhe2048,
  ffdhe3072: NamedGroup.ffdhe3072,
  ffdhe4096: NamedGroup.ffdhe4096,
  ffdhe6144: NamedGroup.ffdhe6144,
  ffdhe8192: NamedGroup.ffdhe8192,
  X25519MLKEM768: NamedGroup.X25519MLKEM768,
};

/** TLS 1.3 groups OpenSSL knows that we do not implement (RFC 8446 §4.2.7, OpenSSL 3.5). */
const UNIMPLEMENTED_GROUPS: ReadonlySet<string> = new Set([
  'brainpoolP256r1tls13', 'brainpoolP384r1tls13', 'brainpoolP512r1tls13',
  'SecP256r1MLKEM768', 'SecP384r1MLKEM1024', 'MLKEM512', 'MLKEM768', 'MLKEM1024',
]);

/**
 * The TLS 1.3 suites of a node:tls `ciphers` string, in its order. As node does, the entries that
 * start with `TLS_` are TLS 1.3 suites and everything else (`ECDHE-RSA-AES128-GCM-SHA256`,
 * `HIGH`, `!aNULL`, ...) configures TLS 1.2 and older, which puretls does not speak: those are
 * skipped. The CCM suites (off by default) are on when named here.
 * @example parseCipherList(tls.DEFAULT_CIPHERS) // [0x1302, 0x1303, 0x1301]
 * @throws RangeError for an unknown TLS 1.3 suite name, or a list without a TLS 1.3 suite
 *   (node:tls would limit such a connection to TLS 1.2)
 */
export function parseCipherList(list: string, option = 'ciphers'): number[] {
  if (typeof list !== 'string') throw new TypeError(`${option} must be a string`);
  const suites: number[] = [];
  for (const name of list.split(':')) {
    if (!name.startsWith('TLS_')) continue; // TLS 1.2 syntax, as node's split
    const id = SUITES[name];
    if (id === undefined) {
      throw new RangeError(`${option}: unknown TLS 1.3 cipher suite ${JSON.stringify(name)} (known: ${Object.keys(SUITES).join(', ')})`);
    }
    if (!suites.includes(id)) suites.push(id);
  }
  if (suites.length === 0) {
    throw new RangeError(
      `${option}: ${JSON.stringify(list)} names no TLS 1.3 suite (TLS_...): it would limit node:tls to TLS 1.2, and puretls speaks only TLS 1.3`,
    );
  }
  return suites;
}

/** Groups in preference order and those to send key shares for (RFC 8446 §4.2.7, §4.2.8). */
export interface GroupList {
  readonly groups: readonly number[];
  /** The client's first-flight key shares: the `*`-marked groups, else the first group. */
  readonly keyShareGroups: readonly number[];
}

/**
 * An `ecdhCurve` value: `'auto'` (undefined: the defaults) or an OpenSSL groups list, names
 * separated by `:` (or `/`, OpenSSL 3.5's tuple separator, read here as `:`). A name may carry
 * OpenSSL 3.5's prefixes: `*` (send a key share for it; without any `*`, the first group gets the
 * only share, as OpenSSL does) and `?` (skip it when unknown). Groups OpenSSL knows that we do
 * not implement (X448, P-521, ffdhe*, ...) are left out.
 * @example parseGroupList('*X25519MLKEM768:*X25519:P-256') // key shares for X25519MLKEM768 and X25519
 * @throws RangeError for an unknown name (without `?`), an empty list, or one without a group we implement
 */
export function parseGroupList(list: string, option = 'ecdhCurve'): GroupList | undefined {
  if (typeof list !== 'string') throw new TypeError(`${option} must be a string`);
  if (list === 'auto') return undefined;
  const groups: number[] = [];
  const shares: number[] = [];
  for (const entry of list.split(/[:/]/)) {
    let name = entry;
    let optional = false;
    let share = false;
    while (name.startsWith('?') || name.startsWith('*')) {
      if (name.startsWith('?')) optional = true;
      else share = true;
      name = name.slice(1);
    }
    if (name === '') throw new RangeError(`${option}: empty group name in ${JSON.stringify(list)}`);
    const id = GROUPS[name];
    if (id === undefined) {
      if (optional || UNIMPLEMENTED_GROUPS.has(name)) continue;
      throw new RangeError(`${option}: unknown group ${JSON.stringify(name)} (known: ${Object.keys(GROUPS).join(', ')}, or 'auto')`);
    }
    if (groups.includes(id)) throw new RangeError(`${option}: group ${JSON.stringify(name)} is listed twice`);
    groups.push(id);
    if (share) shares.push(id);
  }
  if (groups.length === 0) throw new RangeError(`${option}: none of the groups in ${JSON.stringify(list)} is implemented`);
  return { groups, keyShareGroups: shares.length > 0 ? shares : groups.slice(0, 1) };
}

/** node:tls's protocol version names (`tls.DEFAULT_MIN_VERSION` and friends), oldest first. */
const VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

/** `secureProtocol` methods that allow every version (TLS 1.3 included); the others pin an older one. */
const ANY_VERSION_METHODS: ReadonlySet<string> = new Set([
  'TLS_method', 'TLS_client_method', 'TLS_server_method', 'SSLv23_method', 'SSLv23_client_method', 'SSLv23_server_method',
]);

/**
 * Checks node:tls's `minVersion`, `maxVersion` and `secureProtocol` against what puretls speaks
 * (TLS 1.3 only, RFC 8446). Any minimum is fine (we never go below TLS 1.3); a maximum below
 * `'TLSv1.3'`, or a `secureProtocol` that pins an older version, cannot be honoured.
 * @throws TypeError for a value node:tls does not know; RangeError for one we cannot honour
 */
export function checkProtocolVersions(options: {
  readonly minVersion?: string;
  readonly maxVersion?: string;
  readonly secureProtocol?: string;
}): void {
  const { minVersion, maxVersion, secureProtocol } = options;
  for (const [option, v] of [['minVersion', minVersion], ['maxVersion', maxVersion]] as const) {
    if (v !== undefined && !(VERSIONS as readonly unknown[]).includes(v)) {
      throw new TypeError(`${option}: ${JSON.stringify(v)} is not a TLS protocol version (${VERSIONS.join(', ')})`);
    }
  }
  if (maxVersion !== undefined && maxVersion !== 'TLSv1.3') {
    throw new RangeError(`maxVersion: ${maxVersion} cannot be honoured: puretls speaks only TLS 1.3`);
  }
  if (secureProtocol === undefined) return;
  if (typeof secureProtocol !== 'string') throw new TypeError('secureProtocol must be a string');
  if (minVersion !== undefined || maxVersion !== undefined) {
    throw new TypeError(`secureProtocol ${JSON.stringify(secureProtocol)} conflicts with minVersion/maxVersion (as in node:tls)`);
  }
  if (!ANY_VERSION_METHODS.has(secureProtocol)) {
    throw new RangeError(`secureProtocol: ${JSON.stringify(secureProtocol)} cannot be honoured: puretls speaks only TLS 1.3 (use TLS_method, or minVersion/maxVersion)`);
  }
}
