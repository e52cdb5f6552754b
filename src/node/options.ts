/**
 * @module node/options
 * Turns `node:tls`-style options into the engine's validated `ServerConfig` / `ClientConfig`
 * (src/config.ts): the context options (`key`/`cert`, `ca`, `ciphers`, `ecdhCurve`, versions)
 * through a `SecureContext` (secure-context.ts: given as `secureContext`, or built from the
 * options), the connection options (`ALPNProtocols`, `rejectUnauthorized`, `servername`, ...)
 * here. All option checking of the adapter happens here, once per server or per `connect()` call.
 */
import { clientConfig, serverConfig, type ClientConfig, type KeyLogger, type ServerConfig } from '../config.ts';
import { rootCertificates } from 'node:tls';
import type { CertificateCompressor } from '../compression/algorithm.ts';
import { AlertDescription } from '../protocol/registry.ts';
import { nodeCertificateCompressors } from './certificate-compression.ts';
import type { RemoteSessionStore, SessionStore } from '../session/store.ts';
import { certifiedKey, type CertifiedKey } from '../x509/certified-key.ts';
import { revocationChecker, type RevocationChecker, type RevocationOptions } from '../x509/revocation.ts';
import { parseCertificate, parseCertificateChain } from '../x509/certificate.ts';
import {
  CertificateError,
  dangerouslyAcceptAnyCertificate,
  webPkiVerifier,
  type CertificateVerifier,
  type VerifiedChain,
  type VerifyInput,
} from '../x509/verifier.ts';
import { contextOf, resolveProvider, trustedCertificates, type PemInput, type SecureContext, type SecureContextOptions } from './secure-context.ts';
import type { CertificateSigner, SNICallback } from './decisions.ts';
import { describeCertificate, type PeerCertificate } from './tls-socket.ts';

/** A certificate chain (leaf first) and its private key, both PEM (or DER). */
export interface KeyCertPair {
  readonly key: PemInput;
  readonly cert: PemInput;
  /** Passphrase of an encrypted PKCS#8 `key` (default: the server's `passphrase`). */
  readonly passphrase?: string;
  /**
   * DER OCSP response for this certificate, stapled when a client asks (status_request,
   * RFC 6066 §8; RFC 8446 §4.4.2.1). Not checked by the server: keep it fresh (1..2^24-1 bytes).
   */
  readonly ocspResponse?: Uint8Array;
}

// The CLI (src/tools/) takes these from here with the rest of the adapter's options.
export { resolveProvider, type PemInput, type ProviderOption, type SecureContext } from './secure-context.ts';

export type { CertificateSigner, SNICallback } from './decisions.ts';

/**
 * Server options, modelled on `tls.createServer`. The context options (SecureContextOptions:
 * `key`/`cert` pairs, the first the default; `ocspResponse`; `ca` for client certificates;
 * `ciphers`, `ecdhCurve`, `honorCipherOrder`, versions) come from `secureContext` when given.
 */
