/**
 * Every handshake message of the RFC 8448 traces decodes and re-encodes byte-identically
 * (RFC 8448 §3-§7, RFC 8446 §4).
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/bytes/bytes.ts';
import { Reader } from '../../../src/codec/reader.ts';
import { clientHelloBindersLen } from '../../../src/messages/client-hello.ts';
import { findExtension } from '../../../src/messages/extensions/extensions.ts';
import { decodeHandshake, decodeHandshakeBody, encodeHandshake } from '../../../src/messages/handshake.ts';
import type { HandshakeMessage } from '../../../src/messages/handshake.ts';
import { HandshakeType } from '../../../src/protocol/registry.ts';
import { loadTrace, step, field } from '../../helpers/vectors.ts';
import type { TraceName, TraceStep } from '../../helpers/vectors.ts';

const TRACES: readonly TraceName[] = [
  '03-simple-1rtt',
  '04-resumed-0rtt',
  '05-hello-retry-request',
  '06-client-authentication',
  '07-compatibility-mode',
];

function decodeWhole(bytes: Uint8Array): HandshakeMessage {
  const r = new Reader(bytes, 'handshake');
  const m = decodeHandshake(r);
  r.end();
  return m;
}

/**
 * RFC 8448 §4 shows the resumed ClientHello as its 477-byte binder prefix (header length says 512
 * - 4); the complete message is the payload of the client's next handshake record. Returns the
 * complete message, checking that the shown bytes are its prefix.
 */
function completeMessage(all: readonly TraceStep[], s: TraceStep, bytes: Uint8Array): Uint8Array {
  const declared = (((bytes[1] as number) << 16) | ((bytes[2] as number) << 8) | (bytes[3] as number)) + 4;
  if (declared === bytes.length) return bytes;
  const next = all.slice(all.indexOf(s)).find((t) => t.actor === s.actor && t.action === 'send handshake record');
  if (!next) throw new Error('rfc8448: partial message without a following record');
  const full = field(next, 'payload').subarray(0, declared);
  expect(toHex(full.subarray(0, bytes.length))).toBe(toHex(bytes));
  return full;
}

describe('RFC 8448 handshake messages round-trip byte-identically (RFC 8446 §4)', () => {
  for (const name of TRACES) {
    const all = loadTrace(name);
    const steps = all.filter((s) => s.action.startsWith('construct a'));
    it(`${name}: has handshake messages`, () => {
      expect(steps.length).toBeGreaterThan(4);
    });
    steps.forEach((s, i) => {
      const label = [...s.fields.keys()][0] as string;
      it(`${name} #${i}: {${s.actor}} ${label} decodes and re-encodes identically`, () => {
        const bytes = completeMessage(all, s, field(s, label));
        const m = decodeWhole(bytes);
        expect(toHex(encodeHandshake(m))).toBe(toHex(bytes));
        // body-only entry point agrees
        expect(decodeHandshakeBody(bytes[0] as number, bytes.subarray(4))).toEqual(m);
      });
    });
  }

  it('05-hello-retry-request: the first ServerHello is a HelloRetryRequest with key_share_hrr and cookie (RFC 8446 §4.1.4)', () => {
    const steps = loadTrace('05-hello-retry-request');
    const hrr = decodeWhole(field(step(steps, 'server', 'construct a ServerHello handshake message', 0), 'ServerHello'));
    const sh = decodeWhole(field(step(steps, 'server', 'construct a ServerHello handshake message', 1), 'ServerHello'));
    if (hrr.type !== HandshakeType.server_hello || sh.type !== HandshakeType.server_hello) throw new Error('not ServerHello');
    expect(hrr.isHelloRetryRequest).toBe(true);
    expect(findExtension(hrr.extensions, 'key_share_hrr')?.selectedGroup).toBe(0x0017);
    expect(findExtension(hrr.extensions, 'cookie')?.cookie.length).toBeGreaterThan(0);
    expect(sh.isHelloRetryRequest).toBe(false);
    expect(findExtension(sh.extensions, 'key_share_server')?.serverShare.group).toBe(0x0017);
  });

  it('03-simple-1rtt: ClientHello fields decode to the RFC values (RFC 8448 §3)', () => {
    const ch = decodeWhole(field(step(loadTrace('03-simple-1rtt'), 'client', 'construct a ClientHello handshake message'), 'ClientHello'));
    if (ch.type !== HandshakeType.client_hello) throw new Error('not ClientHello');
    expect(ch.legacyVersion).toBe(0x0303);
    expect(ch.cipherSuites).toEqual([0x1301, 0x1303, 0x1302]);
    expect(findExtension(ch.extensions, 'server_name')?.hostName).toBe('server');
    expect(findExtension(ch.extensions, 'supported_versions_client')?.versions).toEqual([0x0304]);
    expect(findExtension(ch.extensions, 'key_share_client')?.clientShares[0]?.group).toBe(0x001d);
    expect(findExtension(ch.extensions, 'record_size_limit')?.recordSizeLimit).toBe(0x4001);
    expect(clientHelloBindersLen(field(step(loadTrace('03-simple-1rtt'), 'client', 'construct a ClientHello handshake message'), 'ClientHello').subarray(4))).toBe(0);
  });

  it('04-resumed-0rtt: binders length matches the RFC 8448 §4 partial ClientHello (RFC 8446 §4.2.11.2)', () => {
    const steps = loadTrace('04-resumed-0rtt');
    const prefix = field(step(steps, 'client', 'construct a ClientHello handshake message'), 'ClientHello');
    const bytes = field(step(steps, 'client', 'send handshake record'), 'payload');
    const ch = decodeWhole(bytes);
    if (ch.type !== HandshakeType.client_hello) throw new Error('not ClientHello');
    const psk = findExtension(ch.extensions, 'pre_shared_key_client');
    expect(psk?.identities.length).toBe(1);
    expect(psk?.binders[0]?.length).toBe(32);
    // RFC 8448 §4: the binder is computed over the first 477 bytes of the 512-byte ClientHello.
    expect(bytes.length).toBe(512);
    const cut = bytes.length - clientHelloBindersLen(bytes.subarray(4));
    expect(cut).toBe(477);
    expect(toHex(bytes.subarray(0, cut))).toBe(toHex(prefix));
  });
});
