/**
 * Example: a TLS 1.3 server whose private key lives in another process, a small HTTP signing
 * service (the shape of a KMS/HSM or a keyless signer). The TLS side holds only the certificate
 * chain; the engine pauses for each CertificateVerify signature (`pauseFor.signature`,
 * docs/05-sans-io-api.md "Asynchronous decisions"), and the signature comes back over HTTP.
 * Run by test/proxy/remote-signer.test.ts. Not a production design: the signing service here
 * has no authentication, and should (mutual TLS, a network only the TLS servers reach).
 *
 *   POST /sign  {"scheme": 1027, "content": "<base64>"}  →  {"signature": "<base64>"}
 */
import { createServer as createHttpServer, request, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { nodeCryptoProvider } from '../../src/node/crypto-provider.ts';
import { serverConfig, ServerConnection, type CertifiedKey } from '../../src/index.ts';
import { parseCertificate, parseCertificateChain } from '../../src/x509/certificate.ts';
import { certifiedKey } from '../../src/x509/certified-key.ts';

const provider = nodeCryptoProvider;

/** The signing service: holds the key, signs what it is sent. */
export function startSigningService(chainPem: string, keyPem: string): Promise<{ server: HttpServer; url: string }> {
  const key = certifiedKey(provider, chainPem, keyPem).key;
  const server = createHttpServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/sign') {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      try {
        const { scheme, content } = JSON.parse(body) as { scheme: number; content: string };
        const signature = key.sign(scheme, Buffer.from(content, 'base64'), provider.randomBytes);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ signature: Buffer.from(signature).toString('base64') }));
      } catch (e) {
        res.writeHead(400).end(String(e));
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/sign` })));
}

/** Asks the service at `url` for a signature. */
export function signRemotely(url: string, scheme: number, content: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`signing service: ${res.statusCode} ${body}`));
        resolve(new Uint8Array(Buffer.from((JSON.parse(body) as { signature: string }).signature, 'base64')));
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify({ scheme, content: Buffer.from(content).toString('base64') }));
  });
}

/**
 * The certificate with a key that cannot sign here: its schemes and public key come from the
 * certificate, and `sign` is never called because the engine asks instead.
 */
export function remoteCertifiedKey(chainPem: string, schemes: readonly number[]): CertifiedKey {
  const chain = parseCertificateChain(chainPem);
  const leaf = parseCertificate(chain[0]!);
  const sign = (): Uint8Array => {
    throw new Error('the private key is in the signing service');
  };
  return { chain, leaf, key: { schemes, publicKey: leaf.publicKey!, sign } };
}

/**
 * A TLS server answering "hello from a remotely signed handshake" on each connection: the
 * sans-I/O driving loop (docs/05), plus the signature question.
 */
export function startTlsServer(certificate: CertifiedKey, signUrl: string): Promise<{ server: NetServer; port: number }> {
  const config = serverConfig({ provider, certificates: [certificate], pauseFor: { signature: true } });
  const server = createNetServer((socket: Socket) => {
    const conn = new ServerConnection(config);
    const step = (): void => {
      socket.write(conn.takeOutput());
      for (let ev = conn.poll(); ev !== undefined; ev = conn.poll()) {
        if (ev.kind === 'needSignature') {
          signRemotely(signUrl, ev.scheme, ev.content).then(
            (signature) => guard(() => conn.resolveSignature(signature)),
            (e: unknown) => guard(() => conn.resolveSignature(e instanceof Error ? e : new Error(String(e)))),
          );
        } else if (ev.kind === 'handshakeDone') {
          conn.write(new TextEncoder().encode('hello from a remotely signed handshake\n'));
          conn.close();
          socket.end(conn.takeOutput());
        }
      }
    };
    const guard = (fn: () => void): void => {
      try {
        fn();
        step();
      } catch {
        socket.end(conn.takeOutput()); // the alert
      }
    };
    socket.on('data', (bytes: Buffer) => guard(() => conn.receive(bytes)));
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}