export interface ServerSecureOptions extends SecureContextOptions {
  /**
   * A context from `createSecureContext` for the key pairs and TLS settings, instead of those
   * options here (giving both is an error). node:tls's createServer ignores this option; we honour it.
   */
  readonly secureContext?: SecureContext;
  /** Extra certificates chosen by SNI server name (exact name, or `*.example.com`). */
  readonly contexts?: Readonly<Record<string, KeyCertPair>>;
  /** Synchronous SNI hook: return the key pair for `servername`, or undefined for the default. */
  readonly selectCertificate?: (servername: string | undefined) => KeyCertPair | CertifiedKey | undefined;
  /**
   * node:tls's asynchronous SNI hook: called with the name the client sent (RFC 6066 §3) before
   * any certificate is chosen; answer `cb(null, createSecureContext({ key, cert }))`, or
   * `cb(null)` for the default certificate, or `cb(err)` to fail the handshake (internal_error,
   * 'tlsClientError'). Not called when the client sends no name. The engine waits for it
   * (`pauseFor.certificate`) within `handshakeTimeout`.
   */
  readonly SNICallback?: SNICallback;
  /**
   * puretls extension: signs our CertificateVerify elsewhere (worker threads, a KMS/HSM, a
   * remote signer); the engine waits for it (`pauseFor.signature`). A rejection fails the
   * handshake with internal_error.
   */
  readonly signer?: CertificateSigner;
  /** ALPN protocol names in preference order (RFC 7301). */
  readonly ALPNProtocols?: readonly string[];
  /**
   * false: continue without ALPN when nothing matches (or `ALPNCallback` returns undefined),
   * instead of no_application_protocol.
   */
  readonly alpnStrict?: boolean;
  /**
   * node:tls `ALPNCallback` (called only when the client offers ALPN): return one of `protocols`,
   * or undefined to refuse with no_application_protocol (RFC 7301 §3.2; with `alpnStrict` false:
   * to continue without ALPN). Not with `ALPNProtocols`.
   */
  readonly ALPNCallback?: (arg: { servername: string | undefined; protocols: string[] }) => string | undefined;
  /**
   * Master secret (>= 32 bytes) the session-ticket keys derive from (node:tls `ticketKeys`);
   * servers given the same one resume each other's tickets (RFC 8446 §4.6.1). Default: random
   * per server.
   */
  readonly ticketKeys?: Uint8Array;
  /** Ticket lifetime in seconds (node:tls `sessionTimeout`; RFC 8446 §4.6.1 caps it at 7 days). */
  readonly sessionTimeout?: number;
  /** NewSessionTickets sent after each full handshake (0..8, default 2; 0 turns resumption off). */
  readonly tickets?: number;
  /** NewSessionTickets sent after a resumed handshake (0..8; default 0 with stateless tickets, as node:tls; 1 with a `sessionStore`). */
  readonly ticketsAfterResumption?: number;
  /**
   * Stateful resumption (e.g. `new MemorySessionStore(10000)`, or a `RemoteSessionStore` shared
   * by a fleet, taken from asynchronously): tickets are random ids, each usable once. Required
   * for 0-RTT (RFC 8446 §8.1). Default: stateless sealed tickets.
   */
  readonly sessionStore?: SessionStore | RemoteSessionStore;
  /**
   * Accept up to this many bytes of 0-RTT data per connection (RFC 8446 §4.2.10; default 0 = no
   * 0-RTT). Needs `sessionStore`. Accepted early data is REPLAYABLE (RFC 8446 §8): it is delivered
   * first on the socket's readable side, and `socket.earlyDataAccepted` says it was there.
   */
  readonly maxEarlyDataSize?: number;
  /** Ask clients for a certificate (mutual TLS, RFC 8446 §4.3.2). Default false. */
  readonly requestCert?: boolean;
  /**
   * With `requestCert`: true (default) refuses a client without a certificate that validates to
   * `ca` (certificate_required, RFC 8446 §4.4.2.4, or the verifier's alert); false lets every
   * client in and reports the check in `socket.authorized` / `authorizationError` (dangerous).
   */
  readonly rejectUnauthorized?: boolean;
  /**
   * puretls extension. With `requestCert` and `rejectUnauthorized` (the default): 'required'
   * (default) refuses a client that sends no certificate (certificate_required); 'optional' lets
   * it in unauthenticated. A certificate that is sent must validate either way (RFC 8446 §4.4.2.4).
   */
  readonly clientAuthMode?: 'required' | 'optional';
  /**
   * puretls extension, dangerous (default false): also resume with psk_ke (RFC 8446 §4.2.9) when
   * the client asks for it: such a resumed connection has no (EC)DHE, so no forward secrecy
   * (the engine's `dangerouslyAllowPskKe`).
   */
  readonly dangerouslyAllowPskKe?: boolean;
  /**
   * node:tls `pskCallback(socket, identity)`: the key (Buffer / TypedArray / DataView) for the
   * external PSK `identity` (RFC 8446 §4.2.11, SHA-256 suites), or null/undefined to refuse it.
   * Synchronous, as node's. With it, `key`/`cert` may be left out: then only PSK clients connect.
   */
  readonly pskCallback?: (socket: unknown, identity: string) => ArrayBufferView | null | undefined;
  /**
   * puretls extension: CAs for client certificates asked for after the handshake with
   * `socket.requestClientCertificate()` (RFC 8446 §4.6.2, clients that offer post_handshake_auth),
   * in `clientAuthMode` ('optional' reports a client without one). Default: `ca` with `requestCert`.
   */
  readonly postHandshakeCa?: PemInput | readonly PemInput[];
  /** node:tls `pskIdentityHint`: accepted and unused, as in node:tls: TLS 1.3 has no hint message. */
  readonly pskIdentityHint?: string;
  /**
   * puretls extension: certificate compression (RFC 8879) for our Certificate and, with
   * `requestCert`, the client's. Default: node:zlib's brotli, zstd (where Node has it) and zlib,
   * in that order of preference; `false` or `[]` turns it off.
   */
  readonly certificateCompression?: readonly CertificateCompressor[] | false;
}

