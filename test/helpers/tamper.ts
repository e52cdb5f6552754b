/**
 * @module test/helpers/tamper
 * An "evil peer" toolbox for negative handshake tests (STYLE §8): split a flight into records
 * (RFC 8446 §5.1), decode and re-encode the plaintext ClientHello / ServerHello, and — with the
 * traffic secrets captured through the key-log hook — open, edit and re-seal protected records
 * (RFC 8446 §5.2), so any message of any flight can be changed on the wire.
 */
import { concat } from '../../src/bytes/bytes.ts';
import { Reader } from '../../src/codec/reader.ts';
import { Writer } from '../../src/codec/writer.ts';
import type { KeyLogger } from '../../src/config.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';
import { TLS_AES_128_GCM_SHA256, type CipherSuiteInfo } from '../../src/crypto/suites.ts';
import { deriveTrafficKeys } from '../../src/keyschedule/traffic.ts';
import type { ClientHello } from '../../src/messages/client-hello.ts';
import { encodeExtensions, type Extension, type ExtensionContext } from '../../src/messages/extensions/extensions.ts';
import {
  decodeHandshake,
  encodeHandshake,
  type HandshakeMessage,
  type ServerHello,
} from '../../src/messages/handshake.ts';
import { ContentType, HandshakeType } from '../../src/protocol/registry.ts';
import { RecordProtection } from '../../src/record/protection.ts';
import { writeU16 } from '../../src/bytes/bytes.ts';

/** One record as it travels (RFC 8446 §5.1 TLSPlaintext / §5.2 TLSCiphertext). */
export interface WireRecord {
  readonly type: number;
  readonly version: number;
  readonly fragment: Uint8Array;
}

/** Splits a flight into whole records. @throws Error on a truncated record (a test bug). */
export function parseRecords(bytes: Uint8Array): WireRecord[] {
  const out: WireRecord[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 5 > bytes.length) throw new Error('tamper: truncated record header');
    const type = bytes[at] as number;
    const version = ((bytes[at + 1] as number) << 8) | (bytes[at + 2] as number);
    const len = ((bytes[at + 3] as number) << 8) | (bytes[at + 4] as number);
    if (at + 5 + len > bytes.length) throw new Error('tamper: truncated record');
    out.push({ type, version, fragment: bytes.slice(at + 5, at + 5 + len) });
    at += 5 + len;
  }
  return out;
}

/** One record with any header values (lengths are not checked: that is the point). */
export function record(type: number, fragment: Uint8Array, version = 0x0303): Uint8Array {
  const out = new Uint8Array(5 + fragment.length);
  out[0] = type;
  writeU16(out, 1, version);
  writeU16(out, 3, fragment.length);
  out.set(fragment, 5);
  return out;
}

/** Records back to bytes. */
export function encodeRecords(records: readonly WireRecord[]): Uint8Array {
  return concat(...records.map((r) => record(r.type, r.fragment, r.version)));
}

/** The raw handshake messages (header included) in a run of handshake bytes. */
export function splitHandshakeMessages(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    const len = ((data[at + 1] as number) << 16) | ((data[at + 2] as number) << 8) | (data[at + 3] as number);
    out.push(data.slice(at, at + 4 + len));
    at += 4 + len;
  }
  return out;
}

/** Decodes one raw handshake message (header included). */
export function decodeMessage(raw: Uint8Array): HandshakeMessage {
  const r = new Reader(raw, 'tamper');
  const m = decodeHandshake(r);
  r.end();
  return m;
}

/**
 * Rewrites the first message of the first plaintext handshake record in `bytes` (a ClientHello
 * or ServerHello flight); other records pass unchanged. `edit` returns a message to encode or
 * raw bytes (header included) to send as they are.
 */
export function editFirstHandshake(bytes: Uint8Array, edit: (m: HandshakeMessage) => HandshakeMessage | Uint8Array): Uint8Array {
  const records = parseRecords(bytes);
  const i = records.findIndex((r) => r.type === ContentType.handshake);
  const rec = records[i];
  if (!rec) throw new Error('tamper: no plaintext handshake record');
  const [first, ...rest] = splitHandshakeMessages(rec.fragment);
  if (!first) throw new Error('tamper: empty handshake record');
  const edited = edit(decodeMessage(first));
  const raw = edited instanceof Uint8Array ? edited : encodeHandshake(edited);
  records[i] = { ...rec, fragment: concat(raw, ...rest) };
  return encodeRecords(records);
}

/** `editFirstHandshake` narrowed to a ClientHello. */
export function editClientHello(bytes: Uint8Array, edit: (ch: ClientHello) => ClientHello | Uint8Array): Uint8Array {
  return editFirstHandshake(bytes, (m) => {
    if (m.type !== HandshakeType.client_hello) throw new Error('tamper: not a ClientHello');
    return edit(m);
  });
}

/** `editFirstHandshake` narrowed to a ServerHello or HelloRetryRequest. */
export function editServerHello(bytes: Uint8Array, edit: (sh: ServerHello) => ServerHello | Uint8Array): Uint8Array {
  return editFirstHandshake(bytes, (m) => {
    if (m.type !== HandshakeType.server_hello) throw new Error('tamper: not a ServerHello');
    return edit(m);
  });
}

/** An extension as raw (type, extension_data) — for blocks the encoder would refuse. */
export interface RawExtension {
  readonly type: number;
  readonly data: Uint8Array;
}

