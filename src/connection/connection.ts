/**
 * @module connection
 * The sans-I/O engine shared by client and server (STYLE §4.4): bytes in through `receive()`,
 * bytes out through `takeOutput()`, application data through `write()` / `read()`, events
 * through `poll()`. It owns the record layer (RFC 8446 §5), applies the handshake's actions in
 * order, and is the one place alerts are emitted (RFC 8446 §6). After the first error every
 * call rethrows it (sticky failure).
 */
import { aBytes, aString, aUint } from '../bytes/assert.ts';
import { concat } from '../bytes/bytes.ts';
import type { CommonConfig } from '../config.ts';
import type { TrafficKeys } from '../crypto/provider.ts';
import type { CipherSuiteInfo } from '../crypto/suites.ts';
import { TlsError, asTlsError, decodeError, internalError, unexpectedMessage } from '../errors.ts';
import type { HandshakeInput } from '../handshake/common/input.ts';
import { NSS_KEY_LOG_LABEL } from '../handshake/common/key-log.ts';
import { sendKeyUpdate, type TrafficState } from '../handshake/common/traffic.ts';
import type { Negotiated } from '../handshake/negotiated.ts';
import { HandshakeOutput, type Epoch, type HandshakeAction } from '../handshake/output.ts';
import { exportKeyingMaterial } from '../keyschedule/exporter.ts';
import { deriveTrafficKeys } from '../keyschedule/traffic.ts';
import { decodeHandshakeBody, HANDSHAKE_HEADER_LEN } from '../messages/handshake.ts';
import {
  MAX_BUFFERED_PLAINTEXT,
  MAX_CONSECUTIVE_EMPTY_RECORDS,
  MAX_EARLY_WRITE_BUFFER,
  MAX_PENDING_OUTPUT,
  MAX_PLAINTEXT_LEN,
  MAX_POST_HANDSHAKE_MESSAGE_BURST,
  MAX_WARNING_ALERTS,
  POST_HANDSHAKE_MESSAGE_DATA_COST,
  RECORD_HEADER_LEN,
} from '../protocol/limits.ts';
import { AlertDescription, AlertLevel, ContentType, nameOf } from '../protocol/registry.ts';
import { Deframer, checkPlaintextRecordLen, type RawRecord } from '../record/deframer.ts';
import { fragment } from '../record/fragmenter.ts';
import { HandshakeJoiner } from '../record/joiner.ts';
import { LEGACY_RECORD_VERSION, RecordProtection, sealedRecordLen, writePlaintextRecord } from '../record/protection.ts';
import type { ClientSession } from '../session/client-cache.ts';
import type { ConnectionEvent } from './events.ts';
import type { ConnectionObserver, Direction, Protection } from './observer.ts';

/** How `receive` may treat the bytes it is given. */
export interface ReceiveOptions {
  /**
   * The caller gives the bytes away: the engine may decrypt records in place in them and keep
   * views of them, so the caller must neither read nor reuse them after the call.
   */
  readonly transfer?: boolean;
}

/** The handshake state types both sides plug in. */
export interface SideMachine<S extends { readonly kind: string }> {
  handle(st: S, input: HandshakeInput, out: HandshakeOutput): S;
}

/** The engine. `ClientConnection` and `ServerConnection` choose the state machine. */
export abstract class Connection<S extends { readonly kind: string } = { readonly kind: string }> {
  protected state: S;
  private readonly machine: SideMachine<S>;
  private readonly config: CommonConfig;
  private readonly deframer = new Deframer();
  private readonly joiner = new HandshakeJoiner();
  private readProtection: RecordProtection | undefined;
  private writeProtection: RecordProtection | undefined;
  /** Our inbound record_size_limit once the peer knows it (RFC 8449 §4). */
  private readLimit: number | undefined;
  /** Largest fragment we send: 2^14, or the peer's record_size_limit - 1 (RFC 8449 §4). */
  private maxFragmentLen = MAX_PLAINTEXT_LEN;
  private pendingHandshake: Uint8Array[] = [];
  /**
   * Output not yet taken: `outputBuf[0, outputLen)`. Records are sealed straight into it, so a
   * flush is one buffer; `takeOutput` hands it over and the next output starts a new one.
   */
  private outputBuf: Uint8Array = EMPTY;
  private outputLen = 0;
  private received: Uint8Array[] = [];
  private receivedLen = 0;
  private readonly events: ConnectionEvent[] = [];
  private pendingWrites: Uint8Array[] = [];
  private failure: TlsError | undefined;
  private handshakeDone = false;
  private negotiatedParams: Negotiated | undefined;
  private closeRequested = false;
  private closeSent = false;
  private peerClosedFlag = false;
  /** RFC 8446 §5: a change_cipher_spec is only legal once the first ClientHello went by. */
  private helloSeen: boolean;
  private skipEarlyDataBudget = 0;
  /** Server: bytes of accepted 0-RTT data still allowed (RFC 8446 §4.2.10); undefined: none. */
  private earlyReadBudget: number | undefined;
  private earlyReceived: Uint8Array[] = [];
  /** Client: bytes of 0-RTT data we may still write; undefined: not in the early data phase. */
  private earlyWriteBudget: number | undefined;
  private earlyOutcome: boolean | undefined;
  private readonly isClient: boolean;
  private emptyRecords = 0;
  private warningAlerts = 0;
  /**
   * DoS bound on post-handshake messages, in bytes of application data: each message costs
   * POST_HANDSHAKE_MESSAGE_DATA_COST, application data either way pays back byte for byte, up to
   * the burst of MAX_POST_HANDSHAKE_MESSAGE_BURST messages.
   */
  private postHandshakeAllowance = POST_HANDSHAKE_BUDGET;
  /** RFC 8446 §5.1: the initial ClientHello may use legacy_record_version 0x0301. */
  private firstRecordVersion: number | undefined;
  private readonly observer: ConnectionObserver | undefined;
  /** What protects the records we read / write now (for the observer). */
  private readEpoch: Protection = 'plaintext';
  private writeEpoch: Protection = 'plaintext';
  /**
   * While the handshake waits for the caller's answer (an 'ask' action): the most input bytes
   * buffered, unprocessed, until then; undefined when not paused.
   */
  private pausedInputBound: number | undefined;