/**
 * Client options, modelled on `tls.connect`. The context options (SecureContextOptions: `ca`,
 * the client certificate `cert`/`key`/`passphrase`, `ciphers`, `ecdhCurve`, versions) come from
 * `secureContext` when given.
 */
export interface ClientSecureOptions extends SecureContextOptions {
  /** A context from `createSecureContext`, reused across connections (its roots are parsed once). */
  readonly secureContext?: SecureContext;
  /**
   * Default true: the handshake fails unless the chain validates (RFC 5280 §6.1) and names the
   * server. false: any certificate is accepted; the real check still runs and `authorized` /
   * `authorizationError` report its outcome (dangerous: no protection against impostors).
   */
  readonly rejectUnauthorized?: boolean;
  /**
   * Replaces the server name check (RFC 6125) like node:tls: called during the handshake with
   * the name and the leaf after path validation; a returned Error fails the handshake with
   * bad_certificate. Path validation itself is not replaced.
   */
  readonly checkServerIdentity?: (hostname: string, cert: PeerCertificate) => Error | undefined;
  /** Ask for a stapled OCSP response (RFC 6066 §8); it is emitted as 'OCSPResponse' (not checked). */
  readonly requestOCSP?: boolean;
  /**
   * puretls extension: revocation checking of the server's chain (off by default): the policy
   * (`RevocationOptions`: stapled OCSP, CRLs, depth, unknown status; CRLs parsed on each connect)
   * or a checker made once with `revocationChecker` from `puretls/revocation` (CRLs parsed once).
   * A failure aborts the handshake, or with `rejectUnauthorized: false` becomes `authorizationError`.
   */
  readonly revocation?: RevocationOptions | RevocationChecker;
  readonly ALPNProtocols?: readonly string[];
  /**
   * node:tls `pskCallback(hint)`: returns `{ psk, identity }`, the external PSK to offer
   * (RFC 8446 §4.2.11, SHA-256 suites), or null for none. Called once per connect(), with hint
   * null: a TLS 1.3 server sends none. A server that accepts the PSK is authenticated by it (no
   * certificate); one that does not must present a certificate that passes the usual checks.
   */
  readonly pskCallback?: (hint: string | null) => { readonly psk: ArrayBufferView; readonly identity: string } | null | undefined;
  /**
   * puretls extension: offer post-handshake authentication (RFC 8446 §4.2.6): the server may ask
   * for `cert`/`key` after the handshake (none: an empty answer). Default false.
   */
  readonly postHandshakeAuth?: boolean;
  /**
   * puretls extension: certificate compression (RFC 8879) offered for the server's Certificate
   * and used for ours when the server asks. Default: node:zlib's brotli, zstd (where Node has it)
   * and zlib; `false` or `[]` turns it off.
   */
  readonly certificateCompression?: readonly CertificateCompressor[] | false;
}

/** The adapter's certificate compression: node:zlib's algorithms unless the caller says otherwise. */
function certificateCompressionOption(option: readonly CertificateCompressor[] | false | undefined): readonly CertificateCompressor[] {
  if (option === undefined) return nodeCertificateCompressors();
  return option === false ? [] : option;
}

/** What `serverConfigFromOptions` builds: the engine config and the client-certificate check. */
export interface ServerSetup {
  readonly config: ServerConfig;
  /** With `requestCert`: the verifier of client certificates and whether it is enforced. */
  readonly clientCheck: { readonly verifier: CertificateVerifier; readonly enforced: boolean } | undefined;
}