/** The raw form of `ext` as it would be encoded in `context`. */
export function rawExtension(ext: Extension, context: ExtensionContext): RawExtension {
  // A GREASE filler first keeps the block above the message's minimum length (RFC 8446 §4.1.2).
  const filler: Extension = { kind: 'unknown', type: 0xfafa, data: new Uint8Array(64) };
  const w = new Writer();
  encodeExtensions(w, [filler, ext], context);
  const r = new Reader(w.finish(), 'tamper');
  const block = r.vec16(0, 0xffff);
  block.u16();
  block.opaque16(0, 0xffff);
  const type = block.u16();
  return { type, data: block.opaque16(0, 0xffff).slice() };
}

/**
 * A whole ClientHello message (header included) with `extensions` written verbatim: duplicates
 * and misplaced pre_shared_key included, which `encodeClientHello` refuses to produce.
 */
export function encodeClientHelloRaw(ch: ClientHello, extensions: readonly RawExtension[]): Uint8Array {
  const w = new Writer();
  w.u8(HandshakeType.client_hello);
  w.block24(() => {
    w.u16(ch.legacyVersion);
    w.bytes(ch.random);
    w.opaque8(ch.legacySessionId);
    w.block16(() => {
      for (const s of ch.cipherSuites) w.u16(s);
    });
    w.opaque8(ch.legacyCompressionMethods);
    w.block16(() => {
      for (const e of extensions) {
        w.u16(e.type);
        w.opaque16(e.data);
      }
    });
  });
  return w.finish();
}

/** The ClientHello's extensions in raw form, in order. */
export function rawExtensions(ch: ClientHello): RawExtension[] {
  return ch.extensions.map((e) => rawExtension(e, 'client_hello'));
}

/** Collects secrets from a config's `keyLog` hook (NSS labels, RFC 8446 §7.1). */
export class KeyCapture {
  readonly secrets: Map<string, Uint8Array> = new Map();
  readonly keyLog: KeyLogger = (label, _clientRandom, secret) => {
    this.secrets.set(label, secret.slice());
  };
  /** The secret logged under `label`. @throws Error if it was not logged */
  get(label: string): Uint8Array {
    const s = this.secrets.get(label);
    if (!s) throw new Error(`tamper: no ${label} captured`);
    return s;
  }
}

/** A fresh record protection for `secret`, advanced to sequence number `seq`. */
export function protectionAt(provider: CryptoProvider, suite: CipherSuiteInfo, secret: Uint8Array, seq = 0): RecordProtection {
  const keys = deriveTrafficKeys(provider.hash(suite.hash), suite, secret);
  const p = new RecordProtection(provider, suite, keys);
  for (let i = 0; i < seq; i++) p.seal(ContentType.application_data, new Uint8Array(0));
  return p;
}

/** Seals records of (inner type, content) under `secret` from sequence number `seq` (RFC 8446 §5.2). */
export function sealRecords(
  provider: CryptoProvider,
  secret: Uint8Array,
  records: readonly { readonly type: number; readonly content: Uint8Array }[],
  opts: { readonly suite?: CipherSuiteInfo; readonly seq?: number } = {},
): Uint8Array {
  const p = protectionAt(provider, opts.suite ?? TLS_AES_128_GCM_SHA256, secret, opts.seq ?? 0);
  return concat(...records.map((r) => p.seal(r.type, r.content)));
}

/**
 * Opens the protected records of `bytes` (sealed under `secret` from sequence number 0), hands
 * the handshake messages they carry to `edit`, and re-seals what it returns as one record in
 * place of the first protected record. Plaintext records (ServerHello, change_cipher_spec) pass
 * unchanged. This is how a test alters EncryptedExtensions, Certificate, CertificateVerify or
 * Finished without running a server of its own.
 */
export function resealHandshake(
  provider: CryptoProvider,
  secret: Uint8Array,
  bytes: Uint8Array,
  edit: (messages: HandshakeMessage[]) => readonly (HandshakeMessage | Uint8Array)[],
  suite: CipherSuiteInfo = TLS_AES_128_GCM_SHA256,
): Uint8Array {
  const records = parseRecords(bytes);
  const opener = protectionAt(provider, suite, secret);
  const plain: Uint8Array[] = [];
  const out: Uint8Array[] = [];
  let placed = false;
  for (const r of records) {
    if (r.type !== ContentType.application_data) {
      out.push(record(r.type, r.fragment, r.version));
      continue;
    }
    const header = record(r.type, new Uint8Array(0), r.version);
    writeU16(header, 3, r.fragment.length);
    const inner = opener.open({ contentType: r.type, legacyRecordVersion: r.version, header, fragment: r.fragment });
    if (inner.contentType !== ContentType.handshake) throw new Error('tamper: protected record is not handshake');
    plain.push(inner.plaintext.slice());
    if (!placed) {
      out.push(PLACEHOLDER);
      placed = true;
    }
  }
  const messages = splitHandshakeMessages(concat(...plain)).map(decodeMessage);
  const edited = edit(messages).map((m) => (m instanceof Uint8Array ? m : encodeHandshake(m)));
  const sealed = sealRecords(provider, secret, [{ type: ContentType.handshake, content: concat(...edited) }], { suite });
  return concat(...out.map((o) => (o === PLACEHOLDER ? sealed : o)));
}

const PLACEHOLDER = new Uint8Array(0);
