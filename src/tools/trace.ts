/**
 * @module tools/trace
 * `puretls connect --trace`: a connection observer (connection/observer.ts) that writes, as the
 * handshake runs, every record and handshake message both ways (fields from tools/trace-messages.ts),
 * every alert, and the key schedule: each RFC 8446 §7.1 step with its formula and the
 * Transcript-Hash it used, and each switch of record keys (§7.3). With `secrets` (`--trace=secrets`)
 * the secret values, keys and IVs are printed too; anyone with them can decrypt the connection.
 */
import type { ConnectionObserver, Direction, ObservedEvent, Protection, SecretName } from '../connection/observer.ts';
import { toHex } from '../bytes/bytes.ts';
import { AlertDescription, AlertLevel, ContentType, HandshakeType, NamedGroup, nameOf } from '../protocol/registry.ts';
import { groupName, messageFields, messageHeading } from './trace-messages.ts';

/** Options of traceObserver. */
export interface TraceOptions {
  /** Which side the traced connection is (names whose keys protect what). */
  readonly side: 'client' | 'server';
  /** Print secret values, traffic keys and IVs. */
  readonly secrets: boolean;
}

/** An observer writing the trace to `write`, one line per call (without newline). */
export function traceObserver(write: (line: string) => void, options: TraceOptions): ConnectionObserver {
  let group: number | undefined;
  /** The Early Secret has a PSK: offered in the ClientHello, then accepted by the ServerHello (§4.2.11). */
  let withPsk = false;
  /** The Transcript-Hash printed last (the same one feeds several secrets). */
  let lastHash = '';
  /**
   * The values printed so far, by name: a client offering 0-RTT computes the Early Secret for its
   * first flight and again at the ServerHello (the same value when the PSK is accepted).
   */
  const printed = new Map<SecretName, string>();
  const generation = { client: -1, server: -1 };
  const sender = (d: Direction): 'client' | 'server' => ((d === 'sent') === (options.side === 'client') ? 'client' : 'server');
  const keysOf = (d: Direction, p: Protection): string =>
    p === 'plaintext' ? 'plaintext' : `encrypted with the ${sender(d)} ${p} traffic keys`;

  return (ev: ObservedEvent): void => {
    switch (ev.kind) {
      case 'handshakeMessage': {
        const h = messageHeading(ev.message);
        write('');
        const section = h.section.startsWith('RFC') ? h.section : `RFC 8446 ${h.section}`;
        write(`${ARROW[ev.direction]} ${h.name} (${section}), ${ev.raw.length} bytes, ${keysOf(ev.direction, ev.protection)}`);
        write(`    ${h.purpose}`);
        for (const line of messageFields(ev.message, sender(ev.direction))) write(`    ${line}`);
        if (ev.message.type === HandshakeType.client_hello) withPsk = ev.message.extensions.some((e) => e.kind === 'pre_shared_key_client');
        if (ev.message.type === HandshakeType.server_hello && !ev.message.isHelloRetryRequest) {
          const ks = ev.message.extensions.find((e) => e.kind === 'key_share_server');
          group = ks?.kind === 'key_share_server' ? ks.serverShare.group : undefined;
          withPsk = ev.message.extensions.some((e) => e.kind === 'pre_shared_key_server');
        }
        return;
      }
      case 'record':
        write(`${ARROW[ev.direction]} ${recordText(ev, keysOf(ev.direction, ev.protection))}`);
        return;
      case 'alert':
        write('');
        write(`${ARROW[ev.direction]} alert (RFC 8446 §6): ${nameOf(AlertLevel, ev.level)} ${nameOf(AlertDescription, ev.description)}${alertMeaning(ev.description)}`);
        return;
      case 'secret': {
        const value = toHex(ev.secret);
        if (printed.get(ev.name) === value) return;
        printed.set(ev.name, value);
        const s = SECRETS[ev.name];
        let { title, formula } = s;
        if (ev.name === 'early_secret') formula = withPsk ? EARLY_SECRET_PSK : EARLY_SECRET_NO_PSK;
        if (ev.name === 'ecdhe_shared_secret' && group !== undefined) {
          title = `${title} (${groupName(group)})`;
          if (group === NamedGroup.X25519MLKEM768) formula = `${formula}: the ML-KEM-768 shared secret, then the X25519 one`;
        }
        write(`  key schedule (§7.1): ${title} = ${formula}`);
        if (ev.transcriptHash !== undefined && s.messages !== undefined) {
          const hash = toHex(ev.transcriptHash);
          if (hash !== lastHash) write(`      Transcript-Hash(${s.messages}) = ${hash}`);
          lastHash = hash;
        }
        if (options.secrets) write(`      = ${value}`);
        return;
      }
      case 'trafficKeys': {
        const who = ev.direction === 'write' ? options.side : options.side === 'client' ? 'server' : 'client';
        let secret = `${who}_${ev.epoch}_traffic_secret`;
        if (ev.epoch === 'application') secret = `${who}_application_traffic_secret_${++generation[who]}`;
        write(`  record keys (§7.3): ${ev.direction === 'write' ? 'sending' : 'receiving'} from now on with ${secret} (${ev.suite}):`);
        write(`      key = HKDF-Expand-Label(${secret}, "key", "", ${ev.key.length})${options.secrets ? ` = ${toHex(ev.key)}` : ''}`);
        write(`      iv  = HKDF-Expand-Label(${secret}, "iv", "", ${ev.iv.length})${options.secrets ? ` = ${toHex(ev.iv)}` : ''}`);
        if (ev.epoch === 'application' && generation[who] > 0) write(`      (KeyUpdate, §7.2: ${secret} = HKDF-Expand-Label(previous, "traffic upd", "", Hash.length))`);
        if (options.secrets && ev.epoch === 'application' && generation[who] > 0) write(`      ${secret} = ${toHex(ev.secret)}`);
        return;
      }
    }
  };
}

