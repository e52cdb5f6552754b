/**
 * @module tools/psk
 * The external PSK of `serve --psk` and `connect --psk` (RFC 8446 §4.2.11): the flags, and
 * node:tls's `pskCallback` on each side.
 */
import { UsageError } from './usage-error.ts';

/** A key and the identity it goes with (`--psk HEX --psk-identity ID`). */
export interface CliPsk {
  readonly key: Uint8Array;
  readonly identity: string;
}

/** The server's `pskCallback`: the key for exactly `psk.identity`, nothing for any other. */
export function serverPskCallback(psk: CliPsk): (socket: unknown, identity: string) => Uint8Array | undefined {
  return (_socket, identity) => (identity === psk.identity ? psk.key : undefined);
}

/** The client's `pskCallback`: always offers `psk`. */
export function clientPskCallback(psk: CliPsk): () => { psk: Uint8Array; identity: string } {
  return () => ({ psk: psk.key, identity: psk.identity });
}

/** `--psk HEX [--psk-identity ID]`: an external PSK (openssl's `-psk`/`-psk_identity` syntax). @throws UsageError */
export function parsePskFlags(hex: string | undefined, identity: string | undefined): CliPsk | undefined {
  if (hex === undefined) {
    if (identity !== undefined) throw new UsageError('--psk-identity needs --psk');
    return undefined;
  }
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw new UsageError('--psk must be an even number of hex digits');
  const id = identity ?? 'Client_identity';
  if (id.length === 0) throw new UsageError('--psk-identity must not be empty');
  return { key: new Uint8Array(Buffer.from(hex, 'hex')), identity: id };
}