/**
 * Builds the `ServerConfig` for `createServer` from its options (the context: `secureContext`, or
 * one built from the options). @throws TypeError / Error for bad options
 */
export function serverConfigFromOptions(options: ServerSecureOptions, keyLog?: KeyLogger): ServerSetup {
  if (options.SNICallback !== undefined && typeof options.SNICallback !== 'function') {
    throw new TypeError('createServer: SNICallback must be a function');
  }
  if (options.signer !== undefined && typeof options.signer !== 'function') throw new TypeError('createServer: signer must be a function');
  const ctx = contextOf(options, 'createServer');
  // Refused rather than ignored: a server given CRLs must not silently accept revoked clients.
  if (ctx.crlChecker !== undefined) throw new TypeError('createServer: `crl` (revocation of client certificates) is not supported yet');
  const provider = options.provider === undefined || options.secureContext === undefined ? ctx.provider : resolveProvider(options.provider);
  const defaults = ctx.certifiedKeys;
  if (options.pskCallback !== undefined && typeof options.pskCallback !== 'function') {
    throw new TypeError('createServer: pskCallback must be a function');
  }
  if (defaults.length === 0 && options.pskCallback === undefined) {
    throw new TypeError('createServer: `key` and `cert` (or `pfx`) are required and must pair up (or pskCallback)');
  }
  const load = (pair: KeyCertPair): CertifiedKey =>
    certifiedKey(ctx.provider, parseCertificateChain(pair.cert), pair.key, {
      passphrase: pair.passphrase ?? options.passphrase,
      ocspResponse: pair.ocspResponse,
    });
  const byName = new Map<string, CertifiedKey>();
  for (const [name, pair] of Object.entries(options.contexts ?? {})) {
    byName.set(name.toLowerCase(), load(pair));
  }
  const userSelect = options.selectCertificate;
  const selectCertificate =
    byName.size === 0 && userSelect === undefined
      ? undefined
      : (serverName: string | undefined): CertifiedKey | undefined => {
          if (userSelect) {
            const picked = userSelect(serverName);
            if (picked !== undefined) {
              return 'leaf' in picked ? picked : load(picked);
            }
          }
          if (serverName === undefined) return undefined;
          return lookupContext(byName, serverName) ?? pickByDnsName(defaults, serverName);
        };
  const clientCheck =
    options.requestCert === true
      ? { verifier: ctx.trustedRoots ?? systemRootsVerifier(), enforced: options.rejectUnauthorized !== false }
      : undefined;
  const config = serverConfig({
    provider,
    certificates: [...defaults, ...byName.values()],
    selectCertificate,
    alpnProtocols: options.ALPNProtocols,
    alpnStrict: options.alpnStrict,
    selectAlpn: options.ALPNCallback === undefined ? undefined : alpnCallback(options.ALPNCallback),
    cipherSuites: ctx.cipherSuites,
    // node:tls servers default to their own suite order (tls.Server sets honorCipherOrder unless false).
    cipherSuiteOrder: ctx.honorCipherOrder === false ? 'client' : 'server',
    groups: ctx.groups,
    ticketSecret: options.ticketKeys,
    ticketLifetime: options.sessionTimeout,
    tickets: options.tickets,
    ticketsAfterResumption: options.ticketsAfterResumption,
    sessionStore: options.sessionStore,
    maxEarlyDataSize: options.maxEarlyDataSize,
    dangerouslyAllowPskKe: options.dangerouslyAllowPskKe,
    // The asynchronous hooks: the engine pauses and src/node/decisions.ts answers.
    pauseFor: { certificate: options.SNICallback !== undefined, signature: options.signer !== undefined },
    externalPsk: options.pskCallback === undefined ? undefined : serverPskLookup(options.pskCallback, () => undefined),
    postHandshakeClientAuth:
      options.postHandshakeCa === undefined
        ? undefined
        : { mode: options.clientAuthMode ?? 'required', verifier: webPkiVerifier({ roots: trustedCertificates({ ca: options.postHandshakeCa }) }) },
    clientAuth:
      clientCheck === undefined
        ? undefined
        : clientCheck.enforced
          ? { mode: options.clientAuthMode ?? 'required', verifier: clientCheck.verifier }
          : // Dangerous by the caller's explicit choice; Server checks the chain after the handshake.
            { mode: 'optional', verifier: dangerouslyAcceptAnyCertificate() },
    certificateCompression: certificateCompressionOption(options.certificateCompression),
    keyLog,
  });
  return { config, clientCheck };
}

