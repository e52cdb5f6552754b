/**
 * @module observer
 * A connection's observer: a sans-I/O hook that sees, as they happen, the records the connection
 * sends and receives (RFC 8446 §5), every handshake message both ways decoded by the engine's own
 * codecs (the ones it sends are decoded from the bytes that go on the wire), alerts (§6), and the
 * key schedule as it runs: each RFC 8446 §7.1 value with the Transcript-Hash it was derived over,
 * and the §7.3 key and IV each traffic secret gives. It is what `puretls connect --trace` prints.
 *
 * The observer is called synchronously from inside the engine; it must not throw (an exception
 * fails the connection with internal_error) and must not call back into the connection. It
 * receives copies of secrets: they are as sensitive as a key log, so print them only on request.
 */
import type { Epoch, SecretName } from '../handshake/output.ts';
import type { HandshakeMessage } from '../messages/handshake.ts';

export type { Epoch, SecretName };

/** Which way a record, message or alert went. */
export type Direction = 'sent' | 'received';

/** What protects a record: nothing yet, or the traffic keys of an epoch (RFC 8446 §7.1, §7.3). */
export type Protection = 'plaintext' | Epoch;

export type ObservedEvent =
  /**
   * One record (RFC 8446 §5.1, §5.2). `contentType` is the type in the record header (always
   * application_data once protected); `innerType` the real one (TLSInnerPlaintext.type); `length`
   * the header's length field; `contentLength` the length of the content inside.
   */
  | {
      readonly kind: 'record';
      readonly direction: Direction;
      readonly protection: Protection;
      readonly contentType: number;
      readonly innerType: number;
      readonly length: number;
      readonly contentLength: number;
    }
  /** One handshake message (RFC 8446 §4), decoded; `raw` is its encoding with the 4-byte header. */
  | {
      readonly kind: 'handshakeMessage';
      readonly direction: Direction;
      readonly protection: Protection;
      readonly message: HandshakeMessage;
      readonly raw: Uint8Array;
    }
  /** An alert (RFC 8446 §6): close_notify, a warning, or the fatal alert ending the connection. */
  | { readonly kind: 'alert'; readonly direction: Direction; readonly level: number; readonly description: number }
  /** A key schedule value (RFC 8446 §7.1) and, for Derive-Secret outputs, the Transcript-Hash it used. */
  | { readonly kind: 'secret'; readonly name: SecretName; readonly secret: Uint8Array; readonly transcriptHash?: Uint8Array }
  /**
   * New record protection (RFC 8446 §7.3): the traffic secret installed for reading or writing,
   * and the key and IV derived from it for `suite`.
   */
  | {
      readonly kind: 'trafficKeys';
      readonly direction: 'read' | 'write';
      readonly epoch: Epoch;
      readonly suite: string;
      readonly secret: Uint8Array;
      readonly key: Uint8Array;
      readonly iv: Uint8Array;
    };

/** Receives every ObservedEvent of one connection, in order. Must not throw. */
export type ConnectionObserver = (event: ObservedEvent) => void;
