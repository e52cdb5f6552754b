/**
 * @module test/docs/_markdown-blocks
 * The fenced code blocks of a Markdown file, with their language, line and marker, for the docs
 * test (test/docs/code-blocks.test.ts).
 *
 * Markers (an HTML comment on the nearest non-blank line before the fence, visible in the source):
 * - `<!-- not run: REASON -->`: the block cannot run here (a syntax line with `[--flag]`
 *   placeholders, another runtime, the network); the reason is required.
 * - `<!-- run by: PATH -->`: another test runs this block (PATH relative to the repository).
 */

/** What the test does with a block: run it as TypeScript or shell, or nothing (other languages). */
export type BlockKind = 'typescript' | 'shell' | 'other';

export interface CodeBlock {
  /** Path as given (e.g. `docs/05-sans-io-api.md`). */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly kind: BlockKind;
  readonly code: string;
  /** The reason of a `<!-- not run: ... -->` marker ('' when the marker has none). */
  readonly notRun?: string;
  /** The test file of a `<!-- run by: ... -->` marker. */
  readonly runBy?: string;
}

const TYPESCRIPT = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs']);
const SHELL = new Set(['sh', 'bash', 'shell', 'console', 'zsh']);

export function kindOf(lang: string): BlockKind {
  const l = lang.toLowerCase();
  if (TYPESCRIPT.has(l)) return 'typescript';
  if (SHELL.has(l)) return 'shell';
  return 'other';
}

/** Every fenced block (``` or ~~~, possibly indented) of `text`, in order. */
export function extractBlocks(file: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`{]*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang] = open as unknown as [string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.trim().startsWith(fence[0]!.repeat(fence.length)) && l.trim().replace(new RegExp(`^\\${fence[0]}+`), '') === '') break;
      body.push(l.startsWith(indent) ? l.slice(indent.length) : l.trimStart());
    }
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const prev = k >= 0 ? lines[k]!.trim() : '';
    const notRun = /^<!--\s*not run:?\s*(.*?)\s*-->$/.exec(prev);
    const runBy = /^<!--\s*run by:\s*(\S+)\s*-->$/.exec(prev);
    blocks.push({
      file,
      line: i + 1,
      lang,
      kind: kindOf(lang),
      code: body.join('\n'),
      ...(notRun ? { notRun: notRun[1]! } : {}),
      ...(runBy ? { runBy: runBy[1]! } : {}),
    });
    i = j;
  }
  return blocks;
}
