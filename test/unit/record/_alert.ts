/**
 * @module _alert
 * `expectAlert(fn, alert)`: asserts that `fn` throws a TlsError carrying `alert`.
 */
import { expect } from 'vitest';
import { TlsError } from '../../../src/errors.ts';
import { nameOf, AlertDescription } from '../../../src/protocol/registry.ts';

export function expectAlert(fn: () => unknown, alert: number): TlsError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a TlsError ${nameOf(AlertDescription, alert)}`).toBeInstanceOf(TlsError);
  const err = caught as TlsError;
  expect(nameOf(AlertDescription, err.alert)).toBe(nameOf(AlertDescription, alert));
  return err;
}
