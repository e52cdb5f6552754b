import { describe, expect, it } from 'vitest';
import { hmac } from '@noble/hashes/hmac.js';
import { sha384 } from '@noble/hashes/sha2.js';
import { toHex } from '../../../src/bytes/bytes.ts';
import { pskBinder } from '../../../src/keyschedule/binder.ts';
import { finishedKey, finishedVerifyData } from '../../../src/keyschedule/finished.ts';
import { testHash } from './_hash.ts';
import { oracleExpandLabel } from './_oracle.ts';

describe('Finished (RFC 8446 §4.4.4) and PSK binder (RFC 8446 §4.2.11.2)', () => {
  const h = testHash('sha384');
  const baseKey = new Uint8Array(48).fill(0x11);
  const th = sha384(new Uint8Array([1, 2, 3]));

  it('verify_data = HMAC(HKDF-Expand-Label(BaseKey, "finished", "", Hash.length), transcript hash)', () => {
    const fk = oracleExpandLabel('sha384', baseKey, 'finished', new Uint8Array(0), 48);
    expect(toHex(finishedKey(h, baseKey))).toBe(toHex(fk));
    expect(toHex(finishedVerifyData(h, baseKey, th))).toBe(toHex(hmac(sha384, fk, th)));
  });

  it('the binder is the Finished computation with binder_key as BaseKey', () => {
    expect(toHex(pskBinder(h, baseKey, th))).toBe(toHex(finishedVerifyData(h, baseKey, th)));
    expect(toHex(pskBinder(h, baseKey, th))).not.toBe(toHex(pskBinder(h, baseKey, sha384(new Uint8Array([1, 2])))));
  });
});
