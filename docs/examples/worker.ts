/**
 * Cloudflare Workers: a fetch handler that makes an HTTPS request with puretls over
 * cloudflare:sockets connect() (plain TCP; `secureTransport` stays 'off', the TLS is ours), the
 * chain verified against the CA in the `CA_PEM` binding. Bundle it with puretls (wrangler does).
 *
 * Not run by the tests: workerd is not installed here (docs/runtimes.md). It is type-checked with
 * the other examples, and it is the same tls-streams.ts code the Deno, Bun and browser tests run.
 */
import { connect } from 'cloudflare:sockets';
import { clientConfig, nobleProvider, parseCertificateChain, trustExactly } from 'puretls';
import { tlsConnect } from './tls-streams.ts';

interface Env {
  /** Host to fetch from, e.g. "example.com". */
  readonly TLS_HOST: string;
  /** PEM of the CA(s) to trust for it. */
  readonly CA_PEM: string;
}

export default {
  async fetch(_request: Request, env: Env): Promise<Response> {
    // A config only validates options and holds the trust anchors: cheap to build per request.
    const config = clientConfig({ provider: nobleProvider, verifier: trustExactly(parseCertificateChain(env.CA_PEM)) });
    const tls = await tlsConnect(config, env.TLS_HOST, connect({ hostname: env.TLS_HOST, port: 443 }));
    const out = tls.writable.getWriter();
    await out.write(new TextEncoder().encode(`GET / HTTP/1.0\r\nHost: ${env.TLS_HOST}\r\n\r\n`));
    const reply = await new Response(tls.readable).text(); // up to the server's close_notify
    await out.close();
    return new Response(reply, { headers: { 'content-type': 'text/plain' } });
  },
};