/** The first lines of a trace: what the symbols mean. */
export function traceLegend(peer: string, secrets: boolean): string[] {
  return [
    `puretls connect: trace of the TLS 1.3 connection to ${peer} (section numbers are RFC 8446's)`,
    `  → sent, ← received; "key schedule" and "record keys" lines show the secrets as they are derived${secrets ? '' : ' (values with --trace=secrets)'}`,
  ];
}

const ARROW: Record<Direction, string> = { sent: '→', received: '←' };

const EARLY_SECRET_NO_PSK = 'HKDF-Extract(salt 0, IKM 0): no PSK, so all zeros';
const EARLY_SECRET_PSK = 'HKDF-Extract(salt 0, IKM the PSK of the resumed session, §4.6.1)';

/** One record: outer type and length, and what it carries. */
function recordText(ev: Extract<ObservedEvent, { kind: 'record' }>, keys: string): string {
  const outer = nameOf(ContentType, ev.contentType);
  if (ev.protection === 'plaintext') {
    const note = ev.contentType === ContentType.change_cipher_spec ? ' (middlebox compatibility, Appendix D.4: carries nothing)' : '';
    return `record (§5.1): ${outer}, ${bytes(ev.length)}, plaintext${note}`;
  }
  const inner = nameOf(ContentType, ev.innerType);
  const overhead = ev.length - ev.contentLength;
  return `record (§5.2): ${outer}, ${bytes(ev.length)} = ${bytes(ev.contentLength)} of ${inner} + 1 byte content type + ${bytes(overhead - 1)} of AEAD tag (and padding), ${keys}`;
}

function bytes(n: number): string {
  return n === 1 ? '1 byte' : `${n} bytes`;
}

function alertMeaning(d: number): string {
  if (d === AlertDescription.close_notify) return ' (§6.1: the sender will send no more data)';
  if (d === AlertDescription.user_canceled) return ' (§6.1: the sender cancels the handshake)';
  return ' (§6.2: the connection ends)';
}

/** The §7.1 formula of each value, and the messages its Transcript-Hash covers. */
const SECRETS: Readonly<Record<SecretName, { title: string; formula: string; messages?: string }>> = {
  early_secret: { title: 'Early Secret', formula: 'HKDF-Extract(salt 0, IKM PSK)' },
  client_early_traffic_secret: {
    title: 'client_early_traffic_secret',
    formula: 'Derive-Secret(Early Secret, "c e traffic", ClientHello)',
    messages: 'ClientHello',
  },
  ecdhe_shared_secret: { title: '(EC)DHE shared secret', formula: 'the key exchange of the two key_share entries (§4.2.8, §7.4)' },
  handshake_secret: {
    title: 'Handshake Secret',
    formula: 'HKDF-Extract(salt Derive-Secret(Early Secret, "derived", ""), IKM (EC)DHE shared secret)',
  },
  client_handshake_traffic_secret: {
    title: 'client_handshake_traffic_secret',
    formula: 'Derive-Secret(Handshake Secret, "c hs traffic", ClientHello...ServerHello)',
    messages: 'ClientHello...ServerHello',
  },
  server_handshake_traffic_secret: {
    title: 'server_handshake_traffic_secret',
    formula: 'Derive-Secret(Handshake Secret, "s hs traffic", ClientHello...ServerHello)',
    messages: 'ClientHello...ServerHello',
  },
  master_secret: { title: 'Master Secret', formula: 'HKDF-Extract(salt Derive-Secret(Handshake Secret, "derived", ""), IKM 0)' },
  client_application_traffic_secret_0: {
    title: 'client_application_traffic_secret_0',
    formula: 'Derive-Secret(Master Secret, "c ap traffic", ClientHello...server Finished)',
    messages: 'ClientHello...server Finished',
  },
  server_application_traffic_secret_0: {
    title: 'server_application_traffic_secret_0',
    formula: 'Derive-Secret(Master Secret, "s ap traffic", ClientHello...server Finished)',
    messages: 'ClientHello...server Finished',
  },
  exporter_master_secret: {
    title: 'exporter_master_secret',
    formula: 'Derive-Secret(Master Secret, "exp master", ClientHello...server Finished)',
    messages: 'ClientHello...server Finished',
  },
  resumption_master_secret: {
    title: 'resumption_master_secret',
    formula: 'Derive-Secret(Master Secret, "res master", ClientHello...client Finished)',
    messages: 'ClientHello...client Finished',
  },
};

