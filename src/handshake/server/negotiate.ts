/**
 * @module negotiate
 * What the server chooses from a ClientHello (RFC 8446 §4.1.1): version, cipher suite, group
 * and key share, certificate and signature scheme, ALPN protocol. Server preference order wins
 * everywhere (for suites unless `cipherSuiteOrder` is 'client'); a key share the client already
 * sent beats a HelloRetryRequest (Go does the same).
 */
import { equalBytes, fromUtf8 } from '../../bytes/bytes.ts';
import type { ServerConfig } from '../../config.ts';
import type { CipherSuiteInfo } from '../../crypto/suites.ts';
import { TlsError, handshakeFailure, illegalParameter, missingExtension } from '../../errors.ts';
import type { ClientHello } from '../../messages/client-hello.ts';
import { findExtension, type KeyShareEntry } from '../../messages/extensions/extensions.ts';
import { AlertDescription, ProtocolVersion, PskKeyExchangeMode } from '../../protocol/registry.ts';
import type { CertifiedKey } from '../../x509/certified-key.ts';

export interface Negotiation {
  readonly suite: CipherSuiteInfo;
  /**
   * The key-exchange group, or undefined when there is none to use; only possible when the client
   * may resume with psk_ke (`dangerouslyAllowPskKe`): `noGroup` is then the error to raise if no
   * PSK is accepted.
   */
  readonly group: number | undefined;
  readonly noGroup: TlsError | undefined;
  /** The client's share for `group`, or undefined: then a HelloRetryRequest is needed. */
  readonly clientShare: KeyShareEntry | undefined;
  /**
   * Undefined only on a server with `externalPsk` and a client offering a PSK: a certificate is
   * then needed only if no PSK is accepted, and `noCertificate` is the error to raise.
   */
  readonly certified: CertifiedKey | undefined;
  readonly signatureScheme: number;
  readonly noCertificate: TlsError | undefined;
  readonly alpnProtocol: Uint8Array | undefined;
  readonly serverName: string | undefined;
}

/**
 * Chooses everything the ServerHello and our flight need. `answered` is the caller's certificate
 * choice for this hello (`pauseFor.certificate`), undefined for the config's own.
 * @throws TlsError protocol_version, illegal_parameter, missing_extension, handshake_failure,
 *   no_application_protocol
 */
export function negotiate(config: ServerConfig, ch: ClientHello, answered: readonly CertifiedKey[] | undefined): Negotiation {
  checkVersion(ch);
  // RFC 8446 §4.1.2: "For every TLS 1.3 ClientHello, this vector MUST contain exactly one byte,
  // set to zero ... the server MUST abort the handshake with an "illegal_parameter" alert."
  if (ch.legacyCompressionMethods.length !== 1 || ch.legacyCompressionMethods[0] !== 0) {
    throw illegalParameter('client_hello: legacy_compression_methods must be [0]');
  }
  // RFC 8446 §4.2.9: "If clients offer "pre_shared_key" without a "psk_key_exchange_modes"
  // extension, servers MUST abort the handshake." (Checked before any PSK is looked at:
  // handshake/server/resume.ts.)
  if (findExtension(ch.extensions, 'pre_shared_key_client') && !findExtension(ch.extensions, 'psk_key_exchange_modes')) {
    throw missingExtension('client_hello: pre_shared_key without psk_key_exchange_modes');
  }
  const suite = selectSuite(config, ch);
  const { group, noGroup, clientShare } = selectGroup(config, ch, mayResumeWithPskKe(config, ch));
  const serverName = findExtension(ch.extensions, 'server_name')?.hostName;
  const { certified, signatureScheme, noCertificate } = selectCertificateUnlessPsk(config, ch, serverName, answered);
  const alpnProtocol = selectAlpn(config, ch, serverName);
  return { suite, group, noGroup, clientShare, certified, signatureScheme, noCertificate, alpnProtocol, serverName };
}

/**
 * True when this ClientHello may resume with psk_ke (RFC 8446 §4.2.9): the option is on and the
 * client offers a PSK with psk_ke among its modes.
 */
function mayResumeWithPskKe(config: ServerConfig, ch: ClientHello): boolean {
  if (!config.dangerouslyAllowPskKe || !findExtension(ch.extensions, 'pre_shared_key_client')) return false;
  return findExtension(ch.extensions, 'psk_key_exchange_modes')?.keModes.includes(PskKeyExchangeMode.psk_ke) ?? false;
}

/** The ALPN name as text for reports. */
export function alpnText(name: Uint8Array | undefined): string | undefined {
  return name === undefined ? undefined : fromUtf8(name);
}

/**
 * RFC 8446 §4.2.1: a TLS 1.3 client sends supported_versions containing 0x0304. A hello
 * without it, or without TLS 1.3 in it, is from a client we cannot serve: we implement only
 * TLS 1.3, so the answer is protocol_version (RFC 8446 §4.1.1 / §6.2).
 */
