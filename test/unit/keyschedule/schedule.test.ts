import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/bytes/bytes.ts';
import { deriveSecret } from '../../../src/keyschedule/hkdf-label.ts';
import { EarlySecret } from '../../../src/keyschedule/schedule.ts';
import { testHash } from './_hash.ts';

const TH = new Uint8Array(48).fill(0x5a);

describe('key schedule typestate (RFC 8446 §7.1)', () => {
  it('uses the 0-value (Hash.length zeros) when there is no PSK', () => {
    const h = testHash('sha384');
    const none = EarlySecret.create(h);
    const zeros = EarlySecret.create(h, new Uint8Array(48));
    expect(toHex(none.resumptionBinderKey())).toBe(toHex(zeros.resumptionBinderKey()));
    expect(none.resumptionBinderKey().length).toBe(48);
  });

  it('uses the 0-value as (EC)DHE input for psk_ke (RFC 8446 §4.2.9)', () => {
    const h = testHash('sha256');
    const psk = new Uint8Array(32).fill(3);
    const pskKe = EarlySecret.create(h, psk).handshakeSecret(undefined);
    const zeros = EarlySecret.create(h, psk).handshakeSecret(new Uint8Array(32));
    const th = TH.subarray(0, 32);
    expect(toHex(pskKe.clientHandshakeTrafficSecret(th))).toBe(toHex(zeros.clientHandshakeTrafficSecret(th)));
  });

  it('derives ext binder and res binder keys from the early secret with Hash("") (RFC 8446 §4.2.11.2)', () => {
    const h = testHash('sha256');
    const psk = new Uint8Array(32).fill(9);
    const early = EarlySecret.create(h, psk);
    const earlySecret = h.hkdfExtract(new Uint8Array(32), psk);
    const emptyHash = h.digest(new Uint8Array(0));
    expect(toHex(early.externalBinderKey())).toBe(toHex(deriveSecret(h, earlySecret, 'ext binder', emptyHash)));
    expect(toHex(early.resumptionBinderKey())).toBe(toHex(deriveSecret(h, earlySecret, 'res binder', emptyHash)));
  });

  it('gives a different secret for every label of the diagram', () => {
    const h = testHash('sha384');
    const early = EarlySecret.create(h, new Uint8Array(48).fill(1));
    const hs = early.handshakeSecret(new Uint8Array(32).fill(2));
    const ms = hs.masterSecret();
    const all = [
      early.externalBinderKey(),
      early.resumptionBinderKey(),
      early.clientEarlyTrafficSecret(TH),
      early.earlyExporterMasterSecret(TH),
      hs.clientHandshakeTrafficSecret(TH),
      hs.serverHandshakeTrafficSecret(TH),
      ms.clientApplicationTrafficSecret0(TH),
      ms.serverApplicationTrafficSecret0(TH),
      ms.exporterMasterSecret(TH),
      ms.resumptionMasterSecret(TH),
    ].map(toHex);
    expect(new Set(all).size).toBe(all.length);
    for (const s of all) expect(s.length).toBe(96);
  });
});
