/**
 * @module tools/log-sink
 * Where `puretls terminate` writes its JSON log lines (stdout). Logging must never take the proxy
 * down: when the output fails — EPIPE when the reader went away (`| head`, a log shipper that
 * restarts), ENOSPC on a full disk, EIO on a closed terminal — or does not keep up, lines are
 * dropped instead of throwing, blocking or piling up in memory. Every dropped line is counted
 * (`dropped`, the metric puretls_log_lines_dropped_total) and each episode is reported by one line
 * on stderr.
 *
 * Two kinds of output, told apart once by fstat:
 * - a regular file or a device (not a terminal): each line is written with write(2); a line that
 *   fails is dropped and the next one is tried, so logging resumes once the disk has room again
 *   (a line cut short by a full disk is ended with a newline first, so no JSON line is glued to it);
 * - a pipe, a socket or a terminal (process.stdout, non-blocking): lines are queued up to
 *   MAX_BUFFERED bytes, beyond which they are dropped until the reader catches up; a write error
 *   is final, since a pipe or socket whose reader is gone never comes back.
 */
import { fstatSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { isatty } from 'node:tty';

/** Bytes of log lines queued for a slow pipe or socket before lines are dropped. */
export const MAX_BUFFERED: number = 1024 * 1024;

/** A line-oriented output that never throws and never grows without bound. */
export interface LineSink {
  /** Writes one line (with its newline) or drops it. */
  write(line: string): void;
  /** Lines dropped so far. */
  readonly dropped: number;
}

/**
 * The sink for `stream` (normally process.stdout, file descriptor `fd`). `warn` receives the
 * one-line reports (normally written to stderr).
 */
export function lineSink(stream: Writable, fd: number, warn: (line: string) => void): LineSink {
  let direct = false;
  try {
    const stats = fstatSync(fd);
    direct = stats.isFile() || (stats.isCharacterDevice() && !isatty(fd));
  } catch {
    // fd is not open (a closed stdout): the stream sink reports the first write's failure
  }
  return direct ? new FileSink((bytes, offset) => writeSync(fd, bytes, offset), warn) : new StreamSink(stream, warn);
}

const NEWLINE = new Uint8Array([0x0a]);

/** Writes `bytes` from `offset` on; returns how many it wrote. @throws on an I/O error */
export type WriteFn = (bytes: Uint8Array, offset: number) => number;

/** A regular file or a device, written line by line (with write(2): `write`). */
export class FileSink implements LineSink {
  dropped = 0;
  readonly #write: WriteFn;
  readonly #warn: (line: string) => void;
  #failing = false;
  /** The last line was written in part: the next write starts with a newline. */
  #torn = false;

  constructor(write: WriteFn, warn: (line: string) => void) {
    this.#write = write;
    this.#warn = warn;
  }

  write(line: string): void {
    const bytes = Buffer.from(line);
    let done = 0;
    try {
      if (this.#torn) {
        if (this.#write(NEWLINE, 0) !== 1) throw new Error('short write');
        this.#torn = false;
      }
      while (done < bytes.length) done += this.#write(bytes, done);
    } catch (e) {
      if (done > 0) this.#torn = true;
      this.dropped++;
      if (!this.#failing) {
        this.#failing = true;
        this.#warn(`log output failed (${errorText(e)}): dropping log lines, counted in puretls_log_lines_dropped_total, until it works again`);
      }
      return;
    }
    if (this.#failing) {
      this.#failing = false;
      this.#warn(`log output works again (${this.dropped} log lines dropped so far)`);
    }
  }
}

/** A pipe, socket or terminal behind a non-blocking node stream. */
export class StreamSink implements LineSink {
  dropped = 0;
  readonly #stream: Writable;
  readonly #warn: (line: string) => void;
  #failed = false;
  #behind = false;

  constructor(stream: Writable, warn: (line: string) => void) {
    this.#stream = stream;
    this.#warn = warn;
    // An 'error' event without a listener would end the process.
    stream.on('error', (e: Error) => this.#fail(e));
  }

  write(line: string): void {
    if (this.#failed || this.#stream.destroyed) {
      this.dropped++;
      return;
    }
    if (this.#stream.writableLength > MAX_BUFFERED) {
      this.dropped++;
      if (!this.#behind) {
        this.#behind = true;
        this.#warn(`log output is not keeping up (${this.#stream.writableLength} bytes waiting): dropping log lines, counted in puretls_log_lines_dropped_total, until it catches up`);
      }
      return;
    }
    if (this.#behind) {
      this.#behind = false;
      this.#warn(`log output caught up (${this.dropped} log lines dropped so far)`);
    }
    this.#stream.write(line, (err) => {
      if (!err) return;
      this.dropped++;
      this.#fail(err);
    });
  }

  #fail(e: Error): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#warn(`log output failed (${errorText(e)}): dropping every further log line, counted in puretls_log_lines_dropped_total`);
  }
}

function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
}
