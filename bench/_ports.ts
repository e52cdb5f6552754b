/**
 * @module bench/_ports
 * Loopback ports for the measured servers: one that is free now, and waiting until something
 * listens on one (bench/_servers.ts, bench/workers.ts).
 */
import net from 'node:net';

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once 127.0.0.1:`port` accepts a connection (60 s at most). */
export async function listening(port: number): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => r(s.destroy() !== undefined));
      s.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`bench: nothing listens on ${port}`);
}
