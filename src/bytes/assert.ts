/**
 * @module assert
 * Argument guards for the public API (noble's `abytes`/`anumber` split): a wrong type is a
 * TypeError, a wrong range a RangeError. These are caller mistakes, never TlsErrors, and they
 * do not poison a connection.
 */

/** Asserts `x` is a Uint8Array (Buffer included), optionally of length `len`. */
export function aBytes(x: unknown, name: string, len?: number): asserts x is Uint8Array {
  if (!(x instanceof Uint8Array)) throw new TypeError(`${name}: expected Uint8Array, got ${typeof x}`);
  if (len !== undefined && x.length !== len) {
    throw new RangeError(`${name}: expected ${len} bytes, got ${x.length}`);
  }
}

/** Asserts `x` is a safe non-negative integer not above `max`. */
export function aUint(x: unknown, name: string, max: number = Number.MAX_SAFE_INTEGER): asserts x is number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x)) throw new TypeError(`${name}: expected an integer`);
  if (x < 0 || x > max) throw new RangeError(`${name}: ${x} is out of range 0..${max}`);
}

/** Asserts `x` is a string. */
export function aString(x: unknown, name: string): asserts x is string {
  if (typeof x !== 'string') throw new TypeError(`${name}: expected string, got ${typeof x}`);
}
