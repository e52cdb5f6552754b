/**
 * Shared set-up for the RFC 8448 whole-run replays: the trace's RSA key and certificate, the
 * PSS salt recovered from the trace's signature (RFC 8017 §9.1.2), and the records in order.
 */
import { concat } from '../../src/bytes/bytes.ts';
import type { PrivateKey, RandomSource } from '../../src/crypto/provider.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { i2osp, os2ip } from '../../src/crypto/rsa/bigint.ts';
import { emsaPssDecode } from '../../src/crypto/rsa/pss.ts';
import { publicNumbers, rsavp1 } from '../../src/crypto/rsa/public.ts';
import { decodeHandshakeBody } from '../../src/messages/handshake.ts';
import type { Certificate } from '../../src/messages/certificate.ts';
import type { CertificateVerify } from '../../src/messages/certificate-verify.ts';
import { certificateVerifyContent } from '../../src/handshake/common/signature-content.ts';
import { field, loadTrace, step, type TraceName, type TraceStep } from '../helpers/vectors.ts';

export interface Trace {
  readonly steps: TraceStep[];
  /** `complete record` of the nth `send <kind> record` step of `actor`. */
  record(actor: 'client' | 'server', kind: 'handshake' | 'application_data' | 'alert', nth?: number): Uint8Array;
  /** A `construct a <Name> handshake message` field. */
  message(actor: 'client' | 'server', name: string, nth?: number): Uint8Array;
  /** Private key of the nth `create an ephemeral <group> key pair` step. */
  ephemeralKey(actor: 'client' | 'server', group: 'x25519' | 'P-256', nth?: number): Uint8Array;
}

export function trace(name: TraceName): Trace {
  const steps = loadTrace(name);
  return {
    steps,
    record: (actor, kind, nth = 0) => field(step(steps, actor, `send ${kind} record`, nth), 'complete record'),
    message: (actor, name, nth = 0) => {
      const article = /^[AEIOU]/.test(name) ? 'an' : 'a';
      return field(step(steps, actor, `construct ${article} ${name} handshake message`, nth), name);
    },
    ephemeralKey: (actor, group, nth = 0) => field(step(steps, actor, `create an ephemeral ${group} key pair`, nth), 'private key'),
  };
}


/** The server certificate the trace sends. */
export function rfc8448Certificate(t: Trace): Uint8Array {
  const raw = t.message('server', 'Certificate');
  const msg = decodeHandshakeBody(raw[0] as number, raw.subarray(4)) as Certificate;
  const der = msg.certificateList[0]?.certData;
  if (!der) throw new Error('rfc8448: no certificate');
  return der;
}

/**
 * The RSA-PSS salt the trace's server used, recovered from its CertificateVerify: the signed
 * content is rebuilt from the trace's transcript (ClientHello..Certificate, or with the HRR
 * message_hash for §5), then EMSA-PSS-VERIFY returns the salt.
 */
export function recoverPssSalt(key: PrivateKey, transcriptMessages: readonly Uint8Array[], cvRaw: Uint8Array): Uint8Array {
  if (key.type !== 'rsa') throw new Error('rfc8448: not RSA');
  const cv = decodeHandshakeBody(cvRaw[0] as number, cvRaw.subarray(4)) as CertificateVerify;
  const hash = nobleProvider.hash('sha256');
  const content = certificateVerifyContent('server', hash.digest(concat(...transcriptMessages)));
  const pub = publicNumbers(key);
  if (!pub) throw new Error('rfc8448: bad key');
  const m = rsavp1(pub, os2ip(cv.signature));
  if (m === undefined) throw new Error('rfc8448: bad signature');
  const em = i2osp(m, Math.ceil((pub.modBits - 1) / 8));
  const salt = em && emsaPssDecode(hash, content, em, pub.modBits - 1, 32);
  if (!salt) throw new Error('rfc8448: could not recover the PSS salt');
  return salt;
}

/** A random source that hands out `chunks` in order, checking each length. */
export function replayRandom(...chunks: readonly Uint8Array[]): RandomSource {
  const queue = [...chunks];
  return (len) => {
    const next = queue.shift();
    if (!next || next.length !== len) throw new Error(`rfc8448: unexpected random draw of ${len} bytes`);
    return next.slice();
  };
}

/** ServerHello.random from an encoded ServerHello (after the 4-byte header and legacy_version). */
export function serverHelloRandom(raw: Uint8Array): Uint8Array {
  return raw.slice(6, 38);
}

/** The trace's date: certificates are checked at this instant (the RFC was published in 2019). */
export const TRACE_NOW: number = Date.UTC(2018, 6, 1);
