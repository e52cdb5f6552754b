/**
 * @module tools/sign-workers
 * `terminate --sign-workers N`: the CertificateVerify signatures (RFC 8446 §4.4.3) made on N
 * worker threads instead of the event loop, through the adapter's `signer` option (the engine's
 * `needSignature` question, docs/05 "Asynchronous decisions"). Each worker parses the same key
 * files and signs with the configured provider; a request names its key by the leaf certificate.
 * What runs on the event loop meanwhile: other connections' handshakes and data.
 */
import { Worker } from 'node:worker_threads';
import { toHex } from '../bytes/bytes.ts';
import type { CertificateSigner } from '../node/decisions.ts';
import type { KeyCertPair, ProviderOption } from '../node/options.ts';
import { parseCertificateChain } from '../x509/certificate.ts';
import type { SignRequest, SignResponse, WorkerSetup } from './sign-worker.ts';

/**
 * A thread that dies before answering anything this many times in a row is not started again
 * (a thread that cannot even boot would otherwise be restarted forever).
 */
const MAX_FAILED_STARTS = 3;

/** One place in the pool: its current thread and the requests that thread owes an answer. */
interface Slot {
  worker: Worker | undefined;
  readonly pending: Set<number>;
  /** Threads of this slot that died in a row without answering a request. */
  failedStarts: number;
  answered: boolean;
}

/**
 * A pool of signing threads; `signer` is the adapter's option. A thread that dies (an uncaught
 * error, killed, out of memory) is replaced at once and the requests it owed fail at once (their
 * handshakes end with internal_error), instead of waiting for the handshake timeout.
 */
export class SignerPool {
  readonly #slots: Slot[];
  readonly #setup: WorkerSetup;
  readonly #waiting = new Map<number, { resolve: (sig: Uint8Array) => void; reject: (e: Error) => void }>();
  /** Leaf certificate (hex DER) → index of its key pair. */
  readonly #keyIndex = new Map<string, number>();
  #nextId = 0;
  #closed = false;

  /** Starts `count` threads, each given `pairs` (PEM strings, passphrase) and the provider's name. */
  constructor(count: number, pairs: readonly KeyCertPair[], provider: ProviderOption, passphrase: string | undefined) {
    pairs.forEach((p, i) => this.#keyIndex.set(toHex(parseCertificateChain(p.cert as string)[0]!), i));
    this.#setup = {
      pairs: pairs.map((p) => ({ cert: p.cert as string, key: p.key as string, passphrase: p.passphrase ?? passphrase })),
      provider: typeof provider === 'string' ? provider : 'node',
    };
    this.#slots = Array.from({ length: count }, () => {
      const slot: Slot = { worker: undefined, pending: new Set(), failedStarts: 0, answered: false };
      this.#start(slot);
      return slot;
    });
  }

  /** The adapter's `signer`: the least busy thread signs. */
  readonly signer: CertificateSigner = ({ certificate, scheme, content }) => {
    const key = this.#keyIndex.get(toHex(certificate.chain[0] ?? new Uint8Array(0)));
    if (key === undefined) return Promise.reject(new Error('sign workers: no key for this certificate'));
    const live = this.#slots.filter((s) => s.worker !== undefined);
    if (live.length === 0) return Promise.reject(new Error(this.#closed ? 'sign workers stopped' : 'sign workers: every thread failed to start'));
    const slot = live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.#nextId++;
    slot.pending.add(id);
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      const request: SignRequest = { id, key, scheme, content };
      slot.worker!.postMessage(request);
    });
  };

  /** The threads now in the pool (diagnostics and tests). */
  threads(): Worker[] {
    return this.#slots.flatMap((s) => (s.worker === undefined ? [] : [s.worker]));
  }

  /** Stops the threads; signatures still pending fail (their handshakes with internal_error). */
  async close(): Promise<void> {
    this.#closed = true;
    const workers = this.threads();
    for (const slot of this.#slots) {
      slot.worker = undefined;
      this.#failPending(slot, new Error('sign workers stopped'));
    }
    await Promise.all(workers.map((w) => w.terminate()));
  }

  #start(slot: Slot): void {
    const worker = startWorker(this.#setup);
    slot.worker = worker;
    slot.answered = false;
    worker.on('message', (m: SignResponse) => {
      slot.pending.delete(m.id);
      slot.answered = true;
      slot.failedStarts = 0;
      this.#answer(m);
    });
    // 'error' (an uncaught exception in the thread) is followed by 'exit'; either ends it.
    worker.on('error', (e) => this.#died(slot, worker, e));
    worker.on('exit', (code) => this.#died(slot, worker, new Error(`sign worker exited (${code})`)));
  }

  /** A thread ended: what it owed fails now, and the slot gets a new thread. */
  #died(slot: Slot, worker: Worker, e: Error): void {
    if (slot.worker !== worker) return; // already handled (error then exit), or the pool was closed
    slot.worker = undefined;
    this.#failPending(slot, new Error(`sign worker died: ${e.message}`));
    if (!slot.answered) slot.failedStarts++;
    if (!this.#closed && slot.failedStarts < MAX_FAILED_STARTS) this.#start(slot);
  }

  #answer(m: SignResponse): void {
    const w = this.#waiting.get(m.id);
    if (w === undefined) return;
    this.#waiting.delete(m.id);
    if (m.signature !== undefined) w.resolve(m.signature);
    else w.reject(new Error(`sign worker: ${m.error ?? 'failed'}`));
  }

  #failPending(slot: Slot, e: Error): void {
    for (const id of slot.pending) {
      const w = this.#waiting.get(id);
      this.#waiting.delete(id);
      w?.reject(e);
    }
    slot.pending.clear();
  }
}

/**
 * One signing thread. From source (tsx), the thread registers the TypeScript loader first: Node 20
 * does not pass the parent's --import hooks to worker threads.
 */
function startWorker(setup: WorkerSetup): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./sign-worker.js', import.meta.url), { workerData: setup });
  const entry = new URL('./sign-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry)}))`;
  return new Worker(boot, { eval: true, workerData: setup });
}
