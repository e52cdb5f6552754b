/**
 * RFC 8448 §3 (simple 1-RTT): every protected record of the trace is reproduced by
 * RecordProtection.seal from its payload and the trace's traffic keys, at the right sequence
 * number under the right key, and opens back to the payload (RFC 8446 §5.2-5.3).
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/bytes/bytes.ts';
import { TLS_AES_128_GCM_SHA256 } from '../../src/crypto/suites.ts';
import { AlertDescription, ContentType } from '../../src/protocol/registry.ts';
import { Deframer, type RawRecord } from '../../src/record/deframer.ts';
import { RecordProtection } from '../../src/record/protection.ts';
import { field, loadTrace, step, type TraceStep } from '../helpers/vectors.ts';
import { expectAlert } from '../unit/record/_alert.ts';
import { PROVIDERS } from '../helpers/providers.ts';

const steps = loadTrace('03-simple-1rtt');

function keysOf(s: TraceStep): { key: Uint8Array; iv: Uint8Array } {
  return { key: field(s, 'key expanded'), iv: field(s, 'iv expanded') };
}

// The four write keys of the trace. The client's handshake write key is what the server derives
// as its read key for handshake data (the client step only says "same as server").
const serverHs = keysOf(step(steps, 'server', 'derive write traffic keys for handshake data'));
const clientHs = keysOf(step(steps, 'server', 'derive read traffic keys for handshake data'));
const serverAp = keysOf(step(steps, 'server', 'derive write traffic keys for application data'));
const clientAp = keysOf(step(steps, 'client', 'derive write traffic keys for application data'));

interface Case {
  readonly name: string;
  readonly keys: { key: Uint8Array; iv: Uint8Array };
  /** RFC 8446 §5.3: sequence numbers restart at 0 under every new key. */
  readonly seq: number;
  readonly contentType: number;
  readonly step: TraceStep;
}

// The protected records in wire order per direction and key.
const cases: readonly Case[] = [
  // server handshake key: EE ‖ Certificate ‖ CertificateVerify ‖ Finished in one record
  { name: 'server handshake flight', keys: serverHs, seq: 0, contentType: ContentType.handshake, step: step(steps, 'server', 'send handshake record', 1) },
  // client handshake key: client Finished
  { name: 'client Finished', keys: clientHs, seq: 0, contentType: ContentType.handshake, step: step(steps, 'client', 'send handshake record', 1) },
  // server application key: NewSessionTicket (0), application data (1), alert (2)
  { name: 'server NewSessionTicket', keys: serverAp, seq: 0, contentType: ContentType.handshake, step: step(steps, 'server', 'send handshake record', 2) },
  { name: 'server application data', keys: serverAp, seq: 1, contentType: ContentType.application_data, step: step(steps, 'server', 'send application_data record') },
  { name: 'server close_notify', keys: serverAp, seq: 2, contentType: ContentType.alert, step: step(steps, 'server', 'send alert record') },
  // client application key: application data (0), alert (1)
  { name: 'client application data', keys: clientAp, seq: 0, contentType: ContentType.application_data, step: step(steps, 'client', 'send application_data record') },
  { name: 'client close_notify', keys: clientAp, seq: 1, contentType: ContentType.alert, step: step(steps, 'client', 'send alert record') },
];

describe.each(PROVIDERS)('RFC 8448 §3 protected records ($name)', (provider) => {
  /** A RecordProtection advanced to `seq` by sealing throw-away records. */
  function at(keys: Case['keys'], seq: number): RecordProtection {
    const p = new RecordProtection(provider, TLS_AES_128_GCM_SHA256, keys);
    while (p.sequenceNumber < seq) p.seal(ContentType.application_data, new Uint8Array(1));
    return p;
  }

  it.each(cases)('seals $name to the trace record at seq $seq (RFC 8446 §5.2, §5.3)', (c) => {
    const payload = field(c.step, 'payload');
    const complete = field(c.step, 'complete record');
    const sealer = at(c.keys, c.seq);
    expect(toHex(sealer.seal(c.contentType, payload))).toBe(toHex(complete));
    expect(sealer.sequenceNumber).toBe(c.seq + 1);
  });

  it.each(cases)('opens the trace record of $name back to its payload and type (RFC 8446 §5.2, §5.4)', (c) => {
    const d = new Deframer();
    d.push(field(c.step, 'complete record'));
    const rec = d.next();
    if (!rec) throw new Error('deframer returned no record');
    const opener = new RecordProtection(provider, TLS_AES_128_GCM_SHA256, c.keys);
    // Advance the opener through records sealed under the same key at lower sequence numbers.
    const sealer = new RecordProtection(provider, TLS_AES_128_GCM_SHA256, c.keys);
    while (sealer.sequenceNumber < c.seq) {
      const dd = new Deframer();
      dd.push(sealer.seal(ContentType.application_data, new Uint8Array(1)));
      opener.open(dd.next() as RawRecord);
    }
    const out = opener.open(rec);
    expect(out.contentType).toBe(c.contentType);
    expect(toHex(out.plaintext)).toBe(toHex(field(c.step, 'payload')));
    expect(opener.sequenceNumber).toBe(c.seq + 1);
  });

  it('a trace record opened at the wrong sequence number fails with bad_record_mac (RFC 8446 §5.3)', () => {
    const c = cases[3] as Case; // server application data, seq 1
    const d = new Deframer();
    d.push(field(c.step, 'complete record'));
    const opener = new RecordProtection(provider, TLS_AES_128_GCM_SHA256, c.keys);
    expectAlert(() => opener.open(d.next() as RawRecord), AlertDescription.bad_record_mac);
    expect(opener.sequenceNumber).toBe(0);
  });
});
