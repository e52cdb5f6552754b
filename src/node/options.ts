/**
 * @module node/options
 * Turns `node:tls`-style options (PEM `key`/`cert`/`ca`, `ALPNProtocols`, `rejectUnauthorized`,
 * a provider name) into the engine's validated `ServerConfig` / `ClientConfig` (src/config.ts).
 * All option checking of the adapter happens here, once per server or per `connect()` call.
 */
import { clientConfig, serverConfig, type ClientConfig, type KeyLogger, type ServerConfig } from '../config.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { nobleProvider } from '../crypto/noble/index.ts';
import { certifiedKey, type CertifiedKey } from '../x509/certified-key.ts';
import { parseCertificateChain } from '../x509/certificate.ts';
import { dangerouslyAcceptAnyCertificate, trustExactly } from '../x509/verifier.ts';
import { nodeCryptoProvider } from './crypto-provider.ts';

/** PEM text or DER bytes (a Buffer is a Uint8Array). */
export type PemInput = string | Uint8Array;

/** `'node'` (node:crypto primitives, the default), `'pure'` (noble), or any provider object. */
export type ProviderOption = 'node' | 'pure' | CryptoProvider;

/** A certificate chain (leaf first) and its private key, both PEM (or DER). */
export interface KeyCertPair {
  readonly key: PemInput;
  readonly cert: PemInput;
}

/** Server options, modelled on `tls.createServer`. */
export interface ServerSecureOptions {
  /** Private key(s), PEM. With arrays, `key[i]` belongs to `cert[i]`; the first pair is the default. */
  readonly key?: PemInput | readonly PemInput[];
  /** Certificate chain(s), PEM, leaf first. */
  readonly cert?: PemInput | readonly PemInput[];
  /** Extra certificates chosen by SNI server name (exact name, or `*.example.com`). */
  readonly contexts?: Readonly<Record<string, KeyCertPair>>;
  /**
   * Synchronous SNI hook: return the key pair for `servername`, or undefined for the default.
   * Replaces node's asynchronous `SNICallback`, which the synchronous engine cannot await.
   */
  readonly selectCertificate?: (servername: string | undefined) => KeyCertPair | CertifiedKey | undefined;
  /** Not supported (asynchronous); passing it throws a TypeError that points to `contexts`. */
  readonly SNICallback?: unknown;
  /** ALPN protocol names in preference order (RFC 7301). */
  readonly ALPNProtocols?: readonly string[];
  /** false: continue without ALPN when nothing matches, instead of no_application_protocol. */
  readonly alpnStrict?: boolean;
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
}

/** Client options, modelled on `tls.connect`. */
export interface ClientSecureOptions {
  /** Trusted certificate(s), PEM. Required when `rejectUnauthorized` is true (no system store yet). */
  readonly ca?: PemInput | readonly PemInput[];
  /** Default true. false accepts any certificate (`authorized` then reports the outcome). */
  readonly rejectUnauthorized?: boolean;
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
  if (options.SNICallback !== undefined) {
    throw new TypeError(
      'createServer: an asynchronous SNICallback is not supported; use `contexts` or a synchronous `selectCertificate`',
    );
  }
  const provider = resolveProvider(options.provider);
  const keys = asList(options.key);
  const certs = asList(options.cert);
  if (keys.length === 0 || keys.length !== certs.length) {
    throw new TypeError('createServer: `key` and `cert` are required and must pair up');
  }
  const defaults = keys.map((k, i) => certifiedKey(provider, parseCertificateChain(certs[i]!), k));
  const byName = new Map<string, CertifiedKey>();
  for (const [name, pair] of Object.entries(options.contexts ?? {})) {
    byName.set(name.toLowerCase(), certifiedKey(provider, parseCertificateChain(pair.cert), pair.key));
  }
  const userSelect = options.selectCertificate;
  const selectCertificate =
    byName.size === 0 && userSelect === undefined
      ? undefined
      : (serverName: string | undefined): CertifiedKey | undefined => {
          if (userSelect) {
            const picked = userSelect(serverName);
            if (picked !== undefined) {
              return 'leaf' in picked ? picked : certifiedKey(provider, parseCertificateChain(picked.cert), picked.key);
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
    cipherSuites: options.cipherSuites,
    groups: options.groups,
    ticketSecret: options.ticketKeys,
    ticketLifetime: options.sessionTimeout,
    keyLog,
  });
}

/** Builds the `ClientConfig` for `connect`. @throws TypeError when no `ca` and rejectUnauthorized */
export function clientConfigFromOptions(options: ClientSecureOptions, keyLog?: KeyLogger): ClientConfig {
  const provider = resolveProvider(options.provider);
  const verifier =
    options.rejectUnauthorized === false ? dangerouslyAcceptAnyCertificate() : trustExactly(trustedCertificates(options));
  return clientConfig({
    provider,
    verifier,
    alpnProtocols: options.ALPNProtocols,
    cipherSuites: options.cipherSuites,
    groups: options.groups,
    keyLog,
  });
}

/** The DER certificates of the `ca` option. @throws TypeError when there are none */
export function trustedCertificates(options: ClientSecureOptions): Uint8Array[] {
  const ders = asList(options.ca).flatMap((pem) => parseCertificateChain(pem));
  if (ders.length === 0) {
    throw new TypeError('connect: `ca` is required (there is no system root store yet), or set rejectUnauthorized: false');
  }
  return ders;
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