  protected constructor(
    config: CommonConfig,
    machine: SideMachine<S>,
    initial: S,
    isClient: boolean,
    observer: ConnectionObserver | undefined,
  ) {
    this.config = config;
    this.observer = observer;
    this.machine = machine;
    this.state = initial;
    this.helloSeen = isClient;
    this.isClient = isClient;
    this.firstRecordVersion = isClient ? 0x0301 : undefined;
  }

  /** Applies the actions a constructor's first step produced (the client's ClientHello). */
  protected start(out: HandshakeOutput): void {
    this.guard(() => this.apply(out.actions));
  }

  // ---------------------------------------------------------------- public API

  /**
   * Consumes bytes from the peer and processes every complete record. The bytes are only read,
   * during this call, unless `options.transfer` gives them to the engine: it may then decrypt
   * records in place in them and keep views of them (what `read()` returns), so the caller must
   * neither read nor reuse them afterwards (a socket's fresh chunk is the case).
   * @throws TlsError on any protocol failure; the fatal alert is already queued in the output
   */
  receive(bytes: Uint8Array, options?: ReceiveOptions): void {
    aBytes(bytes, 'receive(bytes)');
    this.throwIfFailed();
    // The caller's side of the buffer bound (goal 3): read() before receiving more.
    if (this.receivedLen > MAX_BUFFERED_PLAINTEXT) throw new Error('receive: too much unread application data; call read() first');
    // RFC 8446 §6.1: "Any data received after a closure alert has been received MUST be ignored."
    if (this.peerClosedFlag) return;
    this.guard(() => {
      const bound = this.pausedInputBound;
      if (bound !== undefined && this.deframer.bufferedLen + bytes.length > bound) {
        throw unexpectedMessage(`record: more than ${bound} bytes received while the handshake waits for an answer`);
      }
      this.deframer.push(bytes, options?.transfer === true);
      this.processInput();
      // Records left unread (paused, or after close_notify) are copied unless the bytes were
      // given away: the caller may reuse its buffer once this call returns.
      this.deframer.detach();
    });
  }

  /** Whether the handshake waits for the caller's answer to a question (config `pauseFor`). */
  get isPaused(): boolean {
    return this.pausedInputBound !== undefined;
  }

  /**
   * Continues a paused handshake with the caller's answer: `step` turns the paused state into the
   * next one, then the input buffered meanwhile is processed.
   * @throws Error when not paused in `kind`; TlsError as receive()
   */
  protected answer(kind: string, call: string, step: (st: S, out: HandshakeOutput) => S): void {
    this.throwIfFailed();
    if (this.pausedInputBound === undefined || this.state.kind !== kind) throw new Error(`${call}: the handshake is not waiting for this answer`);
    this.guard(() => {
      this.pausedInputBound = undefined;
      const out = new HandshakeOutput();
      this.state = step(this.state, out);
      this.apply(out.actions);
      this.processInput();
    });
  }

  /** Bytes to send to the peer now (empty when there are none). */
  takeOutput(): Uint8Array {
    if (this.outputLen === 0) return EMPTY;
    const out = this.outputBuf.subarray(0, this.outputLen);
    OUTPUT_SLAB.release(this.outputBuf, this.outputLen);
    this.outputBuf = EMPTY;
    this.outputLen = 0;
    return out;
  }

