/**
 * @module wycheproof-mac
 * Project Wycheproof's HMAC and HKDF files (vectors/wycheproof/hmac_*_test.json,
 * hkdf_*_test.json): their case shapes and a loader.
 */
import { readFileSync } from 'node:fs';

export interface WycheproofFile<T> {
  readonly numberOfTests: number;
  readonly testGroups: readonly { readonly tagSize?: number; readonly tests: readonly T[] }[];
}

/** A MacTest case: `tag` is the first tagSize/8 bytes of HMAC(key, msg) when valid. */
export interface MacCase {
  readonly tcId: number;
  readonly key: string;
  readonly msg: string;
  readonly tag: string;
  readonly result: 'valid' | 'invalid';
}

/** An HkdfTest case: OKM of `size` bytes; invalid only for L > 255 * HashLen. */
export interface HkdfCase {
  readonly tcId: number;
  readonly ikm: string;
  readonly salt: string;
  readonly info: string;
  readonly size: number;
  readonly okm: string;
  readonly result: 'valid' | 'invalid';
}

/** Reads `vectors/wycheproof/<name>`. */
export function loadWycheproof<T>(name: string): WycheproofFile<T> {
  return JSON.parse(readFileSync(new URL(`../../vectors/wycheproof/${name}`, import.meta.url), 'utf8')) as WycheproofFile<T>;
}
