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

/** A pool of signing threads; `signer` is the adapter's option. */
export class SignerPool {
  readonly #workers: { readonly worker: Worker; pending: number }[];
  readonly #waiting = new Map<number, { resolve: (sig: Uint8Array) => void; reject: (e: Error) => void }>();
  /** Leaf certificate (hex DER) → index of its key pair. */
  readonly #keyIndex = new Map<string, number>();
  #nextId = 0;

  /** Starts `count` threads, each given `pairs` (PEM strings, passphrase) and the provider's name. */
  constructor(count: number, pairs: readonly KeyCertPair[], provider: ProviderOption, passphrase: string | undefined) {
    pairs.forEach((p, i) => this.#keyIndex.set(toHex(parseCertificateChain(p.cert as string)[0]!), i));
    const setup: WorkerSetup = {
      pairs: pairs.map((p) => ({ cert: p.cert as string, key: p.key as string, passphrase: p.passphrase ?? passphrase })),
      provider: typeof provider === 'string' ? provider : 'node',
    };
    this.#workers = Array.from({ length: count }, () => {
      const worker = startWorker(setup);
      worker.on('message', (m: SignResponse) => this.#answer(m));
      worker.on('error', (e) => this.#failAll(e));
      return { worker, pending: 0 };
    });
  }

  /** The adapter's `signer`: the least busy thread signs. */
  readonly signer: CertificateSigner = ({ certificate, scheme, content }) => {
    const key = this.#keyIndex.get(toHex(certificate.chain[0] ?? new Uint8Array(0)));
    if (key === undefined) return Promise.reject(new Error('sign workers: no key for this certificate'));
    const slot = this.#workers.reduce((a, b) => (b.pending < a.pending ? b : a));
    const id = this.#nextId++;
    slot.pending++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#waiting.set(id, {
        resolve: (sig) => {
          slot.pending--;
          resolve(sig);
        },
        reject: (e) => {
          slot.pending--;
          reject(e);
        },
      });
      const request: SignRequest = { id, key, scheme, content };
      slot.worker.postMessage(request);
    });
  };

  /** Stops the threads; signatures still pending fail (their handshakes with internal_error). */
  async close(): Promise<void> {
    this.#failAll(new Error('sign workers stopped'));
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
  }

  #answer(m: SignResponse): void {
    const w = this.#waiting.get(m.id);
    if (w === undefined) return;
    this.#waiting.delete(m.id);
    if (m.signature !== undefined) w.resolve(m.signature);
    else w.reject(new Error(`sign worker: ${m.error ?? 'failed'}`));
  }

  #failAll(e: Error): void {
    for (const [id, w] of this.#waiting) {
      this.#waiting.delete(id);
      w.reject(e);
    }
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