/**
 * node:tls's server `pskCallback(socket, identity)` as the engine's `externalPsk` hook: the
 * identity as UTF-8 text, the key copied out of whatever view the callback returns.
 */
export function serverPskLookup(
  cb: NonNullable<ServerSecureOptions['pskCallback']>,
  socket: () => unknown,
): (identity: Uint8Array) => { key: Uint8Array } | undefined {
  return (identity) => {
    const key = cb(socket(), Buffer.from(identity).toString('utf8'));
    return key === null || key === undefined ? undefined : { key: viewBytes(key) };
  };
}

/** The bytes of an ArrayBufferView (Buffer, TypedArray, DataView) as a Uint8Array copy. */
function viewBytes(v: ArrayBufferView): Uint8Array {
  if (!ArrayBuffer.isView(v)) throw new TypeError('pskCallback: the key must be a Buffer, TypedArray or DataView');
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
}

/** node:tls's client `pskCallback(hint)`, asked once (hint null in TLS 1.3), as the engine's `externalPsk`. */
function clientPsk(cb: ClientSecureOptions['pskCallback']): { identity: Uint8Array; key: Uint8Array } | undefined {
  if (cb === undefined) return undefined;
  if (typeof cb !== 'function') throw new TypeError('connect: pskCallback must be a function');
  const r = cb(null);
  if (r === null || r === undefined) return undefined;
  if (typeof r.identity !== 'string') throw new TypeError('connect: pskCallback must return { psk, identity: string }');
  return { identity: new Uint8Array(Buffer.from(r.identity, 'utf8')), key: viewBytes(r.psk) };
}

/** node:tls's `ALPNCallback({ servername, protocols })` as the engine's `selectAlpn`. */
function alpnCallback(
  cb: NonNullable<ServerSecureOptions['ALPNCallback']>,
): (serverName: string | undefined, offered: readonly string[]) => string | undefined {
  if (typeof cb !== 'function') throw new TypeError('createServer: ALPNCallback must be a function');
  return (serverName, offered) => cb({ servername: serverName, protocols: [...offered] });
}

/** What `clientConfigFromOptions` adds besides the config. */
export interface ClientSetup {
  readonly config: ClientConfig;
  /**
   * With `rejectUnauthorized: false`: the real verifier's verdict on the peer's chain, once the
   * handshake checked it (undefined: not checked, e.g. on resumption; null: it passed).
   */
  readonly verdict: () => Error | null | undefined;
}

/**
 * Builds the `ClientConfig` for `connect`: the context (`secureContext`, or one built from the
 * options) gives the trust (`ca`, else node's bundled roots), the client certificate and the TLS
 * settings; the name check goes through `checkServerIdentity` when given.
 * @throws TypeError / Error for bad options
 */
