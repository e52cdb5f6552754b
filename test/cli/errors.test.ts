import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/peers.ts';
import { CERTS, CLI, cleanup, NODE, run } from './_cli.ts';

// What the CLI says when something goes wrong, and its exit status: 2 for a usage error (a bad
// flag or value, a file named by a flag that cannot be used), 1 for a failure (the network, the
// peer, a port in use), the same for serve, connect and terminate.

const servers: Server[] = [];
afterEach(() => {
  cleanup();
  for (const s of servers.splice(0)) s.close();
});

async function listening<S extends Server>(server: S): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

/** One line on stderr (after the `puretls: ` / `puretls connect: ` prefix), and the exit status. */
async function cli(args: string[]): Promise<{ code: number | null; line: string }> {
  const r = await run(NODE, [...CLI, ...args], '', 60_000);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  return { code: r.code, line: lines[0]! };
}

describe('puretls connect: one line saying what failed (exit status 1)', () => {
  it('a name that does not resolve is a DNS failure, not a handshake failure', async () => {
    const r = await cli(['connect', 'nonexistent.invalid:443', '--timeout', '50']);
    expect(r.code).toBe(1);
    expect(r.line).toMatch(/^puretls connect: cannot resolve nonexistent\.invalid: DNS lookup failed \((ENOTFOUND|EAI_AGAIN|EAI_FAIL|EAI_NODATA)\)$/);
  });

  it('a closed port: connection refused', async () => {
    const port = await freePort();
    const r = await cli(['connect', `127.0.0.1:${port}`]);
    expect(r).toEqual({ code: 1, line: `puretls connect: cannot connect to 127.0.0.1:${port}: connection refused` });
  });

  it("a peer answering in plain HTTP: 'the peer does not speak TLS' with what it sent", async () => {
    // node:http answers the ClientHello with a 400 and closes.
    const port = await listening(createHttpServer(() => {}));
    const r = await cli(['connect', `127.0.0.1:${port}`]);
    expect(r).toEqual({ code: 1, line: "puretls connect: handshake failed: unexpected_message: the peer does not speak TLS (it sent 'HTTP/1.1 400 Bad Request')" });
  });

  it('a peer that accepts and never answers: no handshake within --timeout', async () => {
    const port = await listening(createNetServer((s) => s.on('error', () => {})));
    const r = await cli(['connect', `127.0.0.1:${port}`, '--timeout', '1']);
    expect(r).toEqual({ code: 1, line: `puretls connect: no TLS handshake with 127.0.0.1:${port} within 1 s (--timeout)` });
  });
});

describe('exit status 2 for usage errors, 1 for failures, on every command', () => {
  // One process per command for the exit status; every message is checked in-process in
  // test/cli/args.test.ts.
  it.each([
    [['serve', '--bogus'], /^puretls: Unknown option '--bogus'/],
    [['serve', '--cert', `${CERTS}end.chain.pem`, '--key', `${CERTS}end.chain.pem`], /^puretls: --cert\/--key\/--client-ca: /],
    [['connect', 'localhost:1', '--ca', '/nonexistent/ca.pem'], /^puretls connect: --ca \/nonexistent\/ca\.pem: ENOENT/],
    [['terminate', '--cert', '/nonexistent/c.pem', '--key', '/nonexistent/k.pem'], /^puretls: certificate or key files: ENOENT/],
    [['nonsense'], /^puretls: unknown command "nonsense"$/],
  ])('%j: exit status 2', async (args, message) => {
    const r = await run(NODE, [...CLI, ...args], '', 60_000);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(message);
  });

  it('serve and terminate on a port in use, connect to a closed one: exit status 1', async () => {
    const busy = await listening(createNetServer());
    const serve = await run(NODE, [...CLI, 'serve', '--port', String(busy)], undefined, 60_000);
    expect(serve.code).toBe(1);
    expect(serve.stderr).toMatch(/^puretls: listen EADDRINUSE/);
    const terminate = await run(NODE, [...CLI, 'terminate', '--listen', `127.0.0.1:${busy}`], undefined, 60_000);
    expect(terminate.code).toBe(1);
    expect(terminate.stderr).toMatch(/EADDRINUSE/);
    const connect = await run(NODE, [...CLI, 'connect', `127.0.0.1:${await freePort()}`], '', 60_000);
    expect(connect.code).toBe(1);
  }, 180_000);
});
