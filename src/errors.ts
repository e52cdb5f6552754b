/**
 * @module errors
 * The one protocol error type, `TlsError`, carrying the alert that goes on the wire (origin
 * `local`) or that we received (origin `peer`). RFC 8446 §6.2 lists the alerts; the alert is
 * chosen at the throw site, next to the RFC sentence that names it, and emitted centrally by
 * the connection.
 */
import { AlertDescription, nameOf } from './protocol/registry.ts';

/** Who detected the failure: we (and send `alert`), or the peer (we received `alert`). */
export type ErrorOrigin = 'local' | 'peer';

/** Every protocol failure. Anything else escaping the engine is a bug. */
export class TlsError extends Error {
  readonly alert: AlertDescription;
  readonly origin: ErrorOrigin;
  constructor(alert: AlertDescription, message: string, options?: { cause?: unknown; origin?: ErrorOrigin }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TlsError';
    this.alert = alert;
    this.origin = options?.origin ?? 'local';
  }
  /** The alert's RFC name, e.g. `illegal_parameter`. */
  get alertName(): string {
    return nameOf(AlertDescription, this.alert);
  }
}

/** RFC 8446 §6.2 decode_error: a message could not be parsed (bad length, trailing bytes). */
export function decodeError(message: string): TlsError {
  return new TlsError(AlertDescription.decode_error, message);
}
/** RFC 8446 §6.2 illegal_parameter: well-formed, but a field is out of range or inconsistent. */
export function illegalParameter(message: string): TlsError {
  return new TlsError(AlertDescription.illegal_parameter, message);
}
/** RFC 8446 §6.2 unexpected_message: an inappropriate message (e.g. wrong handshake message). */
export function unexpectedMessage(message: string): TlsError {
  return new TlsError(AlertDescription.unexpected_message, message);
}
/** RFC 8446 §6.2 handshake_failure: no acceptable set of security parameters. */
export function handshakeFailure(message: string): TlsError {
  return new TlsError(AlertDescription.handshake_failure, message);
}
/** RFC 8446 §6.2 decrypt_error: a handshake cryptographic operation failed. */
export function decryptError(message: string): TlsError {
  return new TlsError(AlertDescription.decrypt_error, message);
}
/** RFC 8446 §6.2 missing_extension: a mandatory extension was not sent. */
export function missingExtension(message: string): TlsError {
  return new TlsError(AlertDescription.missing_extension, message);
}
/** RFC 8446 §6.2 unsupported_extension: an extension not allowed in this message. */
export function unsupportedExtension(message: string): TlsError {
  return new TlsError(AlertDescription.unsupported_extension, message);
}
/** RFC 8446 §6.2 internal_error: a bug or an unexpected local failure. */
export function internalError(message: string, cause?: unknown): TlsError {
  return new TlsError(AlertDescription.internal_error, message, { cause });
}

/** Wraps anything thrown that is not a TlsError as internal_error (a bug, for fuzzers). */
export function asTlsError(e: unknown): TlsError {
  if (e instanceof TlsError) return e;
  return internalError(`internal: ${e instanceof Error ? e.message : String(e)}`, e);
}