export function clientConfigFromOptions(
  options: ClientSecureOptions,
  keyLog?: KeyLogger,
  extra: { readonly earlyData?: boolean } = {},
): ClientSetup {
  const ctx = contextOf(options, 'connect');
  const provider = options.provider === undefined || options.secureContext === undefined ? ctx.provider : resolveProvider(options.provider);
  const roots = ctx.trustedRoots ?? systemRootsVerifier();
  const checked = options.checkServerIdentity === undefined ? roots : withIdentityCheck(roots, options.checkServerIdentity);
  let verdict: Error | null | undefined;
  const verifier: CertificateVerifier =
    options.rejectUnauthorized === false
      ? {
          // Dangerous by the caller's explicit choice: record the real verdict, accept anyway.
          verify(input: VerifyInput): VerifiedChain {
            try {
              const ok = checked.verify(input);
              verdict = null;
              return ok;
            } catch (e) {
              verdict = e instanceof Error ? e : new Error(String(e));
              return dangerouslyAcceptAnyCertificate().verify(input);
            }
          },
        }
      : checked;
  if (options.revocation !== undefined && ctx.crlChecker !== undefined) {
    throw new TypeError('connect: `crl` and `revocation` are exclusive (put the CRLs in `revocation.crls`)');
  }
  const checker =
    options.revocation === undefined ? ctx.crlChecker : 'check' in options.revocation ? options.revocation : revocationChecker(options.revocation);
  const revocation: RevocationChecker | undefined =
    checker === undefined || options.rejectUnauthorized !== false
      ? checker
      : {
          requestsOcsp: checker.requestsOcsp,
          check(input): void {
            try {
              checker.check(input);
            } catch (e) {
              verdict ??= e instanceof Error ? e : new Error(String(e));
            }
          },
        };
  const config = clientConfig({
    provider,
    verifier,
    alpnProtocols: options.ALPNProtocols,
    cipherSuites: ctx.cipherSuites,
    groups: ctx.groups,
    keyShareGroups: ctx.keyShareGroups,
    // connect() resumes only the session it is given (option `session`), never from a shared cache.
    sessionCache: false,
    earlyData: extra.earlyData ?? false,
    certificates: ctx.certifiedKeys,
    requestOcsp: options.requestOCSP ?? false,
    revocation,
    externalPsk: clientPsk(options.pskCallback),
    postHandshakeAuth: options.postHandshakeAuth ?? false,
    certificateCompression: certificateCompressionOption(options.certificateCompression),
    keyLog,
  });
  return { config, verdict: () => verdict };
}

/**
 * A verifier over node's bundled Mozilla root store (`tls.rootCertificates`), parsed on first
 * use and then shared (read-only). Roots our strict DER reader refuses are skipped.
 */
export function systemRootsVerifier(): CertificateVerifier {
  systemRoots ??= webPkiVerifier({
    roots: rootCertificates.flatMap((pem) => parseCertificateChain(pem)),
    skipUnparsableRoots: true,
  });
  return systemRoots;
}

let systemRoots: CertificateVerifier | undefined;

/** Path validation by `inner` without its name check, then node:tls's `checkServerIdentity`. */
function withIdentityCheck(
  inner: CertificateVerifier,
  check: (hostname: string, cert: PeerCertificate) => Error | undefined,
): CertificateVerifier {
  return {
    verify(input: VerifyInput): VerifiedChain {
      const verified = inner.verify({ ...input, serverName: undefined });
      const leafDer = input.chain[0]!; // inner.verify refuses an empty chain
      const err = check(input.serverName ?? '', describeCertificate(leafDer));
      if (err !== undefined) {
        const subject = parseCertificate(leafDer).subjectText;
        throw new CertificateError(AlertDescription.bad_certificate, 'name_mismatch', 0, subject, `checkServerIdentity: ${err.message}`, err);
      }
      return verified;
    },
  };
}

/** NSS key log line (SSLKEYLOGFILE format): `LABEL <client_random hex> <secret hex>\n`. */
export function keyLogLine(label: string, clientRandom: Uint8Array, secret: Uint8Array): string {
  return `${label} ${Buffer.from(clientRandom).toString('hex')} ${Buffer.from(secret).toString('hex')}\n`;
}

function lookupContext(byName: Map<string, CertifiedKey>, serverName: string): CertifiedKey | undefined {
  const name = serverName.toLowerCase();
  const exact = byName.get(name);
  if (exact) return exact;
  const dot = name.indexOf('.');
  return dot > 0 ? byName.get(`*${name.slice(dot)}`) : undefined;
}

/** RFC 6066 §3: with several default certificates, prefer one whose leaf names the server. */
function pickByDnsName(keys: readonly CertifiedKey[], serverName: string): CertifiedKey | undefined {
  const name = serverName.toLowerCase();
  return keys.find((k) =>
    k.leaf.dnsNames.some((d) => {
      const dns = d.toLowerCase();
      if (dns === name) return true;
      return dns.startsWith('*.') && name.indexOf('.') > 0 && name.slice(name.indexOf('.')) === dns.slice(1);
    }),
  );
}
