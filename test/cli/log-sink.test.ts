import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FileSink, MAX_BUFFERED, StreamSink } from '../../src/tools/log-sink.ts';

// The log output of `puretls terminate` (src/tools/log-sink.ts): drops instead of throwing,
// blocking or buffering without bound; counts; reports each episode once.

function enospc(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

describe('FileSink (a regular file or device, write(2) per line)', () => {
  it('drops lines while writes fail, reports once, resumes when the disk has room, and ends a torn line first', () => {
    const file: string[] = [];
    let room = Infinity;
    const write = (bytes: Uint8Array, offset: number): number => {
      if (room <= 0) throw enospc();
      const n = Math.min(room, bytes.length - offset);
      file.push(Buffer.from(bytes.subarray(offset, offset + n)).toString());
      room -= n;
      return n;
    };
    const warnings: string[] = [];
    const sink = new FileSink(write, (l) => warnings.push(l));
    sink.write('{"a":1}\n');
    room = 4; // the disk fills up in the middle of the next line
    sink.write('{"b":2}\n');
    sink.write('{"c":3}\n');
    expect(sink.dropped).toBe(2);
    expect(warnings).toEqual(['log output failed (ENOSPC: no space left on device, write): dropping log lines, counted in puretls_log_lines_dropped_total, until it works again']);
    room = Infinity;
    sink.write('{"d":4}\n');
    expect(file.join('')).toBe('{"a":1}\n{"b"\n{"d":4}\n');
    expect(warnings[1]).toBe('log output works again (2 log lines dropped so far)');
    expect(sink.dropped).toBe(2);
  });
});

describe('StreamSink (a pipe, socket or terminal)', () => {
  it('a write error is final: no exception, one report, every later line dropped and counted', async () => {
    const broken = new Writable({
      write(_chunk, _enc, cb): void {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const warnings: string[] = [];
    const sink = new StreamSink(broken, (l) => warnings.push(l));
    sink.write('one\n');
    await new Promise((r) => setImmediate(r));
    sink.write('two\n');
    sink.write('three\n');
    expect(sink.dropped).toBe(3);
    expect(warnings).toEqual(['log output failed (write EPIPE): dropping every further log line, counted in puretls_log_lines_dropped_total']);
  });

  it(`a reader that does not keep up: lines beyond ${MAX_BUFFERED} queued bytes are dropped, then writing resumes once it caught up`, async () => {
    const pending: Array<() => void> = [];
    const slow = new Writable({
      highWaterMark: 16,
      write(_chunk, _enc, cb): void {
        pending.push(cb); // the reader takes nothing until released
      },
    });
    const warnings: string[] = [];
    const sink = new StreamSink(slow, (l) => warnings.push(l));
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < 1100; i++) sink.write(line);
    expect(slow.writableLength).toBeLessThanOrEqual(MAX_BUFFERED + line.length);
    expect(sink.dropped).toBe(1100 - (MAX_BUFFERED / line.length + 1));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^log output is not keeping up \(\d+ bytes waiting\): dropping log lines/);
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    sink.write('after\n');
    expect(warnings[1]).toBe(`log output caught up (${sink.dropped} log lines dropped so far)`);
    expect(sink.dropped).toBe(1100 - 1025);
  });
});
