/**
 * @module tools/describe
 * One-line descriptions of failures for the CLI: a TlsError reads `alert_name: message`
 * (the RFC 8446 §6.2 alert name first), anything else its message.
 */

/** One line for an error: `alert_name: message` for TlsErrors. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const alert = (err as { alertName?: unknown }).alertName;
    return typeof alert === 'string' ? `${alert}: ${err.message}` : err.message;
  }
  return String(err);
}
