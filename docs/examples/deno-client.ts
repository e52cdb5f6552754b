/**
 * Deno: HTTPS GET with puretls over Deno.connect (plain TCP), the chain verified against a CA file.
 *
 *   deno run --allow-net --allow-read client.js HOST PORT CA_PEM_FILE [SERVER_NAME]
 *
 * (client.js: this file bundled with puretls, docs/runtimes.md; or import puretls with `npm:`.)
 */
import { clientConfig, nobleProvider, parseCertificateChain, trustExactly } from 'puretls';
import { tlsConnect } from './tls-streams.ts';

const [host = 'localhost', port = '443', caFile = 'ca.pem', serverName = host] = Deno.args;
const config = clientConfig({
  provider: nobleProvider, // pure TypeScript: no OpenSSL, no node:crypto
  verifier: trustExactly(parseCertificateChain(await Deno.readTextFile(caFile))),
});

const tcp = await Deno.connect({ hostname: host, port: Number(port) });
const tls = await tlsConnect(config, serverName, tcp);
console.log(`# ${tls.negotiated.version} ${tls.negotiated.cipherSuite} ${tls.negotiated.group}`);

const out = tls.writable.getWriter();
await out.write(new TextEncoder().encode(`GET / HTTP/1.0\r\nHost: ${serverName}\r\n\r\n`));
console.log(await new Response(tls.readable).text()); // up to the server's close_notify
await out.close();
