/**
 * Node: a WebSocket-to-TCP bridge for browser-client.ts, on the `ws` package. Each WebSocket
 * connection becomes one TCP connection to a target fixed here: never let the browser choose it,
 * or the bridge is an open proxy. It relays bytes only; the TLS inside stays end to end.
 *
 *   const bridge = await startBridge({ port: 8080, target: { host: 'example.com', port: 443 } });
 *
 * A production bridge also checks the Origin header (`verifyClient`) and applies backpressure.
 */
import { connect } from 'node:net';
import { WebSocketServer, type RawData } from 'ws';

export interface BridgeOptions {
  /** Port to listen on (0: any free port, see `port` of the result). */
  readonly port: number;
  /** Interface to listen on; default loopback. */
  readonly host?: string;
  readonly target: { readonly host: string; readonly port: number };
}

export interface Bridge {
  readonly port: number;
  close(): Promise<void>;
}

export function startBridge(options: BridgeOptions): Promise<Bridge> {
  const wss = new WebSocketServer({ port: options.port, host: options.host ?? '127.0.0.1' });
  wss.on('connection', (ws) => {
    const tcp = connect(options.target.port, options.target.host);
    ws.on('message', (data: RawData) => tcp.write(data as Buffer)); // a Buffer: ws's default binaryType
    ws.on('close', () => tcp.end());
    ws.on('error', () => tcp.destroy());
    tcp.on('data', (bytes) => ws.send(bytes));
    tcp.on('end', () => ws.close());
    tcp.on('error', () => ws.terminate());
  });
  return new Promise((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => {
      const address = wss.address();
      resolve({
        port: typeof address === 'object' && address !== null ? address.port : options.port,
        close: () => {
          for (const client of wss.clients) client.terminate();
          return new Promise((done) => wss.close(() => done()));
        },
      });
    });
  });
}
