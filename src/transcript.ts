/**
 * @module transcript
 * The running handshake transcript hash of RFC 8446 §4.4.1. Messages are buffered until the
 * cipher suite (and so the hash) is known, a ClientHello1 can be replaced by the synthetic
 * `message_hash` message after a HelloRetryRequest, and `hashWith` serves PSK binders
 * (RFC 8446 §4.2.11.2) without committing the truncated ClientHello.
 */
/*
 * RFC 8446 §4.4.1:
 *
 *   Transcript-Hash(M1, M2, ... Mn) = Hash(M1 || M2 || ... || Mn)
 *
 *   Transcript-Hash(ClientHello1, HelloRetryRequest, ... Mn) =
 *       Hash(message_hash ||        // Handshake type
 *            00 00 Hash.length  ||  // Handshake message length (bytes)
 *            Hash(ClientHello1) ||  // Hash of ClientHello1
 *            HelloRetryRequest  || ... || Mn)
 */
import { HandshakeType } from './protocol/registry.ts';
import type { HashAlgorithm, IncrementalHash } from './crypto/provider.ts';

/** A handshake transcript; owned by exactly one handshake state at a time (STYLE §4.1). */
export class Transcript {
  #hash: HashAlgorithm | undefined;
  #running: IncrementalHash | undefined;
  /** Messages seen before the hash was known; emptied by `setHash`. */
  #buffered: Uint8Array[] = [];

  /** An empty transcript whose hash is not known yet: messages are buffered raw. */
  constructor() {}

  /** The transcript hash algorithm, once `setHash` was called. */
  get hash(): HashAlgorithm | undefined {
    return this.#hash;
  }

  /**
   * Fixes the hash (the negotiated suite's, RFC 8446 §4.4.1) and replays the buffered messages.
   * @throws Error if the hash was already set (a caller bug)
   */
  setHash(hash: HashAlgorithm): void {
    if (this.#hash) throw new Error('transcript: hash already set');
    this.#hash = hash;
    this.#running = hash.create();
    for (const m of this.#buffered) this.#running.update(m);
    this.#buffered = [];
  }

  /** Appends one whole handshake message, including its 4-byte header (RFC 8446 §4.4.1). */
  update(message: Uint8Array): void {
    if (this.#running) this.#running.update(message);
    else this.#buffered.push(message.slice());
  }

  /**
   * Transcript-Hash of every message so far.
   * @throws Error if the hash is not set yet (a caller bug)
   */
  hashNow(): Uint8Array {
    return this.#needRunning().clone().digest();
  }

  /**
   * Transcript-Hash of every message so far followed by `extra`, without adding `extra`: the
   * PSK binder hash over a ClientHello truncated before its binders (RFC 8446 §4.2.11.2).
   * @throws Error if the hash is not set yet (a caller bug)
   */
  hashWith(extra: Uint8Array): Uint8Array {
    const h = this.#needRunning().clone();
    h.update(extra);
    return h.digest();
  }

  /**
   * RFC 8446 §4.4.1: on HelloRetryRequest, replaces the transcript so far (ClientHello1) by the
   * synthetic message `message_hash(254) ‖ 00 00 Hash.length ‖ Hash(ClientHello1)`. Call it
   * before adding the HelloRetryRequest itself.
   * @throws Error if the hash is not set yet (a caller bug)
   */
  rewriteForHelloRetry(): void {
    const hash = this.#needHash();
    const clientHello1Hash = this.hashNow();
    const header = new Uint8Array([HandshakeType.message_hash, 0, 0, hash.outputLen]);
    const running = hash.create();
    running.update(header);
    running.update(clientHello1Hash);
    this.#running = running;
  }

  /** An independent copy: updates to either one do not affect the other. */
  fork(): Transcript {
    const copy = new Transcript();
    copy.#hash = this.#hash;
    copy.#running = this.#running?.clone();
    copy.#buffered = [...this.#buffered];
    return copy;
  }

  #needHash(): HashAlgorithm {
    if (!this.#hash) throw new Error('transcript: hash not set yet');
    return this.#hash;
  }

  #needRunning(): IncrementalHash {
    if (!this.#running) throw new Error('transcript: hash not set yet');
    return this.#running;
  }
}
