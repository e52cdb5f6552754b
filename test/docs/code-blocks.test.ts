/**
 * Docs that run (issue 11 item 12): every TypeScript and shell code block of README.md and
 * docs/*.md runs here, against local servers, so that the docs cannot rot. A block that cannot run
 * here carries `<!-- not run: REASON -->` (or `<!-- run by: TEST FILE -->` when another test runs
 * it) on the line before its fence; see test/docs/_markdown-blocks.ts. How a block runs (ports,
 * imports, the `puretls` command, long-running servers): test/docs/_run-block.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/peers.ts';
import { extractBlocks, type CodeBlock } from './_markdown-blocks.ts';
import { BLOCK_TIMEOUT_MS, ROOT, runBlock, type Ports } from './_run-block.ts';

const FILES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const BLOCKS: CodeBlock[] = FILES.flatMap((f) => extractBlocks(f, readFileSync(join(ROOT, f), 'utf8'))).filter((b) => b.kind !== 'other');
const TO_RUN = BLOCKS.filter((b) => b.notRun === undefined && b.runBy === undefined);

/** Resolves once 127.0.0.1:port accepts a connection; rejects when `child` exits first. */
async function accepting(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the shared server exited (${child.exitCode}) before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the shared server did not listen on ${port} within 60 s`);
}

function failure(b: CodeBlock, output: string): string {
  const tail = output.length > 4000 ? `...${output.slice(-4000)}` : output;
  return `${b.file}:${b.line}: this ${b.lang} block fails when run (fix it, or mark it <!-- not run: REASON --> if it cannot run here)\n--- block:\n${b.code}\n--- result: ${tail}`;
}

describe('docs that run: every TypeScript and shell block in README.md and docs/*.md', () => {
  let shared: ChildProcess | undefined;
  let ports4433 = 0;

  beforeAll(async () => {
    // One server for every block that talks to the docs' example server on port 4433.
    if (!TO_RUN.some((b) => /\b4433\b/.test(b.code))) return;
    ports4433 = await freePort();
    const certs = join(ROOT, 'vectors/certs/ecdsa-p256');
    shared = spawn(
      'openssl',
      ['s_server', '-accept', `127.0.0.1:${ports4433}`, '-tls1_3', '-www', '-quiet', '-cert', join(certs, 'end.pem'), '-key', join(certs, 'end.key'), '-cert_chain', join(certs, 'inter.pem')],
      { stdio: 'ignore' },
    );
    await accepting(ports4433, shared);
  });
  afterAll(() => {
    shared?.kill('SIGKILL');
    const counts = new Map<string, { run: number; marked: number }>();
    for (const b of BLOCKS) {
      const c = counts.get(b.file) ?? { run: 0, marked: 0 };
      if (b.notRun === undefined && b.runBy === undefined) c.run++;
      else c.marked++;
      counts.set(b.file, c);
    }
    console.log(`docs blocks (TypeScript and shell), run / marked:\n${[...counts].map(([f, c]) => `  ${f}: ${c.run} run, ${c.marked} marked`).join('\n')}`);
  });

  it('finds the blocks (README.md has runnable ones)', () => {
    expect(TO_RUN.filter((b) => b.file === 'README.md').length).toBeGreaterThanOrEqual(3);
  });

  it('every block not run says why, and a block run by another test names an existing test', () => {
    const bad = BLOCKS.filter((b) => b.notRun === '' || (b.runBy !== undefined && !existsSync(join(ROOT, b.runBy))));
    expect(bad.map((b) => `${b.file}:${b.line}: ${b.runBy === undefined ? '<!-- not run: --> needs a reason' : `<!-- run by: ${b.runBy} --> names no file`}`)).toEqual([]);
  });

  for (const b of TO_RUN) {
    it(`${b.file}:${b.line} (${b.lang})`, { timeout: BLOCK_TIMEOUT_MS + 30_000 }, async () => {
      const ports: Ports = { 8443: await freePort(), 8080: await freePort(), 9090: await freePort(), 4433: ports4433 };
      const r = await runBlock(b, ports);
      expect(r.ok, failure(b, r.output)).toBe(true);
    });
  }
});

describe('docs test: the test can fail', () => {
  const ports = async (): Promise<Ports> => ({ 8443: await freePort(), 8080: await freePort(), 9090: await freePort(), 4433: 1 });

  it('reads markers and languages', () => {
    const md = ['```sh', 'true', '```', '<!-- not run: needs the network -->', '```bash', 'curl https://example.com/', '```', '<!-- not run -->', '', '```ts', 'x', '```', '```text', 'y', '```'].join('\n');
    const blocks = extractBlocks('x.md', md);
    expect(blocks.map((b) => [b.line, b.kind, b.notRun])).toEqual([
      [1, 'shell', undefined],
      [5, 'shell', 'needs the network'],
      [10, 'typescript', ''],
      [13, 'other', undefined],
    ]);
  });

  it('a failing shell command fails its block, even before the last line', { timeout: BLOCK_TIMEOUT_MS }, async () => {
    const [b] = extractBlocks('x.md', '```sh\nfalse\necho still here\n```');
    const r = await runBlock(b!, await ports());
    expect(r.ok).toBe(false);
    expect(r.output).not.toContain('still here');
  });

  it('a TypeScript block using an undefined name fails with the error', { timeout: BLOCK_TIMEOUT_MS }, async () => {
    const [b] = extractBlocks('x.md', "```ts\nimport { clientConfig } from 'puretls';\nconsole.log(typeof clientConfig, provider);\n```");
    const r = await runBlock(b!, await ports());
    expect(r.ok).toBe(false);
    expect(r.output).toContain('ReferenceError: provider is not defined');
  });

  it('a server that never listens fails its block instead of hanging', { timeout: BLOCK_TIMEOUT_MS }, async () => {
    const [b] = extractBlocks('x.md', '```sh\nnpx tsx src/tools/cli.ts serve --cert missing.pem --key key.pem\ncurl -k https://localhost:8443/\n```');
    const r = await runBlock(b!, await ports());
    expect(r.ok).toBe(false);
    expect(r.output).toContain('exited before port');
  });
});
