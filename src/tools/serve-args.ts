/**
 * @module tools/serve-args
 * The flags of `puretls serve` (node:util parseArgs), its --help, and their check.
 */
import { parseArgs } from 'node:util';
import { parseCiphersFlag, parseCount, parseGroupsFlag, parsePort, parseProvider, refuseRenamedFlags, splitList } from './args.ts';
import { keyLogPath } from './keylog.ts';
import { passphraseFrom } from './passphrase.ts';
import { parsePskFlags } from './psk.ts';
import type { ServeOptions } from './serve.ts';
import { UsageError } from './usage-error.ts';

export const SERVE_USAGE = `usage: puretls serve [options]

A TLS 1.3 server for testing clients: an HTTPS page showing what each connection negotiated, or
an echo server (--echo). One line per connection on stderr.

  --host ADDR          address to listen on (default 127.0.0.1)
  --port N             port (default 8443; 0 picks a free one)
  --cert FILE          certificate chain, PEM (leaf first)
  --key FILE           private key, PEM (PKCS#8, SEC1 or PKCS#1)
                       without --cert/--key a self-signed certificate for localhost,
                       127.0.0.1 and ::1 is generated and its fingerprint printed
  --passphrase-file F  the key's passphrase: the first line of F (mode 0600 or stricter)
  --passphrase-env V   the key's passphrase: the environment variable V
  --echo               echo the application data back instead of serving the page
  --alpn LIST          ALPN protocols offered, comma-separated (default http/1.1; with --echo
                       none); the page is served over HTTP/1.1 only
  --provider NAME      crypto provider: node (default) or pure
  --groups LIST        key exchange groups in preference order, ':'-separated OpenSSL names
                       (e.g. X25519MLKEM768:X25519:P-256; default: the library's, X25519MLKEM768
                       first): the first one the client sent a key share for, else a
                       HelloRetryRequest for the first one it supports
  --ciphers LIST       TLS 1.3 cipher suites in preference order, ':'-separated (e.g.
                       TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256)
  --keylog FILE        append NSS key log lines (default: $SSLKEYLOGFILE); created 0600, an
                       existing file readable by group or others is refused
  --tickets N          session tickets sent per full handshake (default 2; 0: no resumption)
  --ticket-secret FILE ticket-key secret (32..4096 bytes, e.g. '(umask 077; openssl rand 48 > FILE)';
                       refused unless only its owner can access it); servers and restarts
                       sharing it resume each other's tickets (default: random)
  --session-store memory
                       stateful resumption: single-use tickets kept in memory (10000 sessions)
  --early-data BYTES   accept up to BYTES of 0-RTT data per connection (needs
                       --session-store memory); the page's earlyData field shows it; 0-RTT
                       data is replayable (RFC 8446 §8)
  --dangerously-allow-psk-ke
                       TESTING ONLY: also resume with psk_ke (RFC 8446 §4.2.9) when the client
                       asks: no (EC)DHE, so the resumed connection has no forward secrecy
  --client-ca FILE     ask for client certificates valid to these CAs (PEM; mutual TLS);
                       the page's clientCertificate field shows the subject
  --client-auth MODE   required (default with --client-ca: no certificate, no connection) or
                       optional (a client without one is let in unauthenticated)
  --dangerously-accept-any-client-certificate
                       TESTING ONLY: ask for a client certificate and accept whatever comes,
                       unverified (checked against --client-ca or node's roots only to report
                       the verdict on stderr and the page)
  --psk HEX            accept this external PSK (RFC 8446 §4.2.11, SHA-256 suites) from a
                       client sending --psk-identity; such a client gets no certificate
  --psk-identity ID    the identity for --psk (default Client_identity, as openssl's)
  --pha-ca FILE        CAs for client certificates asked for after the handshake at
                       /client-cert (RFC 8446 §4.6.2; clients offering post_handshake_auth);
                       verified in --client-auth mode required (default) or optional
  -h, --help           this help

Paths of the page: / (the negotiated parameters), /json (the same as JSON), /keyupdate (sends
KeyUpdate(update_requested), RFC 8446 §4.6.3), /client-cert (asks for a client certificate after
the handshake and shows it, RFC 8446 §4.6.2).

Exit status: 2 for a usage error (bad flag, unusable file), 1 when the server cannot start.
`;

