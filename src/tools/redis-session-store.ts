/**
 * @module tools/redis-session-store
 * A `RemoteSessionStore` (src/session/store.ts) on Redis, for a fleet of `terminate` processes
 * and machines sharing stateful resumption and 0-RTT: each session is stored with its ticket
 * lifetime as expiry (`SET key state EX lifetime`), and taken with one atomic `GETDEL`, so of all
 * the servers offered one ticket (or one replayed 0-RTT ClientHello) exactly one gets its state
 * (RFC 8446 §8.1, single-use tickets). When Redis is slow or down a take resolves "none" (a
 * timeout, or a command refused while the client reconnects): the handshake is a full one, never
 * a replay. Every outcome is reported (`terminate`'s metric puretls_session_store_operations_total).
 *
 * Loaded only by `terminate --session-store redis://...`, with a dynamic import: library users
 * never load @redis/client.
 */
import { createClient } from '@redis/client';
import { toHex } from '../bytes/bytes.ts';
import type { RemoteSessionStore } from '../session/store.ts';

/** What one operation came to: put (stored, error), take (hit, miss, error, timeout). */
export type StoreOutcome = 'stored' | 'hit' | 'miss' | 'error' | 'timeout';

export interface RedisSessionStoreOptions {
  /** `redis://HOST:PORT[/DB]`. */
  readonly url: string;
  /** Milliseconds a take may wait for Redis before the handshake goes on without the session. */
  readonly takeTimeoutMs?: number;
  /** Called for every put and take with its outcome. */
  readonly report?: (op: 'put' | 'take', outcome: StoreOutcome) => void;
  /** Called when the connection to Redis fails or comes back (for the log). */
  readonly onConnection?: (event: 'down' | 'up', error?: Error) => void;
}

/** Sessions in Redis under `puretls:session:<hex id>`, base64 values (see the module comment). */
export class RedisSessionStore implements RemoteSessionStore {
  readonly #client;
  readonly #takeTimeoutMs: number;
  readonly #report: NonNullable<RedisSessionStoreOptions['report']>;

  /**
   * Starts connecting in the background and returns at once: a Redis that is down at start only
   * means full handshakes until it is up (the client reconnects on its own).
   */
  constructor(options: RedisSessionStoreOptions) {
    this.#takeTimeoutMs = options.takeTimeoutMs ?? DEFAULT_TAKE_TIMEOUT_MS;
    this.#report = options.report ?? (() => {});
    const onConnection = options.onConnection ?? (() => {});
    let down = false;
    this.#client = createClient({
      url: options.url,
      // Refuse commands while reconnecting instead of queuing them: a take must not wait for Redis.
      disableOfflineQueue: true,
      socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: (retries: number) => Math.min(100 * (retries + 1), MAX_RECONNECT_DELAY_MS) },
    });
    this.#client.on('error', (e: unknown) => {
      if (down) return;
      down = true;
      onConnection('down', e instanceof Error ? e : new Error(String(e)));
    });
    this.#client.on('ready', () => {
      if (!down) return;
      down = false;
      onConnection('up');
    });
    // connect() rejects only when it gives up, which the reconnect strategy never does.
    this.#client.connect().catch(() => {});
  }

  put(id: Uint8Array, state: Uint8Array, lifetimeSeconds: number): void {
    this.#client
      .set(keyOf(id), Buffer.from(state).toString('base64'), { expiration: { type: 'EX', value: lifetimeSeconds } })
      .then(
        () => this.#report('put', 'stored'),
        () => this.#report('put', 'error'),
      );
  }

  takeRemote(id: Uint8Array): Promise<Uint8Array | undefined> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: StoreOutcome, state: Uint8Array | undefined): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#report('take', outcome);
        resolve(state);
      };
      // Too slow: a full handshake. If the GETDEL still lands, that session is gone unused: safe.
      const timer = setTimeout(() => settle('timeout', undefined), this.#takeTimeoutMs);
      // GETDEL: read and delete in one atomic step (Redis >= 6.2).
      this.#client.getDel(keyOf(id)).then(
        (value) => settle(value === null ? 'miss' : 'hit', value === null ? undefined : new Uint8Array(Buffer.from(String(value), 'base64'))),
        () => settle('error', undefined),
      );
    });
  }

  /** Closes the connection (pending commands are refused). */
  async close(): Promise<void> {
    this.#client.destroy();
  }
}

function keyOf(id: Uint8Array): string {
  return `puretls:session:${toHex(id)}`;
}

const DEFAULT_TAKE_TIMEOUT_MS = 250;
const CONNECT_TIMEOUT_MS = 1000;
const MAX_RECONNECT_DELAY_MS = 2000;
