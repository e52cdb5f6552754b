/**
 * @module tools/connect-args
 * The flags of `puretls connect` (node:util parseArgs), its --help, and their check.
 */
import { parseArgs } from 'node:util';
import { parseCiphersFlag, parseGroupsFlag, parseHostPort, parseProvider, parseSeconds, refuseRenamedFlags, splitList } from './args.ts';
import type { CliRevocation, ConnectToolOptions } from './connect.ts';
import { keyLogPath } from './keylog.ts';
import { passphraseFrom } from './passphrase.ts';
import { parsePskFlags } from './psk.ts';
import { UsageError } from './usage-error.ts';

export const CONNECT_USAGE = `usage: puretls connect HOST:PORT [options]

  --servername NAME    SNI / certificate name (default: HOST unless an IP address)
  --alpn LIST          ALPN protocols, comma-separated
  --ca FILE            trusted CA certificate(s), PEM (default: node's bundled Mozilla roots)
  --dangerously-accept-any-certificate
                       do not fail on an invalid certificate; the check still runs and
                       'verified: no (REASON: ...)' reports why it failed
  --provider NAME      crypto provider: node (default) or pure
  --groups LIST        key exchange groups in preference order, ':'-separated OpenSSL names
                       (e.g. X25519MLKEM768:X25519:P-256); '*NAME' marks a group to send a key
                       share for (none marked: the first only). Default: the library's,
                       X25519MLKEM768 first, with key shares for X25519MLKEM768 and x25519
  --ciphers LIST       TLS 1.3 cipher suites in preference order, ':'-separated (e.g.
                       TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256)
  --timeout SECONDS    time to resolve HOST, connect and finish the handshake (default 30)
  --trace              print the handshake as it runs: every record and handshake message both
                       ways, field by field with its RFC 8446 section, and the key schedule
  --trace=secrets      the same with the secret values, traffic keys and IVs (whoever sees
                       them can decrypt this connection)
  --showcerts          print the peer's chain in full: subject, issuer, validity, names, PEM
  --keylog FILE        append NSS key log lines (default: $SSLKEYLOGFILE); created 0600, an
                       existing file readable by group or others is refused
  --sess-out FILE      save the session tickets received (the last one stays) for --sess-in;
                       only for a verified certificate
  --sess-in FILE       resume the session saved in FILE (same server name, unexpired)
  --early-data FILE    with --sess-in: send FILE first, as 0-RTT data when the ticket allows
                       (replayable, RFC 8446 §8); what the server rejects is sent after the
                       handshake
  --cert FILE          client certificate chain, PEM (leaf first), sent when the server asks
  --key FILE           its private key, PEM
  --passphrase-file F  the key's passphrase: the first line of F (mode 0600 or stricter)
  --passphrase-env V   the key's passphrase: the environment variable V
  --psk HEX            offer this external PSK (RFC 8446 §4.2.11, SHA-256 suites); a server
                       that accepts it sends no certificate ('psk identity' line)
  --psk-identity ID    the identity for --psk (default Client_identity, as openssl's)
  --ocsp MODE          revocation by stapled OCSP (RFC 6960): off (default), if-stapled (ask;
                       check a staple when the server sends one) or require (the leaf's staple
                       must be there); a staple that does not verify or is stale fails
  --crl FILE           a CRL (PEM or DER) of an issuer in the chain; repeatable. A revoked
                       certificate fails the handshake (certificate_revoked)
  --revocation-depth D leaf or chain (default: every certificate below the trust anchor)
  --revocation-unknown P  deny (default): a certificate no staple or CRL vouches for fails;
                       allow: soft-fail, no protection against a server that does not staple
  -h, --help           this help

Prints the negotiated parameters (incl. 'resumed' and 'early data') and the peer's chain to
stderr, then copies stdin to the peer and the peer's data to stdout. EOF on stdin sends
close_notify. A failure is one line on stderr saying what failed, e.g.
'puretls connect: cannot resolve HOST: DNS lookup failed (ENOTFOUND)',
'puretls connect: handshake failed: unexpected_message: the peer does not speak TLS (it sent ...)',
'puretls connect: certificate verification failed: REASON: ALERT: details'.
Exit status: 0 after a clean close, 1 for a failure, 2 for a usage error (bad flag, unusable file).
`;