const ACCEPT_ANY = '--dangerously-accept-any-client-certificate';

/** Parses `serve`'s arguments; 'help' for -h. @throws UsageError, parseArgs errors (ERR_PARSE_ARGS_*) */
export function serveOptionsFromArgs(args: readonly string[]): ServeOptions | 'help' {
  const { values } = parseArgs({
    args: [...args],
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8443' },
      cert: { type: 'string' },
      key: { type: 'string' },
      'passphrase-file': { type: 'string' },
      'passphrase-env': { type: 'string' },
      echo: { type: 'boolean', default: false },
      alpn: { type: 'string' },
      provider: { type: 'string', default: 'node' },
      groups: { type: 'string' },
      ciphers: { type: 'string' },
      keylog: { type: 'string' },
      tickets: { type: 'string' },
      'ticket-secret': { type: 'string' },
      'session-store': { type: 'string' },
      'early-data': { type: 'string' },
      'dangerously-allow-psk-ke': { type: 'boolean', default: false },
      'client-ca': { type: 'string' },
      'client-auth': { type: 'string' },
      'dangerously-accept-any-client-certificate': { type: 'boolean', default: false },
      'psk-ke': { type: 'boolean' }, // the former name, refused (`--client-auth any` is, by its value)
      psk: { type: 'string' },
      'psk-identity': { type: 'string' },
      'pha-ca': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  refuseRenamedFlags(values, { 'psk-ke': '--dangerously-allow-psk-ke' });
  if ((values.cert === undefined) !== (values.key === undefined)) throw new UsageError('--cert and --key go together');
  const store = values['session-store'];
  if (store !== undefined && store !== 'memory') throw new UsageError(`--session-store must be memory, got ${JSON.stringify(store)}`);
  const earlyData = values['early-data'] === undefined ? undefined : parseCount('--early-data', values['early-data']);
  if (earlyData !== undefined && earlyData > 0 && store === undefined) {
    throw new UsageError('--early-data needs --session-store memory (single-use tickets against replay, RFC 8446 §8.1)');
  }
  const clientAuth = values['client-auth'];
  if (clientAuth === 'any') throw new UsageError(`--client-auth any is now ${ACCEPT_ANY} (renamed: it weakens security, and its name says so)`);
  if (clientAuth !== undefined && clientAuth !== 'required' && clientAuth !== 'optional') {
    throw new UsageError(`--client-auth must be required or optional, got ${JSON.stringify(clientAuth)}`);
  }
  const acceptAny = values['dangerously-accept-any-client-certificate'];
  if (acceptAny && clientAuth !== undefined) throw new UsageError(`${ACCEPT_ANY} and --client-auth exclude each other`);
  if ((clientAuth === 'required' || clientAuth === 'optional') && values['client-ca'] === undefined && values['pha-ca'] === undefined) {
    throw new UsageError(`--client-auth ${clientAuth} needs --client-ca or --pha-ca`);
  }
  const passphrase = passphraseFrom(values['passphrase-file'], values['passphrase-env']);
  if (passphrase !== undefined && values.key === undefined) throw new UsageError('--passphrase-file/--passphrase-env need --key');
  return {
    host: values.host,
    port: parsePort(values.port, '--port'),
    certFile: values.cert,
    keyFile: values.key,
    passphrase,
    echo: values.echo,
    alpn: values.alpn === undefined ? (values.echo ? [] : ['http/1.1']) : splitList(values.alpn),
    provider: parseProvider(values.provider),
    groups: values.groups === undefined ? undefined : parseGroupsFlag(values.groups),
    ciphers: values.ciphers === undefined ? undefined : parseCiphersFlag(values.ciphers),
    keyLogFile: keyLogPath(values.keylog),
    tickets: values.tickets === undefined ? undefined : parseCount('--tickets', values.tickets),
    ticketSecretFile: values['ticket-secret'],
    sessionStore: store,
    earlyData,
    dangerouslyAllowPskKe: values['dangerously-allow-psk-ke'],
    clientCaFile: values['client-ca'],
    clientAuth: acceptAny ? undefined : (clientAuth ?? (values['client-ca'] === undefined ? undefined : 'required')),
    dangerouslyAcceptAnyClientCertificate: acceptAny,
    phaCaFile: values['pha-ca'],
    psk: parsePskFlags(values.psk, values['psk-identity']),
  };
}