  /**
   * The same bytes as `takeOutput()`, as chunks for a gathered write (`writev`). Records are
   * sealed straight into one output buffer, so a flush is one chunk; empty when there are none.
   */
  takeOutputChunks(): Uint8Array[] {
    const out = this.takeOutput();
    return out.length === 0 ? [] : [out];
  }

  /** Bytes `takeOutput()` would return. */
  get pendingOutputLen(): number {
    return this.outputLen;
  }

  /** True when `takeOutput()` would return bytes. */
  get hasOutput(): boolean {
    return this.outputLen > 0;
  }

  /**
   * Queues application data; before the handshake completes it is held (up to 1 MiB) and sent
   * when it does.
   * @throws Error after close() or failure; RangeError past the pre-handshake bound; TlsError
   *   internal_error (the connection fails) when more than MAX_PENDING_OUTPUT (4 MiB) of output
   *   is still waiting for `takeOutput()`
   */
  write(data: Uint8Array): void {
    aBytes(data, 'write(data)');
    this.throwIfFailed();
    if (this.closeRequested) throw new Error('write: connection is closed for writing');
    if (!this.handshakeDone) {
      const held = this.pendingWrites.reduce((n, d) => n + d.length, 0);
      if (held + data.length > MAX_EARLY_WRITE_BUFFER) {
        throw new RangeError('write: more than 1 MiB written before the handshake completed');
      }
      this.pendingWrites.push(data.slice());
      return;
    }
    this.guard(() => {
      this.checkOutputRoom('write');
      this.sendApplicationData(data);
    });
  }

  /** The next chunk of application data received, or undefined. */
  read(): Uint8Array | undefined {
    const chunk = this.received.shift();
    if (chunk) this.receivedLen -= chunk.length;
    return chunk;
  }

  /** The next event, or undefined. */
  poll(): ConnectionEvent | undefined {
    return this.events.shift();
  }

  /** Queues close_notify (RFC 8446 §6.1); we can still read until the peer closes. */
  close(): void {
    if (this.closeRequested || this.failure) return;
    this.closeRequested = true;
    if (this.handshakeDone) this.guard(() => this.sendCloseNotify());
  }

  /**
   * Sends a KeyUpdate (RFC 8446 §4.6.3); with `requestPeerUpdate` the peer must update too.
   * @throws Error before the handshake completes or after close(); TlsError internal_error when
   *   more than MAX_PENDING_OUTPUT of output is waiting, as write()
   */
  updateKeys(requestPeerUpdate: boolean): void {
    this.postHandshake('updateKeys', (st, out) => sendKeyUpdate(st, requestPeerUpdate, out));
  }

  /**
   * Runs `step` on the application-phase state and applies what it queued (a post-handshake
   * message of ours). `check` may refuse first without harming the connection.
   * @throws Error before the handshake completes or after close(), or from `check`; TlsError
   *   internal_error when more than MAX_PENDING_OUTPUT of output is waiting; what `step` throws
   */
  protected postHandshake(
    what: string,
    step: (st: TrafficState, out: HandshakeOutput) => TrafficState,
    check?: (st: TrafficState) => void,
  ): void {
    this.throwIfFailed();
    if (!this.handshakeDone || this.closeRequested) throw new Error(`${what}: not in the application data phase`);
    check?.(this.traffic());
    this.guard(() => {
      this.checkOutputRoom(what);
      const out = new HandshakeOutput();
      this.enterTraffic(step(this.traffic(), out));
      this.apply(out.actions);
    });
  }