function checkVersion(ch: ClientHello): void {
  // RFC 8446 Appendix D.5: "Any endpoint receiving a Hello message with
  // ClientHello.legacy_version ... set to 0x0300 MUST abort the handshake with a
  // "protocol_version" alert." (SSL 3.0 and older: refused before anything else.)
  if (ch.legacyVersion <= 0x0300) {
    throw new TlsError(AlertDescription.protocol_version, 'client_hello: legacy_version is SSL 3.0 or older');
  }
  const sv = findExtension(ch.extensions, 'supported_versions_client');
  if (!sv || !sv.versions.includes(ProtocolVersion.TLSv1_3)) {
    throw new TlsError(AlertDescription.protocol_version, 'client_hello: client does not offer TLS 1.3');
  }
}

/**
 * RFC 8446 §4.1.1: a suite both sides support: ChaCha20-Poly1305 when `preferChaCha20` and both
 * sides have it, else by the server's order (the first of ours the client offers) or, with
 * cipherSuiteOrder 'client', the client's; none → handshake_failure.
 */
function selectSuite(config: ServerConfig, ch: ClientHello): CipherSuiteInfo {
  const chacha = config.preferChaCha20
    ? config.cipherSuites.find((s) => s.aead === 'chacha20-poly1305' && ch.cipherSuites.includes(s.id))
    : undefined;
  const suite =
    chacha ??
    (config.cipherSuiteOrder === 'client'
      ? firstOf(ch.cipherSuites, (id) => config.cipherSuites.find((s) => s.id === id))
      : config.cipherSuites.find((s) => ch.cipherSuites.includes(s.id)));
  if (!suite) throw handshakeFailure('client_hello: no cipher suite in common');
  return suite;
}

