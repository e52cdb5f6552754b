/**
 * @module node/client-hello-peek
 * Reads the server name out of a ClientHello before the engine sees it, so the adapter can run
 * node's asynchronous `SNICallback` and only then choose the certificate (the engine's own
 * certificate selection is synchronous). Parsing uses the engine's decoders (RFC 8446 §5.1
 * records, §4.1.2 ClientHello, RFC 6066 §3 server_name); anything unexpected ends the peek, and
 * the engine then handles the same bytes and sends the right alert.
 */
import { ContentType, HandshakeType } from '../protocol/registry.ts';
import { MAX_CLIENT_HELLO_LEN } from '../protocol/limits.ts';
import { Deframer } from '../record/deframer.ts';
import { HandshakeJoiner } from '../record/joiner.ts';
import type { ClientHello } from '../messages/client-hello.ts';
import { decodeHandshakeBody } from '../messages/handshake.ts';
import { findExtension } from '../messages/extensions/extensions.ts';

/** What the peek found: the SNI name (or none), or that the bytes are not a readable ClientHello. */
export type PeekResult = { readonly kind: 'hello'; readonly serverName: string | undefined } | { readonly kind: 'unreadable' };

/** Accumulates the first bytes of a connection until its ClientHello is complete. */
export class ClientHelloPeek {
  private readonly deframer = new Deframer();
  private readonly joiner = new HandshakeJoiner();
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  /** Everything pushed so far, to hand to the engine unchanged. */
  get buffered(): Uint8Array[] {
    return this.chunks;
  }

  /** Adds bytes; returns the result once known, or undefined when more bytes are needed. */
  push(bytes: Uint8Array): PeekResult | undefined {
    this.chunks.push(bytes);
    this.length += bytes.length;
    try {
      this.deframer.push(bytes);
      for (let rec = this.deframer.next(); rec !== undefined; rec = this.deframer.next()) {
        if (rec.contentType !== ContentType.handshake) return UNREADABLE;
        this.joiner.push(rec.fragment.slice());
        const m = this.joiner.next();
        if (m === undefined) continue;
        if (m.type !== HandshakeType.client_hello) return UNREADABLE;
        const hello = decodeHandshakeBody(m.type, m.body) as ClientHello;
        return { kind: 'hello', serverName: findExtension(hello.extensions, 'server_name')?.hostName };
      }
    } catch {
      return UNREADABLE;
    }
    // A ClientHello is at most one handshake message plus its record headers.
    return this.length > MAX_CLIENT_HELLO_LEN + 1024 ? UNREADABLE : undefined;
  }
}

const UNREADABLE: PeekResult = { kind: 'unreadable' };