  /**
   * RFC 8446 §7.5: keying material for `label` and `context` (RFC 5705 interface).
   * @throws Error before the handshake completes
   */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    aString(label, 'label');
    if (context !== undefined) aBytes(context, 'context');
    aUint(length, 'length', 255 * 48);
    this.throwIfFailed();
    if (!this.handshakeDone) throw new Error('exportKeyingMaterial: handshake not complete');
    const t = this.traffic();
    return exportKeyingMaterial(t.hash, t.exporterMasterSecret, label, context, length);
  }

  get isHandshakeDone(): boolean {
    return this.handshakeDone;
  }
  get negotiated(): Negotiated | undefined {
    return this.negotiatedParams;
  }
  /** True once the peer's close_notify arrived. */
  get peerClosed(): boolean {
    return this.peerClosedFlag;
  }
  get error(): TlsError | undefined {
    return this.failure;
  }
  /** Received application data not yet taken with read(). */
  get bufferedPlaintextLen(): number {
    return this.receivedLen;
  }

  /**
   * True when the server accepted our 0-RTT data / we accepted the client's, false when it was
   * rejected, undefined while unknown or when none was offered (RFC 8446 §4.2.10).
   */
  get earlyDataAccepted(): boolean | undefined {
    return this.earlyOutcome;
  }

  /**
   * Client side of 0-RTT (RFC 8446 §4.2.10): seals `data` under the early traffic key and returns
   * how many bytes were taken (bounded by the ticket's max_early_data_size; 0 outside the early
   * data phase). REPLAYABLE: an attacker can deliver it to the server more than once (RFC 8446 §8).
   */
  protected writeEarly(data: Uint8Array): number {
    aBytes(data, 'writeEarlyData(data)');
    this.throwIfFailed();
    const budget = this.earlyWriteBudget;
    if (budget === undefined || this.writeProtection === undefined) return 0;
    const n = Math.min(budget, data.length);
    this.guard(() => {
      for (let off = 0; off < n; off += this.maxFragmentLen) {
        this.writeRecord(ContentType.application_data, data.subarray(off, Math.min(n, off + this.maxFragmentLen)));
      }
    });
    this.earlyWriteBudget = budget - n;
    return n;
  }

  /** Server side of 0-RTT: the next chunk of accepted early data (REPLAYABLE, RFC 8446 §8). */
  protected readEarly(): Uint8Array | undefined {
    return this.earlyReceived.shift();
  }

  /** Called for each ticket the peer sends (client side; RFC 8446 §4.6.1). */
  protected onSessionTicket(_session: ClientSession): void {}

  // ---------------------------------------------------------------- records in

  /**
   * Handshake messages already joined, then the buffered records, until the input runs out, the
   * peer closes, or the handshake pauses for an answer (the rest waits in the joiner/deframer).
   */
  private processInput(): void {
    this.processHandshakeMessages();
    while (!this.peerClosedFlag && this.pausedInputBound === undefined) {
      const rec = this.deframer.next();
      if (rec === undefined) break;
      this.processRecord(rec);
    }
  }

  /** RFC 8446 §5.1, §5.2: one record from the deframer. */
  private processRecord(rec: RawRecord): void {
    if (rec.contentType === ContentType.change_cipher_spec) {
      this.observeRecord('received', 'plaintext', rec.contentType, rec.contentType, rec.fragment.length, rec.fragment.length);
      return this.onChangeCipherSpec(rec);
    }
    if (this.readProtection === undefined) {
      if (rec.contentType === ContentType.application_data) {
        // RFC 8446 §4.2.10: after a HelloRetryRequest, the server skips the client's 0-RTT
        // records (protected, so up to 2^14 + 256 bytes each) until the retried ClientHello.
        if (rec.fragment.length <= this.skipEarlyDataBudget) {
          this.skipEarlyDataBudget -= rec.fragment.length;
          return;
        }
        throw unexpectedMessage('record: application data before keys');
      }
      // Before the first key change everything is plaintext, bounded by 2^14 (RFC 8446 §5.1).
      checkPlaintextRecordLen(rec);
      this.observeRecord('received', 'plaintext', rec.contentType, rec.contentType, rec.fragment.length, rec.fragment.length);
      // Handshake messages are kept (the joiner, the states): copied unless the engine owns them.
      return this.onContent(rec.contentType, rec.owned === true ? rec.fragment : rec.fragment.slice());
    }
    if (rec.contentType === ContentType.alert && !this.handshakeDone && rec.fragment.length === 2) {
      // A peer that could not use our keys may alert in the clear during the handshake.
      this.observeRecord('received', 'plaintext', rec.contentType, rec.contentType, 2, 2);
      return this.onAlert(rec.fragment);
    }
    if (rec.contentType !== ContentType.application_data) {
      throw unexpectedMessage(`record: unprotected ${nameOf(ContentType, rec.contentType)} after the key change`);
    }
    if (this.readLimit !== undefined && rec.fragment.length > this.readLimit + 16) {
      throw new TlsError(AlertDescription.record_overflow, 'record: larger than our record_size_limit');
    }
    let inner;
    try {
      inner = this.readProtection.open(rec);
    } catch (e) {
      // RFC 8446 §4.2.10: rejected 0-RTT records fail to decrypt and are skipped, up to a bound.
      if (e instanceof TlsError && e.alert === AlertDescription.bad_record_mac && rec.fragment.length <= this.skipEarlyDataBudget) {
        this.skipEarlyDataBudget -= rec.fragment.length;
        return;
      }
      throw e;
    }
    this.skipEarlyDataBudget = 0;
    this.observeRecord('received', this.readEpoch, rec.contentType, inner.contentType, rec.fragment.length, inner.plaintext.length);
    this.onContent(inner.contentType, inner.plaintext);
  }

  /**
   * RFC 8446 §5: "An implementation may receive an unencrypted record of type change_cipher_spec
   * consisting of the single byte value 0x01 at any time after the first ClientHello message has
   * been sent or received and before the peer's Finished message has been received and MUST
   * simply drop it without further processing." Anything else is unexpected_message.
   */
  private onChangeCipherSpec(rec: RawRecord): void {
    const f = rec.fragment;
    if (!this.helloSeen || this.handshakeDone || f.length !== 1 || f[0] !== 1) {
      throw unexpectedMessage('record: change_cipher_spec outside the handshake or malformed');
    }
    if (!this.joiner.isEmpty) throw unexpectedMessage('record: change_cipher_spec inside a handshake message');
    this.countEmptyRecord();
  }

  private onContent(type: number, data: Uint8Array): void {
    // RFC 8446 §5.1: "Handshake messages MUST NOT be interleaved with other record types."
    if (type !== ContentType.handshake && !this.joiner.isEmpty) {
      throw unexpectedMessage('record: other content inside a fragmented handshake message');
    }
    if (type === ContentType.handshake) return this.onHandshakeData(data);
    if (type === ContentType.alert) return this.onAlert(data);
    if (type === ContentType.application_data) return this.onApplicationData(data);
    throw unexpectedMessage(`record: unexpected content type ${type}`);
  }

  private onHandshakeData(data: Uint8Array): void {
    this.emptyRecords = 0;
    // RFC 8446 §4.2.10: rejected early data comes before the client's next handshake message.
    this.skipEarlyDataBudget = 0;
    this.joiner.push(data);
    this.processHandshakeMessages();
  }

  private processHandshakeMessages(): void {
    while (this.pausedInputBound === undefined) {
      const m = this.joiner.next();
      if (m === undefined) break;
      this.helloSeen = true;
      if (this.handshakeDone) this.chargePostHandshakeMessage();
      const input: HandshakeInput = {
        message: decodeHandshakeBody(m.type, m.body),
        raw: m.raw,
        endsRecord: this.joiner.isEmpty,
      };
      this.observer?.({ kind: 'handshakeMessage', direction: 'received', protection: this.readEpoch, message: input.message, raw: m.raw });
      const out = new HandshakeOutput();
      this.state = this.machine.handle(this.state, input, out);
      this.apply(out.actions);
    }
  }

  /** RFC 8446 §6: alerts. close_notify and user_canceled are closures; all others are fatal. */
  private onAlert(data: Uint8Array): void {
    // RFC 8446 §5.1: alerts are never fragmented or coalesced.
    if (data.length !== 2) throw decodeError('alert: record is not exactly one alert');
    const level = data[0] as number;
    const description = data[1] as number;
    this.observer?.({ kind: 'alert', direction: 'received', level, description });
    if (description === AlertDescription.close_notify) {
      this.peerClosedFlag = true;
      this.events.push({ kind: 'peerClosed' });
      return;
    }
    // RFC 8446 §6.1: user_canceled is a warning; §6.2: every other alert, and any alert of
    // unknown type, is an error alert.
    if (description === AlertDescription.user_canceled && level === AlertLevel.warning) {
      if (++this.warningAlerts > MAX_WARNING_ALERTS) throw unexpectedMessage('alert: too many warning alerts');
      this.events.push({ kind: 'warningAlert', description });
      return;
    }
    throw new TlsError(description as AlertDescription, `alert: peer sent ${nameOf(AlertDescription, description)}`, {
      origin: 'peer',
    });
  }

  private onApplicationData(data: Uint8Array): void {
    if (!this.handshakeDone && this.earlyReadBudget !== undefined) {
      // RFC 8446 §4.2.10: "If the server ... receives more than max_early_data_size ... it SHOULD
      // abort the handshake with an "unexpected_message" alert."
      if (data.length > this.earlyReadBudget) throw unexpectedMessage('record: more early data than max_early_data_size');
      this.earlyReadBudget -= data.length;
      if (data.length > 0) this.earlyReceived.push(data);
      return;
    }
    // RFC 8446 §2: application data flows only after the handshake (and accepted 0-RTT data).
    if (!this.handshakeDone) throw unexpectedMessage('record: application data before the handshake completed');
    if (data.length === 0) return this.countEmptyRecord();
    this.emptyRecords = 0;
    this.creditApplicationData(data.length);
    this.received.push(data);
    this.receivedLen += data.length;
  }

  /**
   * DoS bound on post-handshake messages (KeyUpdate, NewSessionTicket): a burst of
   * MAX_POST_HANDSHAKE_MESSAGE_BURST, then one per POST_HANDSHAKE_MESSAGE_DATA_COST bytes of
   * application data exchanged. A counter reset by any application data would let one byte
   * between messages buy a fresh burst.
   */
  private chargePostHandshakeMessage(): void {
    if (this.postHandshakeAllowance < POST_HANDSHAKE_MESSAGE_DATA_COST) {
      throw unexpectedMessage('handshake: too many post-handshake messages for the application data exchanged');
    }
    this.postHandshakeAllowance -= POST_HANDSHAKE_MESSAGE_DATA_COST;
  }

  /** Application data received or sent pays for post-handshake messages, up to the burst. */
  private creditApplicationData(bytes: number): void {
    this.postHandshakeAllowance = Math.min(POST_HANDSHAKE_BUDGET, this.postHandshakeAllowance + bytes);
  }

  /** DoS bound: records that carry nothing (CCS, empty application data) in a row. */
  private countEmptyRecord(): void {
    if (++this.emptyRecords > MAX_CONSECUTIVE_EMPTY_RECORDS) throw unexpectedMessage('record: too many empty records');
  }

  // ---------------------------------------------------------------- actions out

  private apply(actions: readonly HandshakeAction[]): void {
    for (const a of actions) {
      switch (a.kind) {
        case 'send':
          if (this.observer) {
            // What goes on the wire, decoded by the same codec as what we receive.
            const message = decodeHandshakeBody(a.raw[0] as number, a.raw.subarray(HANDSHAKE_HEADER_LEN));
            this.observer({ kind: 'handshakeMessage', direction: 'sent', protection: this.writeEpoch, message, raw: a.raw.slice() });
          }
          this.pendingHandshake.push(a.raw);
          break;
        case 'sendCompatCcs':
          this.flushHandshake();
          // RFC 8446 Appendix D.4: always an unprotected record holding the byte 0x01.
          this.writeRecordInClear(ContentType.change_cipher_spec, CCS_BODY, LEGACY_RECORD_VERSION);
          this.observeRecord('sent', 'plaintext', ContentType.change_cipher_spec, ContentType.change_cipher_spec, 1, 1);
          break;
        case 'setWriteKeys': {
          this.flushHandshake();
          const keys = this.trafficKeys('write', a.epoch, a.suite, a.secret);
          this.writeProtection = new RecordProtection(this.config.provider, a.suite, keys);
          this.writeEpoch = a.epoch;
          if (a.epoch !== 'early') this.earlyWriteBudget = undefined;
          break;
        }
        case 'setReadKeys': {
          this.readProtection = new RecordProtection(this.config.provider, a.suite, this.trafficKeys('read', a.epoch, a.suite, a.secret));
          this.readEpoch = a.epoch;
          this.readLimit = this.config.recordSizeLimit;
          break;
        }
        case 'secret': {
          const label = NSS_KEY_LOG_LABEL[a.name];
          if (label !== undefined) this.config.keyLog?.(label, a.clientRandom, a.secret);
          this.observer?.({ kind: 'secret', name: a.name, secret: a.secret.slice(), transcriptHash: a.transcriptHash?.slice() });
          break;
        }
        case 'peerRecordSizeLimit':
          // RFC 8449 §4: in TLS 1.3 the limit counts the content type byte (and padding).
          this.maxFragmentLen = Math.min(MAX_PLAINTEXT_LEN, a.limit - 1);
          break;
        case 'earlyDataOpen':
          if (this.isClient) this.earlyWriteBudget = a.maxLen;
          else this.earlyReadBudget = a.maxLen;
          break;
        case 'earlyDataDone':
          this.earlyReadBudget = undefined;
          if (!a.accepted) this.earlyWriteBudget = undefined;
          this.earlyOutcome = a.accepted;
          this.events.push({ kind: 'earlyData', accepted: a.accepted });
          break;
        case 'dropWriteKeys':
          this.flushHandshake();
          this.writeProtection = undefined;
          this.writeEpoch = 'plaintext';
          this.earlyWriteBudget = undefined;
          break;
        case 'skipEarlyData':
          this.skipEarlyDataBudget = a.maxLen;
          break;
        case 'newSessionTicket': {
          const session = { ...a.session, receivedAtMs: this.config.now() };
          this.onSessionTicket(session);
          this.events.push({ kind: 'sessionTicket', session });
          break;
        }
        case 'keyUpdated':
          this.events.push({ kind: 'keyUpdate', direction: a.direction });
          break;
        case 'ask':
          this.pausedInputBound = a.maxBufferedInput;
          this.events.push(a.question);
          break;
        case 'clientAuthenticated':
          this.negotiatedParams = a.negotiated;
          this.events.push({ kind: 'clientCertificate', peerCertificates: a.peerCertificates });
          break;
        case 'handshakeDone':
          this.flushHandshake();
          this.handshakeDone = true;
          this.negotiatedParams = a.negotiated;
          this.events.push({ kind: 'handshakeDone', negotiated: a.negotiated });
          for (const data of this.pendingWrites) this.sendApplicationData(data);
          this.pendingWrites = [];
          if (this.closeRequested) this.sendCloseNotify();
          break;
      }
    }
    this.flushHandshake();
  }

  /** Coalesces queued handshake messages into as few records as the size limit allows. */
  private flushHandshake(): void {
    if (this.pendingHandshake.length === 0) return;
    const data = this.pendingHandshake.length === 1 ? (this.pendingHandshake[0] as Uint8Array) : concat(...this.pendingHandshake);
    this.pendingHandshake = [];
    for (const frag of fragment(data, this.maxFragmentLen)) this.writeRecord(ContentType.handshake, frag);
  }

  /**
   * Seals `data` as application data records (RFC 8446 §5.2), straight into the output buffer,
   * with a KeyUpdate first whenever the write key is due for one (RFC 8446 §4.6.3, §5.5).
   */
  private sendApplicationData(data: Uint8Array): void {
    if (data.length === 0) return;
    this.creditApplicationData(data.length);
    const max = this.maxFragmentLen;
    const pad = this.config.recordPadding;
    const tagLen = this.traffic().suite.tagLen;
    // Room for every record at once (a KeyUpdate on the way may still grow it).
    this.reserveOutput(Math.ceil(data.length / max) * sealedRecordLen(0, pad, tagLen) + data.length);
    for (let off = 0; off < data.length; off += max) {
      if (this.isWriteKeyDue()) {
        const update = new HandshakeOutput();
        this.enterTraffic(sendKeyUpdate(this.traffic(), false, update));
        this.apply(update.actions);
      }
      const chunk = data.subarray(off, off + max);
      this.reserveOutput(sealedRecordLen(chunk.length, pad, tagLen));
      const w = this.writeProtection as RecordProtection;
      const sealed = w.sealInto(ContentType.application_data, chunk, pad, this.outputBuf, this.outputLen);
      this.outputLen += sealed;
      if (this.observer) this.observeRecord('sent', this.writeEpoch, ContentType.application_data, ContentType.application_data, sealed - RECORD_HEADER_LEN, chunk.length);
    }
  }

  /**
   * RFC 8446 §4.6.3: the peer asked for an update (answered once, before our next application
   * data record); RFC 8446 §5.5: near the AEAD usage limit (or at the configured interval).
   */
  private isWriteKeyDue(): boolean {
    const w = this.writeProtection;
    const rekeyAt = this.config.rekeyAfterRecords;
    if (w === undefined) return false;
    return this.traffic().updateRequested || w.needsKeyUpdate || (rekeyAt !== undefined && w.sequenceNumber >= rekeyAt);
  }

  /** The pending output bound (MAX_PENDING_OUTPUT), checked before a call adds output. */
  private checkOutputRoom(call: string): void {
    if (this.outputLen > MAX_PENDING_OUTPUT) {
      throw internalError(`${call}: ${this.outputLen} bytes of output not taken (more than ${MAX_PENDING_OUTPUT}); the peer is not reading`);
    }
  }

  /**
   * Makes room for `n` more bytes at `outputBuf[outputLen]`. A new buffer (at least twice the
   * old) takes over the pending bytes; bytes already handed out by `takeOutput` are never
   * written again, so the caller may hold them as long as it likes.
   */
  private reserveOutput(n: number): void {
    if (this.outputLen + n <= this.outputBuf.length) return;
    const next = OUTPUT_SLAB.take(Math.max(this.outputLen + n, 2 * this.outputBuf.length, MIN_OUTPUT_BUFFER));
    next.set(this.outputBuf.subarray(0, this.outputLen));
    this.outputBuf = next;
  }

  private sendCloseNotify(): void {
    if (this.closeSent) return;
    this.closeSent = true;
    this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
  }

  private sendAlert(level: number, description: number): void {
    this.observer?.({ kind: 'alert', direction: 'sent', level, description });
    this.writeRecord(ContentType.alert, new Uint8Array([level, description]));
  }

  private writeRecord(type: number, data: Uint8Array): void {
    const at = this.outputLen;
    const w = this.writeProtection;
    if (w) {
      const pad = this.config.recordPadding;
      this.reserveOutput(sealedRecordLen(data.length, pad, w.tagLen));
      this.outputLen += w.sealInto(type, data, pad, this.outputBuf, this.outputLen);
    } else {
      this.writeRecordInClear(type, data, this.firstRecordVersion ?? LEGACY_RECORD_VERSION);
      this.firstRecordVersion = undefined;
    }
    this.observeRecord('sent', this.writeEpoch, this.outputBuf[at] as number, type, this.outputLen - at - RECORD_HEADER_LEN, data.length);
  }

  /** An unprotected record (RFC 8446 §5.1 TLSPlaintext) into the output. */
  private writeRecordInClear(type: number, data: Uint8Array, legacyRecordVersion: number): void {
    this.reserveOutput(RECORD_HEADER_LEN + data.length);
    this.outputLen += writePlaintextRecord(type, data, legacyRecordVersion, this.outputBuf, this.outputLen);
  }

  // ---------------------------------------------------------------- observer

  /** RFC 8446 §7.3: the key and IV for `secret`, reported to the observer. */
  private trafficKeys(direction: 'read' | 'write', epoch: Epoch, suite: CipherSuiteInfo, secret: Uint8Array): TrafficKeys {
    const keys = deriveTrafficKeys(this.config.provider.hash(suite.hash), suite, secret);
    this.observer?.({ kind: 'trafficKeys', direction, epoch, suite: suite.name, secret: secret.slice(), key: keys.key.slice(), iv: keys.iv.slice() });
    return keys;
  }

  private observeRecord(
    direction: Direction,
    protection: Protection,
    contentType: number,
    innerType: number,
    length: number,
    contentLength: number,
  ): void {
    this.observer?.({ kind: 'record', direction, protection, contentType, innerType, length, contentLength });
  }

  // ---------------------------------------------------------------- failure

  /** Runs `fn`; any failure becomes the sticky TlsError, with our fatal alert queued. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      const err = asTlsError(e);
      this.failure = err;
      this.pendingHandshake = [];
      if (err.origin === 'local') {
        // RFC 8446 §6.2: fatal alerts go under the current write keys.
        try {
          this.sendAlert(AlertLevel.fatal, err.alert);
        } catch {
          // Nothing more can be said; the transport will be closed.
        }
      }
      this.forgetSecrets();
      throw err;
    }
  }

  /**
   * RFC 8446 §6.2: "Servers and clients MUST forget the secret values and keys established in
   * failed connections". We drop every reference to them (keys, state, buffered data); JavaScript
   * cannot promise the memory is overwritten (docs/07-security-notes.md).
   */
  private forgetSecrets(): void {
    this.readProtection = undefined;
    this.writeProtection = undefined;
    this.state = FAILED as unknown as S;
    this.pendingWrites = [];
    this.received = [];
    this.receivedLen = 0;
    this.earlyReceived = [];
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Both sides' state unions include TrafficState; TypeScript cannot see that through S. */
  private enterTraffic(st: TrafficState): void {
    this.state = st as unknown as S;
  }

  private traffic(): TrafficState {
    const st = this.state as unknown as TrafficState;
    if (st.kind !== 'Traffic') throw new Error('connection: not in the application data phase');
    return st;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Where output buffers come from: most flushes (a handshake flight, an HTTP response) are a few
 * KiB, and a typed array of its own per flush costs an allocation with its own backing store,
 * zero-filled, and work for the garbage collector. Small buffers are carved instead from a
 * shared block, one after the other (as node's Buffer pool does): a region is handed out once
 * and never written again by anyone else, so what `takeOutput` returns stays the caller's. The
 * unused tail of the most recent region goes back to the block when its output is taken.
 */
class OutputSlab {
  private block: Uint8Array = EMPTY;
  private used = 0;

  /** A fresh buffer of `n` bytes that no one else holds. */
  take(n: number): Uint8Array {
    if (n > SLAB_MAX_REGION) return new Uint8Array(n);
    if (this.used + n > this.block.length) {
      this.block = new Uint8Array(SLAB_BLOCK);
      this.used = 0;
    }
    const region = this.block.subarray(this.used, this.used + n);
    this.used += n;
    return region;
  }

  /**
   * `region` (from `take`) is done with after its first `kept` bytes: when it is the last region
   * carved, the rest (never written) can be carved again.
   */
  release(region: Uint8Array, kept: number): void {
    const b = this.block;
    if (region.buffer !== b.buffer || region.byteOffset + region.length !== b.byteOffset + this.used) return;
    this.used = region.byteOffset - b.byteOffset + kept;
  }
}
/** Size of a shared block, and the largest buffer carved from it (larger ones are their own). */
const SLAB_BLOCK = 64 * 1024;
const SLAB_MAX_REGION = 16 * 1024;
const OUTPUT_SLAB = new OutputSlab();
/** The smallest output buffer: a handshake flight's records usually fit in one. */
const MIN_OUTPUT_BUFFER = 4096;
/** The post-handshake message allowance when full: the whole burst. */
const POST_HANDSHAKE_BUDGET = MAX_POST_HANDSHAKE_MESSAGE_BURST * POST_HANDSHAKE_MESSAGE_DATA_COST;
/** What a failed connection keeps of its handshake state: nothing (every call rethrows first). */
const FAILED = Object.freeze({ kind: 'Failed' });
const CCS_BODY = new Uint8Array([1]);
