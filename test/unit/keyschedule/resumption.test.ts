import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/bytes/bytes.ts';
import { resumptionPsk } from '../../../src/keyschedule/resumption.ts';
import { testHash } from './_hash.ts';
import { oracleExpandLabel } from './_oracle.ts';

describe('ticket PSK (RFC 8446 §4.6.1)', () => {
  it('is HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length), one per nonce', () => {
    const h = testHash('sha384');
    const rms = new Uint8Array(48).fill(0x33);
    const a = resumptionPsk(h, rms, new Uint8Array([0]));
    expect(toHex(a)).toBe(toHex(oracleExpandLabel('sha384', rms, 'resumption', new Uint8Array([0]), 48)));
    expect(toHex(resumptionPsk(h, rms, new Uint8Array([1])))).not.toBe(toHex(a));
  });
});