/** The first non-undefined `pick(x)` over `list`, in list order. */
function firstOf<T, R>(list: readonly T[], pick: (x: T) => R | undefined): R | undefined {
  for (const x of list) {
    const r = pick(x);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * RFC 8446 §4.2.7, §4.2.8: the group and, if sent, the client's share for it. With `pskKe` (a
 * psk_ke resumption is possible) a missing or unusable group is returned as `noGroup` instead of
 * thrown: it is an error only if no PSK is accepted.
 */
function selectGroup(
  config: ServerConfig,
  ch: ClientHello,
  pskKe: boolean,
): { group: number | undefined; noGroup: TlsError | undefined; clientShare: KeyShareEntry | undefined } {
  const none = (e: TlsError) => {
    if (!pskKe) throw e;
    return { group: undefined, noGroup: e, clientShare: undefined };
  };
  const groups = findExtension(ch.extensions, 'supported_groups');
  const keyShare = findExtension(ch.extensions, 'key_share_client');
  // RFC 8446 §9.2: without PSK, a ClientHello MUST contain supported_groups and key_share
  // (and a key_share requires supported_groups); otherwise missing_extension. (With psk_ke
  // neither is needed.)
  if (!groups) return none(missingExtension('client_hello: no supported_groups'));
  if (!keyShare) return none(missingExtension('client_hello: no key_share'));
  // Positions in supported_groups, read once: the check stays linear in the two lists (both
  // can hold thousands of entries in a large ClientHello).
  const position = new Map<number, number>();
  groups.namedGroupList.forEach((g, i) => {
    if (!position.has(g)) position.set(g, i);
  });
  const seen = new Set<number>();
  let lastIndex = -1;
  for (const share of keyShare.clientShares) {
    // RFC 8446 §4.2.8: "Clients MUST NOT offer multiple KeyShareEntry values for the same group.
    // Clients MUST NOT offer any KeyShareEntry values for groups not listed in the client's
    // "supported_groups" extension. ... Servers MAY check for violations of these rules and abort
    // the handshake with an "illegal_parameter" alert if one is violated."
    if (seen.has(share.group)) throw illegalParameter('key_share: two shares for one group');
    seen.add(share.group);
    const index = position.get(share.group);
    if (index === undefined) throw illegalParameter('key_share: share for a group not in supported_groups');
    // "... in the same order" as supported_groups.
    if (index < lastIndex) throw illegalParameter('key_share: shares not in supported_groups order');
    lastIndex = index;
  }
  // A mutually supported group the client already sent a share for, in our preference order.
  for (const group of config.groups) {
    const clientShare = keyShare.clientShares.find((s) => s.group === group);
    if (clientShare) return { group, noGroup: undefined, clientShare };
  }
  // Else the first mutually supported group: a HelloRetryRequest asks for its share.
  const group = config.groups.find((g) => groups.namedGroupList.includes(g));
  if (group === undefined) return none(handshakeFailure('client_hello: no key-exchange group in common'));
  return { group, noGroup: undefined, clientShare: undefined };
}

/**
 * `selectCertificate`, except that with external PSKs configured and a PSK offered its error is
 * returned, not thrown: a PSK handshake needs no certificate (RFC 8446 §2.2), and a server may
 * have none at all.
 */
function selectCertificateUnlessPsk(
  config: ServerConfig,
  ch: ClientHello,
  serverName: string | undefined,
  answered: readonly CertifiedKey[] | undefined,
): { certified: CertifiedKey | undefined; signatureScheme: number; noCertificate: TlsError | undefined } {
  const pskPossible = config.externalPsk !== undefined && findExtension(ch.extensions, 'pre_shared_key_client') !== undefined;
  try {
    return { ...selectCertificate(config, ch, serverName, answered), noCertificate: undefined };
  } catch (e) {
    if (!pskPossible || !(e instanceof TlsError)) throw e;
    return { certified: undefined, signatureScheme: 0, noCertificate: e };
  }
}

/**
 * RFC 6066 §3 and RFC 8446 §4.4.2.2: the certificate for the SNI name (the first whose leaf names
 * it, else the default), and a signature scheme the client offered that its key can make.
 */
function selectCertificate(
  config: ServerConfig,
  ch: ClientHello,
  serverName: string | undefined,
  answered: readonly CertifiedKey[] | undefined,
): { certified: CertifiedKey; signatureScheme: number } {
  const sigAlgs = findExtension(ch.extensions, 'signature_algorithms');
  // RFC 8446 §4.2.3 / §9.2: certificate authentication requires signature_algorithms.
  if (!sigAlgs) throw missingExtension('client_hello: no signature_algorithms');
  const candidates = answered !== undefined && answered.length > 0 ? answered : candidateCertificates(config, serverName);
  for (const certified of candidates) {
    // Client preference order among the schemes our key can make.
    const scheme = sigAlgs.supportedSignatureAlgorithms.find((s) => certified.key.schemes.includes(s));
    if (scheme !== undefined) return { certified, signatureScheme: scheme };
  }
  if (candidates.length === 0) throw handshakeFailure('client_hello: no PSK accepted, and this server has no certificate');
  throw handshakeFailure('client_hello: no certificate with a signature scheme the client accepts');
}

function candidateCertificates(config: ServerConfig, serverName: string | undefined): CertifiedKey[] {
  const chosen = config.selectCertificate?.(serverName);
  if (chosen) return [chosen];
  const all = config.certificates;
  if (serverName !== undefined) {
    const byName = all.filter((c) => c.leaf.dnsNames.some((n) => dnsNameMatches(n, serverName)));
    if (byName.length > 0) return [...byName, ...all.filter((c) => !byName.includes(c))];
  }
  return [...all];
}

/** RFC 6125 §6.4: case-insensitive match; a wildcard only as the whole left-most label. */
function dnsNameMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase().replace(/\.$/, '');
  if (p === n) return true;
  if (!p.startsWith('*.')) return false;
  const dot = n.indexOf('.');
  return dot > 0 && n.slice(dot + 1) === p.slice(2);
}

/**
 * RFC 7301 §3.2: the first of our protocols the client offers. When the client offers ALPN and
 * none match, "the server SHALL respond with a fatal "no_application_protocol" alert" (unless
 * configured to carry on without ALPN: `alpnStrict` false). With `config.selectAlpn` the hook
 * decides: undefined is no match; a name the client did not offer is our error (internal_error),
 * never sent.
 */
function selectAlpn(config: ServerConfig, ch: ClientHello, serverName: string | undefined): Uint8Array | undefined {
  const alpn = findExtension(ch.extensions, 'alpn');
  if (alpn && config.selectAlpn) {
    // Names that are not UTF-8 cannot be chosen by a string-typed hook; they are left out.
    const offered = alpn.protocolNameList.flatMap((p) => fromUtf8(p) ?? []);
    const chosen = config.selectAlpn(serverName, offered);
    if (chosen === undefined) {
      if (!config.alpnStrict) return undefined;
      throw new TlsError(AlertDescription.no_application_protocol, 'client_hello: selectAlpn refused every offered protocol');
    }
    const picked = alpn.protocolNameList.find((p) => fromUtf8(p) === chosen);
    if (!picked) throw new TlsError(AlertDescription.internal_error, 'selectAlpn returned a protocol the client did not offer');
    return picked;
  }
  if (!alpn || config.alpnProtocols.length === 0) return undefined;
  const match = config.alpnProtocols.find((ours) => alpn.protocolNameList.some((theirs) => equalBytes(ours, theirs)));
  if (!match && config.alpnStrict) {
    throw new TlsError(AlertDescription.no_application_protocol, 'client_hello: no ALPN protocol in common');
  }
  return match;
}
