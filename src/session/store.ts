/**
 * @module store
 * Stateful resumption (issue 4): a `SessionStore` keeps each session's state on the server and
 * the ticket is only an opaque random identifier. `take` removes the entry as it returns it, so a
 * ticket can be used once: that is what makes 0-RTT safe against replay (RFC 8446 §8.1
 * "single-use tickets"). The default store is an in-memory LRU bounded by entry count. A store on
 * the network (`RemoteSessionStore`, e.g. Redis) answers `take` later: the engine then pauses
 * and asks for each session with a `needSession` event (docs/05-sans-io-api.md, "Asynchronous
 * decisions").
 */

/** Server-side session storage. Implementations must bound their size. */
export interface SessionStore {
  /**
   * Stores `state` under `id`, replacing any entry with that id. `lifetimeSeconds` is the
   * ticket's lifetime (RFC 8446 §4.6.1): the entry is useless after it and may expire then.
   */
  put(id: Uint8Array, state: Uint8Array, lifetimeSeconds: number): void;
  /** The state stored under `id`, left in place. */
  get(id: Uint8Array): Uint8Array | undefined;
  /** The state stored under `id`, removed (single use). */
  take(id: Uint8Array): Uint8Array | undefined;
}

/**
 * A session store reached through I/O. `put` starts the write and returns (a lost write only
 * costs a full handshake later); `takeRemote` removes and returns the state in one atomic step,
 * so that of all the servers sharing the store exactly one gets it (RFC 8446 §8.1). It resolves
 * undefined when the entry is absent and rejects when the store cannot be reached: the engine
 * treats both as "no session" (a full handshake, never a replay).
 */
export interface RemoteSessionStore {
  put(id: Uint8Array, state: Uint8Array, lifetimeSeconds: number): void;
  takeRemote(id: Uint8Array): Promise<Uint8Array | undefined>;
}

/** True for a store the engine cannot take from synchronously. */
export function isRemoteSessionStore(store: SessionStore | RemoteSessionStore): store is RemoteSessionStore {
  return typeof (store as Partial<RemoteSessionStore>).takeRemote === 'function';
}

/**
 * An in-memory LRU `SessionStore` holding at most `maxEntries` sessions; the least recently used
 * entry is dropped when a new one would exceed the bound.
 */
export class MemorySessionStore implements SessionStore {
  readonly #max: number;
  readonly #map = new Map<string, Uint8Array>();

  /** @throws RangeError unless 1 <= maxEntries */
  constructor(maxEntries: number = DEFAULT_MAX_ENTRIES) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError('MemorySessionStore: maxEntries must be >= 1');
    this.#max = maxEntries;
  }

  get size(): number {
    return this.#map.size;
  }

  put(id: Uint8Array, state: Uint8Array): void {
    const k = key(id);
    this.#map.delete(k);
    this.#map.set(k, state.slice());
    while (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next().value as string;
      this.#map.delete(oldest);
    }
  }

  get(id: Uint8Array): Uint8Array | undefined {
    const k = key(id);
    const v = this.#map.get(k);
    if (v === undefined) return undefined;
    this.#map.delete(k);
    this.#map.set(k, v);
    return v.slice();
  }

  take(id: Uint8Array): Uint8Array | undefined {
    const k = key(id);
    const v = this.#map.get(k);
    this.#map.delete(k);
    return v;
  }
}

function key(id: Uint8Array): string {
  let s = '';
  for (const b of id) s += String.fromCharCode(b);
  return s;
}

const DEFAULT_MAX_ENTRIES = 10_000;
