/**
 * @module test/fuzz/targets/deframer
 * Fuzz target: the record deframer (RFC 8446 §5.1) must give the same records and the same error
 * whatever the split of its input. The first byte picks the chunk sizes; the rest is the stream.
 */
import { equalBytes } from '../../../src/bytes/bytes.ts';
import { TlsError } from '../../../src/errors.ts';
import { Deframer } from '../../../src/record/deframer.ts';
import { expectOnlyTlsErrors } from './setup.ts';

interface Outcome {
  records: { type: number; version: number; fragment: Uint8Array }[];
  alert: number | undefined;
}

export function fuzz(data: Uint8Array): void {
  if (data.length === 0) return;
  const seed = data[0] as number;
  const stream = data.subarray(1);
  const whole = run([stream]);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; at < stream.length; i++) {
    const size = 1 + ((seed * (i + 1) * 31) % 23);
    chunks.push(stream.subarray(at, at + size));
    at += size;
  }
  const split = run(chunks);
  if (whole.alert !== split.alert) throw new Error(`deframer: error differs (${whole.alert} vs ${split.alert})`);
  if (whole.records.length !== split.records.length) throw new Error('deframer: record count differs');
  whole.records.forEach((a, i) => {
    const b = split.records[i]!;
    if (a.type !== b.type || a.version !== b.version || !equalBytes(a.fragment, b.fragment)) {
      throw new Error(`deframer: record ${i} differs`);
    }
  });
}

function run(chunks: readonly Uint8Array[]): Outcome {
  const d = new Deframer();
  const out: Outcome = { records: [], alert: undefined };
  expectOnlyTlsErrors(() => {
    try {
      for (const c of chunks) {
        d.push(c);
        for (let r = d.next(); r !== undefined; r = d.next()) {
          out.records.push({ type: r.contentType, version: r.legacyRecordVersion, fragment: r.fragment.slice() });
        }
      }
    } catch (e) {
      if (e instanceof TlsError) out.alert = e.alert;
      throw e;
    }
  });
  return out;
}
