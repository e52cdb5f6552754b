/**
 * @module tools/sign-worker
 * One signing thread of `terminate --sign-workers` (tools/sign-workers.ts): parses the key pairs
 * once, then answers each request with the signature of its content (RFC 8446 §4.4.3) by the
 * configured provider, or the error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { resolveProvider } from '../node/options.ts';
import { certifiedKey } from '../x509/certified-key.ts';

/** What a thread is started with. */
export interface WorkerSetup {
  readonly pairs: readonly { readonly cert: string; readonly key: string; readonly passphrase: string | undefined }[];
  readonly provider: 'node' | 'pure';
}
export interface SignRequest {
  readonly id: number;
  /** Index into `WorkerSetup.pairs`. */
  readonly key: number;
  readonly scheme: number;
  readonly content: Uint8Array;
}
export interface SignResponse {
  readonly id: number;
  readonly signature?: Uint8Array;
  readonly error?: string;
}

if (parentPort !== null) {
  const port = parentPort;
  const setup = workerData as WorkerSetup;
  const provider = resolveProvider(setup.provider);
  const keys = setup.pairs.map((p) => certifiedKey(provider, p.cert, p.key, p.passphrase === undefined ? {} : { passphrase: p.passphrase }).key);
  port.on('message', (r: SignRequest) => {
    let answer: SignResponse;
    try {
      const key = keys[r.key];
      if (key === undefined) throw new Error(`no key ${r.key}`);
      answer = { id: r.id, signature: key.sign(r.scheme, r.content, provider.randomBytes) };
    } catch (e) {
      answer = { id: r.id, error: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(answer);
  });
}
