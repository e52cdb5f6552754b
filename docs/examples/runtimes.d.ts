/**
 * The few runtime APIs the examples use, declared so that `tsc -p docs/examples` checks the
 * examples against puretls's API without each runtime's full type package (Deno and Bun ship
 * their own types; Cloudflare's are @cloudflare/workers-types). Signatures follow those types.
 */
declare namespace Deno {
  const args: string[];
  function readTextFile(path: string): Promise<string>;
  interface TcpConn {
    readonly readable: ReadableStream<Uint8Array>;
    readonly writable: WritableStream<Uint8Array>;
  }
  function connect(options: { hostname?: string; port: number }): Promise<TcpConn>;
}

declare namespace Bun {
  const argv: string[];
  interface Socket {
    /** Bytes written (may be fewer than given; the rest waits for `drain`), -1 when closed. */
    write(data: Uint8Array): number;
    end(): void;
  }
  interface SocketHandler {
    data?(socket: Socket, data: Uint8Array): void;
    end?(socket: Socket): void;
    close?(socket: Socket): void;
    error?(socket: Socket, error: Error): void;
    drain?(socket: Socket): void;
  }
  function connect(options: { hostname: string; port: number; socket: SocketHandler }): Promise<Socket>;
  function file(path: string): { text(): Promise<string> };
}

declare module 'cloudflare:sockets' {
  interface Socket {
    readonly readable: ReadableStream<Uint8Array>;
    readonly writable: WritableStream<Uint8Array>;
    readonly closed: Promise<void>;
    close(): Promise<void>;
  }
  /** `secureTransport` defaults to 'off': plain TCP, TLS is ours. */
  export function connect(address: { hostname: string; port: number }, options?: { secureTransport?: 'off' }): Socket;
}
