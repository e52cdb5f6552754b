/**
 * @module test/node/fake-connection
 * A plaintext stand-in for the sans-I/O `Connection` (no cryptography), so that the adapter's
 * stream logic (flow control, half-close, failure path) is tested apart from the engine.
 * Wire format: 'H' = hello; 'D' u32 len data = application data; 'C' = close_notify; 'A' = alert;
 * 'P' = ping, answered by PONG_LEN bytes of output (engine output made by what it reads, like a
 * handshake flight).
 */
import { TlsError } from '../../src/errors.ts';
import type { ConnectionEvent, Negotiated } from '../../src/connection/events.ts';
import { AlertDescription } from '../../src/protocol/registry.ts';

export class FakeConnection {
  isHandshakeDone = false;
  peerClosed = false;
  error: TlsError | undefined;
  negotiated: Negotiated | undefined;
  private out: Uint8Array[] = [];
  private inBuf = new Uint8Array(0);
  private reads: Uint8Array[] = [];
  private events: ConnectionEvent[] = [];
  private queued: Uint8Array[] = [];
  private closed = false;
  receiveCalls = 0;
  writeCalls = 0;
  pings = 0;
  maxBuffered = 0;

  constructor() {
    this.out.push(Uint8Array.of(0x48));
  }
  get bufferedPlaintextLen(): number {
    return this.reads.reduce((a, r) => a + r.length, 0);
  }
  receive(bytes: Uint8Array): void {
    if (this.error) throw this.error;
    this.receiveCalls++;
    const b = new Uint8Array(this.inBuf.length + bytes.length);
    b.set(this.inBuf);
    b.set(bytes, this.inBuf.length);
    let off = 0;
    for (;;) {
      if (off >= b.length) break;
      const t = b[off]!;
      if (t === 0x48) {
        off += 1;
        this.isHandshakeDone = true;
        this.negotiated = NEGOTIATED;
        this.events.push({ kind: 'handshakeDone', negotiated: NEGOTIATED });
        for (const q of this.queued) this.out.push(frame(q));
        this.queued = [];
      } else if (t === 0x44) {
        if (b.length - off < 5) break;
        const len = new DataView(b.buffer, b.byteOffset + off + 1, 4).getUint32(0);
        if (b.length - off < 5 + len) break;
        this.reads.push(b.slice(off + 5, off + 5 + len));
        off += 5 + len;
      } else if (t === 0x50) {
        off += 1;
        this.pings++;
        this.out.push(new Uint8Array(PONG_LEN).fill(0x70));
      } else if (t === 0x43) {
        off += 1;
        this.peerClosed = true;
        this.events.push({ kind: 'peerClosed' });
      } else {
        this.error = new TlsError(AlertDescription.decode_error, 'fake: bad byte');
        this.out.push(Uint8Array.of(0x41));
        throw this.error;
      }
    }
    this.inBuf = b.slice(off);
    this.maxBuffered = Math.max(this.maxBuffered, this.bufferedPlaintextLen);
  }
  takeOutput(): Uint8Array {
    const total = this.out.reduce((a, r) => a + r.length, 0);
    const o = new Uint8Array(total);
    let p = 0;
    for (const r of this.out) {
      o.set(r, p);
      p += r.length;
    }
    this.out = [];
    return o;
  }
  takeOutputChunks(): Uint8Array[] {
    const o = this.out;
    this.out = [];
    return o;
  }
  write(data: Uint8Array): void {
    if (this.closed || this.error) throw new Error('fake: closed');
    this.writeCalls++;
    if (this.isHandshakeDone) this.out.push(frame(data));
    else this.queued.push(data);
  }
  read(): Uint8Array | undefined {
    return this.reads.shift();
  }
  poll(): ConnectionEvent | undefined {
    return this.events.shift();
  }
  close(): void {
    this.closed = true;
    this.out.push(Uint8Array.of(0x43));
  }
  exportKeyingMaterial(): Uint8Array {
    return new Uint8Array(0);
  }
}

/** Output bytes per 'P' received. */
export const PONG_LEN = 64;

function frame(d: Uint8Array): Uint8Array {
  const f = new Uint8Array(5 + d.length);
  f[0] = 0x44;
  new DataView(f.buffer).setUint32(1, d.length);
  f.set(d, 5);
  return f;
}

const NEGOTIATED: Negotiated = {
  version: 'TLSv1.3',
  cipherSuite: 'TLS_AES_128_GCM_SHA256',
  cipherSuiteId: 0x1301,
  group: 'x25519',
  groupId: 0x1d,
  signatureScheme: 'ecdsa_secp256r1_sha256',
  signatureSchemeId: 0x0403,
  alpnProtocol: 'h2',
  serverName: 'example.com',
  didRetry: false,
  isResumed: false,
  peerCertificates: [],
};
