/**
 * @module node/options
 * Turns `node:tls`-style options (PEM `key`/`cert`/`ca`, `ALPNProtocols`, `rejectUnauthorized`,
 * a provider name) into the engine's validated `ServerConfig` / `ClientConfig` (src/config.ts).
 * All option checking of the adapter happens here, once per server or per `connect()` call.
 */
import { clientConfig, serverConfig, type ClientConfig, type KeyLogger, type ServerConfig } from '../config.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { rootCertificates } from 'node:tls';
import { nobleProvider } from '../crypto/noble/index.ts';
import { AlertDescription } from '../protocol/registry.ts';
import type { SessionStore } from '../session/store.ts';
import { certifiedKey, type CertifiedKey } from '../x509/certified-key.ts';
import { parseCertificate, parseCertificateChain } from '../x509/certificate.ts';
import {
  CertificateError,
  dangerouslyAcceptAnyCertificate,
  webPkiVerifier,
  type CertificateVerifier,
  type VerifiedChain,
  type VerifyInput,
} from '../x509/verifier.ts';
import { nodeCryptoProvider } from './crypto-provider.ts';
import { describeCertificate, type PeerCertificate } from './tls-socket.ts';

/** PEM text or DER bytes (a Buffer is a Uint8Array). */
export type PemInput = string | Uint8Array;

/** `'node'` (node:crypto primitives, the default), `'pure'` (noble), or any provider object. */
export type ProviderOption = 'node' | 'pure' | CryptoProvider;

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

/** A certificate context for `SNICallback` (node:tls's `SecureContext`), from `createSecureContext`. */
export interface SecureContext {
  readonly certifiedKey: CertifiedKey;
}