/** Parses `connect`'s arguments; 'help' for -h. @throws UsageError, parseArgs errors (ERR_PARSE_ARGS_*) */
export function connectOptionsFromArgs(args: readonly string[]): ConnectToolOptions | 'help' {
  const { values, positionals } = parseArgs({
    // A bare --trace means --trace=messages (parseArgs wants a value for a string option).
    args: args.map((a) => (a === '--trace' ? '--trace=messages' : a)),
    allowPositionals: true,
    options: {
      servername: { type: 'string' },
      alpn: { type: 'string' },
      ca: { type: 'string' },
      'dangerously-accept-any-certificate': { type: 'boolean', default: false },
      insecure: { type: 'boolean' }, // the former name, refused
      provider: { type: 'string', default: 'node' },
      groups: { type: 'string' },
      ciphers: { type: 'string' },
      timeout: { type: 'string' },
      trace: { type: 'string' },
      showcerts: { type: 'boolean', default: false },
      keylog: { type: 'string' },
      'sess-out': { type: 'string' },
      'sess-in': { type: 'string' },
      'early-data': { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      'passphrase-file': { type: 'string' },
      'passphrase-env': { type: 'string' },
      psk: { type: 'string' },
      'psk-identity': { type: 'string' },
      ocsp: { type: 'string' },
      crl: { type: 'string', multiple: true },
      'revocation-depth': { type: 'string' },
      'revocation-unknown': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  refuseRenamedFlags(values, { insecure: '--dangerously-accept-any-certificate' });
  const target = positionals[0];
  if (target === undefined || positionals.length > 1) throw new UsageError('connect takes exactly one HOST:PORT');
  const { host, port } = parseHostPort(target, 'connect');
  const trace = values.trace;
  if (trace !== undefined && trace !== 'messages' && trace !== 'secrets') throw new UsageError(`--trace takes no value or =secrets, got ${JSON.stringify(trace)}`);
  if ((values.cert === undefined) !== (values.key === undefined)) throw new UsageError('--cert and --key go together');
  if (values['early-data'] !== undefined && values['sess-in'] === undefined) {
    throw new UsageError('--early-data needs --sess-in (0-RTT data goes only with a resumed session)');
  }
  const passphrase = passphraseFrom(values['passphrase-file'], values['passphrase-env']);
  if (passphrase !== undefined && values.key === undefined) throw new UsageError('--passphrase-file/--passphrase-env need --key');
  return {
    host,
    port,
    servername: values.servername,
    alpn: values.alpn === undefined ? undefined : splitList(values.alpn),
    caFile: values.ca,
    dangerouslyAcceptAnyCertificate: values['dangerously-accept-any-certificate'],
    provider: parseProvider(values.provider),
    groups: values.groups === undefined ? undefined : parseGroupsFlag(values.groups),
    ciphers: values.ciphers === undefined ? undefined : parseCiphersFlag(values.ciphers),
    timeoutSeconds: values.timeout === undefined ? undefined : parseSeconds('--timeout', values.timeout, MAX_TIMEOUT_S),
    trace,
    showCerts: values.showcerts,
    keyLogFile: keyLogPath(values.keylog),
    sessOutFile: values['sess-out'],
    sessInFile: values['sess-in'],
    earlyDataFile: values['early-data'],
    certFile: values.cert,
    keyFile: values.key,
    passphrase,
    psk: parsePskFlags(values.psk, values['psk-identity']),
    revocation: revocationFlags(values.ocsp, values.crl ?? [], values['revocation-depth'], values['revocation-unknown']),
  };
}

/** --ocsp, --crl, --revocation-depth, --revocation-unknown → the policy, or undefined when revocation is off. */
function revocationFlags(ocsp: string | undefined, crlFiles: readonly string[], depth: string | undefined, unknown: string | undefined): CliRevocation | undefined {
  const one = <T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T | undefined => {
    if (v !== undefined && !(allowed as readonly string[]).includes(v)) throw new UsageError(`${flag} takes ${allowed.join(', ')}; got ${JSON.stringify(v)}`);
    return v as T | undefined;
  };
  const mode = one('--ocsp', ocsp, ['off', 'if-stapled', 'require'] as const);
  const d = one('--revocation-depth', depth, ['leaf', 'chain'] as const);
  const u = one('--revocation-unknown', unknown, ['deny', 'allow'] as const);
  if ((mode === undefined || mode === 'off') && crlFiles.length === 0) {
    if (d !== undefined || u !== undefined) throw new UsageError('--revocation-depth/--revocation-unknown need --ocsp or --crl');
    return undefined;
  }
  return { ocsp: mode, crlFiles, depth: d, unknownStatus: u };
}

/** A day: longer is a mistake, not a timeout. */
const MAX_TIMEOUT_S = 86_400;