/** node:tls's `SNICallback(servername, cb)`. */
export type SNICallback = (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void;

/**
 * A certificate context for `SNICallback` (node:tls `createSecureContext`, for the key and
 * certificate options only). @throws Error for a key that does not match its certificate
 */
export function createSecureContext(options: KeyCertPair & { readonly provider?: ProviderOption }): SecureContext {
  const provider = resolveProvider(options.provider);
  return {
    certifiedKey: certifiedKey(provider, parseCertificateChain(options.cert), options.key, {
      passphrase: options.passphrase,
      ocspResponse: options.ocspResponse,
    }),
  };
}

/** Server options, modelled on `tls.createServer`. */
export interface ServerSecureOptions {
  /** Private key(s), PEM. With arrays, `key[i]` belongs to `cert[i]`; the first pair is the default. */
  readonly key?: PemInput | readonly PemInput[];
  /** Certificate chain(s), PEM, leaf first. */
  readonly cert?: PemInput | readonly PemInput[];
  /**
   * DER OCSP response(s) to staple (RFC 6066 §8): one for the first `cert`, or an array lined up
   * with `cert` (undefined entries: nothing stapled). Per-name ones go in `contexts`.
   */
  readonly ocspResponse?: Uint8Array | readonly (Uint8Array | undefined)[];
  /** Extra certificates chosen by SNI server name (exact name, or `*.example.com`). */
  readonly contexts?: Readonly<Record<string, KeyCertPair>>;
  /**
   * Synchronous SNI hook: return the key pair for `servername`, or undefined for the default.
   * Replaces node's asynchronous `SNICallback`, which the synchronous engine cannot await.
   */
  readonly selectCertificate?: (servername: string | undefined) => KeyCertPair | CertifiedKey | undefined;
  /**
   * node:tls's asynchronous SNI hook: called with the name the client sent (RFC 6066 §3) before
   * any certificate is chosen; answer `cb(null, createSecureContext({ key, cert }))`, or
   * `cb(null)` for the default certificate, or `cb(err)` to drop the connection
   * ('tlsClientError'). Not called when the client sends no name.
   */
  readonly SNICallback?: SNICallback;
  /** ALPN protocol names in preference order (RFC 7301). */
  readonly ALPNProtocols?: readonly string[];
  /** false: continue without ALPN when nothing matches, instead of no_application_protocol. */
  readonly alpnStrict?: boolean;
  /**
   * node:tls `ALPNCallback` (called only when the client offers ALPN): return one of `protocols`,
   * or undefined to refuse with no_application_protocol (RFC 7301 §3.2). Not with `ALPNProtocols`.
   */
  readonly ALPNCallback?: (arg: { servername: string | undefined; protocols: string[] }) => string | undefined;
  readonly provider?: ProviderOption;
  /** Override the cipher suites / groups (wire ids). */
  readonly cipherSuites?: readonly number[];
  readonly groups?: readonly number[];
  /**
   * Master secret (>= 32 bytes) the session-ticket keys derive from (node:tls `ticketKeys`);
   * servers given the same one resume each other's tickets (RFC 8446 §4.6.1). Default: random
   * per server.
   */
  readonly ticketKeys?: Uint8Array;
  /** Ticket lifetime in seconds (node:tls `sessionTimeout`; RFC 8446 §4.6.1 caps it at 7 days). */
  readonly sessionTimeout?: number;
  /** Passphrase of encrypted PKCS#8 private keys ("ENCRYPTED PRIVATE KEY"), as in node:tls. */
  readonly passphrase?: string;
  /** NewSessionTickets sent after each full handshake (0..8, default 2; 0 turns resumption off). */
  readonly tickets?: number;
  /**
   * Stateful resumption (e.g. `new MemorySessionStore(10000)`): tickets are random ids, each
   * usable once. Required for 0-RTT (RFC 8446 §8.1). Default: stateless sealed tickets.
   */
  readonly sessionStore?: SessionStore;
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
  /** With `requestCert`: roots for client certificates (default: node's bundled roots, as node:tls). */
  readonly ca?: PemInput | readonly PemInput[];
  /**
   * puretls extension. With `requestCert` and `rejectUnauthorized` (the default): 'required'
   * (default) refuses a client that sends no certificate (certificate_required); 'optional' lets
   * it in unauthenticated. A certificate that is sent must validate either way (RFC 8446 §4.4.2.4).
   */
  readonly clientAuthMode?: 'required' | 'optional';
}

/** Client options, modelled on `tls.connect`. */
export interface ClientSecureOptions {
  /**
   * Trusted root certificate(s), PEM or DER; they replace the default, node's bundled Mozilla
   * roots (`tls.rootCertificates`), as in node:tls.
   */
  readonly ca?: PemInput | readonly PemInput[];
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
  /** Client certificate chain (PEM, leaf first) and its `key`, sent when the server asks (RFC 8446 §4.4.2). */
  readonly cert?: PemInput;
  readonly key?: PemInput;
  /** Passphrase of an encrypted PKCS#8 `key`. */
  readonly passphrase?: string;
  /** Ask for a stapled OCSP response (RFC 6066 §8); it is emitted as 'OCSPResponse' (not checked). */
  readonly requestOCSP?: boolean;
  readonly ALPNProtocols?: readonly string[];
  readonly provider?: ProviderOption;
  readonly cipherSuites?: readonly number[];
  readonly groups?: readonly number[];
}

/** Resolves a provider option; default `'node'`. @throws TypeError for an unknown name */
export function resolveProvider(p: ProviderOption | undefined): CryptoProvider {
  if (p === undefined || p === 'node') return nodeCryptoProvider;
  if (p === 'pure') return nobleProvider;
  if (typeof p === 'object' && p !== null && typeof p.hash === 'function') return p;
  throw new TypeError(`provider must be 'node', 'pure' or a CryptoProvider, got ${String(p)}`);
}

/** Builds the `ServerConfig` for `createServer`. @throws TypeError / Error for bad options */
export function serverConfigFromOptions(options: ServerSecureOptions, keyLog?: KeyLogger): ServerConfig {
  if (options.SNICallback !== undefined && typeof options.SNICallback !== 'function') {
    throw new TypeError('createServer: SNICallback must be a function');
  }
  const provider = resolveProvider(options.provider);
  const keys = asList(options.key);
  const certs = asList(options.cert);
  if (keys.length === 0 || keys.length !== certs.length) {
    throw new TypeError('createServer: `key` and `cert` are required and must pair up');
  }
  const passphrase = options.passphrase;
  const load = (pair: KeyCertPair): CertifiedKey =>
    certifiedKey(provider, parseCertificateChain(pair.cert), pair.key, {
      passphrase: pair.passphrase ?? passphrase,
      ocspResponse: pair.ocspResponse,
    });
  const ocsp = options.ocspResponse instanceof Uint8Array ? [options.ocspResponse] : [...(options.ocspResponse ?? [])];
  if (ocsp.length > keys.length) throw new TypeError('createServer: more `ocspResponse` entries than certificates');
  const defaults = keys.map((k, i) => load({ key: k, cert: certs[i]!, ocspResponse: ocsp[i] }));
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
  return serverConfig({
    provider,
    certificates: [...defaults, ...byName.values()],
    selectCertificate,
    alpnProtocols: options.ALPNProtocols,
    alpnStrict: options.alpnStrict,
    selectAlpn: options.ALPNCallback === undefined ? undefined : alpnCallback(options.ALPNCallback),
    cipherSuites: options.cipherSuites,
    groups: options.groups,
    ticketSecret: options.ticketKeys,
    ticketLifetime: options.sessionTimeout,
    tickets: options.tickets,
    sessionStore: options.sessionStore,
    maxEarlyDataSize: options.maxEarlyDataSize,
    clientAuth:
      options.requestCert === true
        ? options.rejectUnauthorized === false
          ? // Dangerous by the caller's explicit choice; Server checks the chain after the handshake.
            { mode: 'optional', verifier: dangerouslyAcceptAnyCertificate() }
          : { mode: options.clientAuthMode ?? 'required', verifier: clientCertificateVerifier(options) }
        : undefined,
    keyLog,
  });
}

/** node:tls's `ALPNCallback({ servername, protocols })` as the engine's `selectAlpn`. */
function alpnCallback(
  cb: NonNullable<ServerSecureOptions['ALPNCallback']>,
): (serverName: string | undefined, offered: readonly string[]) => string | undefined {
  if (typeof cb !== 'function') throw new TypeError('createServer: ALPNCallback must be a function');
  return (serverName, offered) => cb({ servername: serverName, protocols: [...offered] });
}

/** The verifier of client certificates: `ca`, else node's bundled roots. */
export function clientCertificateVerifier(options: ServerSecureOptions): CertificateVerifier {
  return options.ca === undefined ? systemRootsVerifier() : webPkiVerifier({ roots: trustedCertificates(options) });
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
 * Builds the `ClientConfig` for `connect`: trust = `ca`, else node's bundled roots; the name check
 * through `checkServerIdentity` when given. @throws TypeError / Error for bad options
 */
export function clientConfigFromOptions(
  options: ClientSecureOptions,
  keyLog?: KeyLogger,
  extra: { readonly earlyData?: boolean } = {},
): ClientSetup {
  const provider = resolveProvider(options.provider);
  const roots = options.ca === undefined ? systemRootsVerifier() : webPkiVerifier({ roots: trustedCertificates(options) });
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
  const config = clientConfig({
    provider,
    verifier,
    alpnProtocols: options.ALPNProtocols,
    cipherSuites: options.cipherSuites,
    groups: options.groups,
    // connect() resumes only the session it is given (option `session`), never from a shared cache.
    sessionCache: false,
    earlyData: extra.earlyData ?? false,
    certificates: clientCertificates(options, provider),
    requestOcsp: options.requestOCSP ?? false,
    keyLog,
  });
  return { config, verdict: () => verdict };
}

function clientCertificates(options: ClientSecureOptions, provider: CryptoProvider): CertifiedKey[] {
  if (options.cert === undefined && options.key === undefined) return [];
  if (options.cert === undefined || options.key === undefined) throw new TypeError('connect: `cert` and `key` go together');
  return [certifiedKey(provider, parseCertificateChain(options.cert), options.key, { passphrase: options.passphrase })];
}

/** The DER certificates of the `ca` option. @throws TypeError when it holds none */
export function trustedCertificates(options: { readonly ca?: PemInput | readonly PemInput[] }): Uint8Array[] {
  const ders = asList(options.ca).flatMap((pem) => parseCertificateChain(pem));
  if (ders.length === 0) throw new TypeError('`ca` holds no certificate');
  return ders;
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

function asList(x: PemInput | readonly PemInput[] | undefined): PemInput[] {
  if (x === undefined) return [];
  if (typeof x === 'string' || x instanceof Uint8Array) return [x];
  return [...x];
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
