/**
 * @module Architecture test: enforces the layer table of docs/style.md §3 and the third-party
 * confinement rules of §1 by scanning every import in `src/**\/*.ts` with the TypeScript parser.
 * A module imports only from strictly lower layers; same-layer imports are allowed only inside one
 * component or through the documented exceptions listed in `SAME_LAYER_EXCEPTIONS` below.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

/**
 * One row of the layer table. `match` is a path relative to `src/`: a file (`errors.ts`) or a
 * folder (`messages/`, which covers everything below it). Files inside one component may import
 * each other freely (no cycles: checked separately).
 */
interface Component {
  readonly name: string;
  readonly layer: number;
  readonly match: string;
}

/** docs/style.md §3, transcribed. Layer-0 files are their own components: the table orders them. */
const COMPONENTS: readonly Component[] = [
  { name: 'bytes/bytes', layer: 0, match: 'bytes/bytes.ts' },
  { name: 'bytes/assert', layer: 0, match: 'bytes/assert.ts' },
  { name: 'protocol/registry', layer: 0, match: 'protocol/registry.ts' },
  { name: 'protocol/limits', layer: 0, match: 'protocol/limits.ts' },
  { name: 'errors', layer: 0, match: 'errors.ts' },
  { name: 'codec', layer: 1, match: 'codec/' },
  { name: 'messages', layer: 2, match: 'messages/' }, // includes messages/extensions/
  { name: 'crypto/provider', layer: 3, match: 'crypto/provider.ts' },
  { name: 'crypto/suites', layer: 3, match: 'crypto/suites.ts' },
  { name: 'crypto/rsa', layer: 3, match: 'crypto/rsa/' },
  { name: 'crypto/curve25519', layer: 3, match: 'crypto/curve25519/' },
  { name: 'crypto/p256', layer: 3, match: 'crypto/p256/' },
  { name: 'crypto/sha256', layer: 3, match: 'crypto/sha256/' },
  { name: 'crypto/noble', layer: 3, match: 'crypto/noble/' },
  { name: 'x509', layer: 3, match: 'x509/' },
  { name: 'compression', layer: 3, match: 'compression/' },
  { name: 'keyschedule', layer: 4, match: 'keyschedule/' },
  { name: 'transcript', layer: 4, match: 'transcript.ts' },
  { name: 'record', layer: 4, match: 'record/' },
  { name: 'session', layer: 4, match: 'session/' },
  { name: 'config', layer: 5, match: 'config.ts' },
  { name: 'handshake/negotiated', layer: 6, match: 'handshake/negotiated.ts' },
  { name: 'handshake/output', layer: 6, match: 'handshake/output.ts' },
  { name: 'handshake/common', layer: 6, match: 'handshake/common/' },
  { name: 'handshake/client', layer: 6, match: 'handshake/client/' },
  { name: 'handshake/server', layer: 6, match: 'handshake/server/' },
  { name: 'connection', layer: 7, match: 'connection/' },
  { name: 'node', layer: 8, match: 'node/' },
  { name: 'tools', layer: 9, match: 'tools/' },
  { name: 'index', layer: 10, match: 'index.ts' }, // the paved-path re-export file: may import anything
];

/**
 * Same-layer imports that the table allows, each with its reason. `typeOnly`: the importer may
 * only use `import type` (no runtime edge).
 */
const SAME_LAYER_EXCEPTIONS: readonly {
  readonly from: string;
  readonly to: string;
  readonly typeOnly: boolean;
  readonly reason: string;
}[] = [
  { from: 'bytes/assert', to: 'bytes/bytes', typeOnly: false, reason: 'style §3 table: assert may import bytes' },
  { from: 'protocol/registry', to: 'bytes/bytes', typeOnly: false, reason: 'style §3 table: registry may import bytes (hex for nameOf)' },
  { from: 'errors', to: 'protocol/registry', typeOnly: false, reason: 'style §3 table: TlsError carries an AlertDescription' },
  { from: 'crypto/suites', to: 'crypto/provider', typeOnly: false, reason: 'style §3 table: suites are data over provider types' },
  { from: 'crypto/noble', to: 'crypto/provider', typeOnly: false, reason: 'style §3 table: the noble provider implements the interface' },
  {
    from: 'crypto/rsa',
    to: 'crypto/provider',
    typeOnly: true,
    reason: 'crypto/rsa is a helper library of the pure provider (sub-layer 3a) typed by provider types',
  },
  {
    from: 'crypto/p256',
    to: 'crypto/provider',
    typeOnly: true,
    reason: 'crypto/p256 is a helper library of the pure provider (sub-layer 3a) that takes its hash as a provider HashAlgorithm',
  },
  {
    from: 'crypto/noble',
    to: 'crypto/p256',
    typeOnly: false,
    reason: 'the pure provider does P-256 ECDH and ECDSA with our own constant-time arithmetic (sub-layer 3a, below noble; docs/07-security-notes.md §1)',
  },
  {
    from: 'crypto/noble',
    to: 'crypto/rsa',
    typeOnly: false,
    reason: 'noble has no RSA: the pure provider signs/verifies RSA through crypto/rsa (style §3 RSA note; rsa is sub-layer 3a, below noble)',
  },
  {
    from: 'crypto/curve25519',
    to: 'crypto/provider',
    typeOnly: true,
    reason: 'crypto/curve25519 is a helper library of the pure provider (sub-layer 3a) that takes its SHA-512 as a provider HashAlgorithm',
  },
  {
    from: 'crypto/noble',
    to: 'crypto/curve25519',
    typeOnly: false,
    reason: 'the pure provider does X25519 and Ed25519 on our own Curve25519 arithmetic (sub-layer 3a, below noble), faster than noble\'s BigInt code',
  },
  {
    from: 'x509',
    to: 'crypto/provider',
    typeOnly: true,
    reason: 'style §3 table: the verifier checks signatures through the CryptoProvider interface (types only, so a fuzz provider can stand in)',
  },
  { from: 'handshake/output', to: 'handshake/negotiated', typeOnly: false, reason: 'the handshakeDone action carries the Negotiated summary' },
  { from: 'handshake/common', to: 'handshake/output', typeOnly: false, reason: 'style §3 table: common helpers write actions' },
  { from: 'handshake/common', to: 'handshake/negotiated', typeOnly: false, reason: 'common helpers build the Negotiated summary' },
  { from: 'handshake/client', to: 'handshake/common', typeOnly: false, reason: 'style §3 table: client may import common' },
  { from: 'handshake/client', to: 'handshake/output', typeOnly: false, reason: 'style §3 table: client may import output' },
  { from: 'handshake/server', to: 'handshake/common', typeOnly: false, reason: 'style §3 table: server may import common' },
  { from: 'handshake/server', to: 'handshake/output', typeOnly: false, reason: 'style §3 table: server may import output' },
  { from: 'handshake/server', to: 'handshake/negotiated', typeOnly: false, reason: 'the server states build the Negotiated summary' },
];

/**
 * Lower-layer imports that the table nevertheless forbids: the handshake never sees records
 * (style §3: "never record/"), and the x509 verifier reaches crypto only through the provider
 * interface, never through a concrete provider.
 */
const FORBIDDEN: readonly { readonly from: string; readonly toPrefix: string; readonly reason: string }[] = [
  { from: 'handshake/', toPrefix: 'record', reason: 'style §3: the handshake never sees records' },
  { from: 'x509', toPrefix: 'crypto/noble', reason: 'style §3: x509 checks signatures through the CryptoProvider' },
  { from: 'x509', toPrefix: 'crypto/rsa', reason: 'style §3: x509 checks signatures through the CryptoProvider' },
];

interface ImportEdge {
  readonly file: string; // relative to src/, posix separators
  readonly specifier: string;
  readonly typeOnly: boolean;
}

const FILES: readonly string[] = listTs(SRC).map((f) => relative(SRC, f).split(sep).join('/')).sort();
const PARSED: ReadonlyMap<string, ts.SourceFile> = new Map(
  FILES.map((f) => [f, ts.createSourceFile(f, readFileSync(join(SRC, f), 'utf8'), ts.ScriptTarget.Latest, true)]),
);
const EDGES: readonly ImportEdge[] = FILES.flatMap((f) => importsOf(f, PARSED.get(f)!));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};

describe('architecture: layer table (docs/style.md §3)', () => {
  it('the scanner sees the tree (sanity: src/ has files and imports)', () => {
    expect(FILES.length).toBeGreaterThan(50);
    expect(EDGES.length).toBeGreaterThan(200);
    expect(EDGES.some((e) => e.file === 'record/protection.ts' && e.specifier === '../crypto/provider.ts')).toBe(true);
  });

  it('every src/ file belongs to exactly one component of the layer table', () => {
    const bad = FILES.filter((f) => COMPONENTS.filter((c) => matches(c, f)).length !== 1);
    expect(bad).toEqual([]);
  });

  it('every relative import is written with a .ts extension and resolves to a src/ file', () => {
    const bad = EDGES.filter((e) => isRelative(e.specifier)).filter((e) => {
      const target = resolveRelative(e);
      return !e.specifier.endsWith('.ts') || target === undefined || !FILES.includes(target);
    });
    expect(bad.map(show)).toEqual([]);
  });

  it('a module imports only strictly lower layers, same-layer only within its component or by a listed exception', () => {
    const violations: string[] = [];
    for (const e of EDGES.filter((x) => isRelative(x.specifier))) {
      const target = resolveRelative(e);
      if (target === undefined) continue; // reported by the resolution test
      const from = componentOf(e.file);
      const to = componentOf(target);
      if (from === undefined || to === undefined) continue; // reported by the membership test
      const verdict = checkEdge(from, to, e.typeOnly);
      if (verdict !== undefined) violations.push(`${show(e)}: ${verdict}`);
    }
    expect(violations).toEqual([]);
  });

  it('the layer check rejects upward, sibling and non-type exception edges (self-test)', () => {
    const c = (n: string): Component => COMPONENTS.find((x) => x.name === n)!;
    expect(checkEdge(c('messages'), c('handshake/client'), false)).toMatch(/upward/);
    expect(checkEdge(c('keyschedule'), c('record'), false)).toMatch(/sibling/);
    expect(checkEdge(c('handshake/client'), c('handshake/server'), false)).toMatch(/sibling/);
    expect(checkEdge(c('x509'), c('crypto/provider'), false)).toMatch(/type-only/);
    expect(checkEdge(c('handshake/server'), c('record'), true)).toMatch(/forbidden/);
    expect(checkEdge(c('x509'), c('crypto/noble'), true)).toMatch(/forbidden/);
    expect(checkEdge(c('record'), c('transcript'), true)).toMatch(/sibling/);
    expect(checkEdge(c('connection'), c('record'), false)).toBeUndefined();
    expect(checkEdge(c('crypto/noble'), c('crypto/rsa'), false)).toBeUndefined();
    expect(checkEdge(c('crypto/noble'), c('crypto/curve25519'), false)).toBeUndefined();
    expect(checkEdge(c('crypto/curve25519'), c('crypto/noble'), false)).toMatch(/sibling/);
  });

  it('every exception beyond the style table is still used (no stale allowances)', () => {
    const used = new Set<string>();
    for (const e of EDGES.filter((x) => isRelative(x.specifier))) {
      const target = resolveRelative(e);
      const from = componentOf(e.file);
      const to = target === undefined ? undefined : componentOf(target);
      if (from !== undefined && to !== undefined) used.add(`${from.name} -> ${to.name}`);
    }
    const stale = SAME_LAYER_EXCEPTIONS.filter((x) => !x.reason.startsWith('style §3 table')).map((x) => `${x.from} -> ${x.to}`).filter((k) => !used.has(k));
    expect(stale).toEqual([]);
  });

  it('there are no import cycles between src/ files', () => {
    const graph = new Map<string, string[]>();
    for (const e of EDGES.filter((x) => isRelative(x.specifier))) {
      const target = resolveRelative(e);
      if (target === undefined) continue;
      graph.set(e.file, [...(graph.get(e.file) ?? []), target]);
    }
    expect(findCycles(graph)).toEqual([]);
  });
});

describe('architecture: third-party confinement (docs/style.md §1)', () => {
  const bare = EDGES.filter((e) => !isRelative(e.specifier));

  it('@noble/* is imported only under src/crypto/noble/', () => {
    const bad = bare.filter((e) => e.specifier.startsWith('@noble/') && !e.file.startsWith('crypto/noble/'));
    expect(bad.map(show)).toEqual([]);
  });

  // The @peculiar ASN.1 schemas are devDependencies, test oracles only (src/x509 reads and writes
  // its DER itself); @peculiar/x509 generates test PKIs and needs tsyringe's global polyfill.
  it('@peculiar/*, tsyringe and reflect-metadata are never imported from src/ (dev dependencies: test oracles and test PKIs)', () => {
    const bad = bare.filter((e) => /^(@peculiar\/|tsyringe(\/|$)|reflect-metadata(\/|$))/.test(e.specifier));
    expect(bad.map(show)).toEqual([]);
    for (const name of Object.keys(PKG.dependencies ?? {})) expect(name).not.toMatch(/^@peculiar\//);
  });

  it('node:* is imported only under src/node/ and src/tools/', () => {
    const bad = bare.filter((e) => e.specifier.startsWith('node:') && !/^(node|tools)\//.test(e.file));
    expect(bad.map(show)).toEqual([]);
  });

  it('@redis/client only in src/tools/redis-session-store.ts (loaded on demand by terminate)', () => {
    const bad = bare.filter((e) => e.specifier.startsWith('@redis/') && e.file !== 'tools/redis-session-store.ts');
    expect(bad.map(show)).toEqual([]);
  });

  it('fflate only in src/compression/fflate.ts (the puretls/fflate entry, outside the main bundle)', () => {
    const bad = bare.filter((e) => packageName(e.specifier) === 'fflate' && e.file !== 'compression/fflate.ts');
    expect(bad.map(show)).toEqual([]);
    const index = readFileSync(join(SRC, 'index.ts'), 'utf8');
    expect(index).not.toMatch(/compression\/fflate/);
  });

  it('every other bare import names a runtime dependency of package.json (no dev deps, no un-prefixed builtins)', () => {
    const deps = new Set(Object.keys(PKG.dependencies ?? {}));
    const bad = bare.filter((e) => !e.specifier.startsWith('node:') && !deps.has(packageName(e.specifier)));
    expect(bad.map(show)).toEqual([]);
  });

  it('the identifier Buffer does not appear in code below src/node/ (comments and strings excluded)', () => {
    const bad: string[] = [];
    for (const [file, sf] of PARSED) {
      if (/^(node|tools)\//.test(file)) continue;
      const visit = (n: ts.Node): void => {
        if (ts.isIdentifier(n) && n.text === 'Buffer') {
          bad.push(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    expect(bad).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

/** Why `from → to` is not allowed, or undefined when it is. */
function checkEdge(from: Component, to: Component, typeOnly: boolean): string | undefined {
  const forbidden = FORBIDDEN.find((f) => matchesPrefix(from.name, f.from) && to.name.startsWith(f.toPrefix));
  if (forbidden !== undefined) return `forbidden (${forbidden.reason})`;
  if (from.name === to.name) return undefined;
  if (to.layer < from.layer) return undefined;
  if (to.layer > from.layer) return `upward import from layer ${from.layer} (${from.name}) to layer ${to.layer} (${to.name})`;
  const exception = SAME_LAYER_EXCEPTIONS.find((x) => x.from === from.name && x.to === to.name);
  if (exception === undefined) return `sibling import within layer ${from.layer}: ${from.name} -> ${to.name}`;
  if (exception.typeOnly && !typeOnly) return `${from.name} -> ${to.name} must be type-only (${exception.reason})`;
  return undefined;
}

function matchesPrefix(name: string, pattern: string): boolean {
  return pattern.endsWith('/') ? name.startsWith(pattern) : name === pattern;
}

function matches(c: Component, file: string): boolean {
  return c.match.endsWith('/') ? file.startsWith(c.match) : file === c.match;
}

function componentOf(file: string): Component | undefined {
  const found = COMPONENTS.filter((c) => matches(c, file));
  return found.length === 1 ? found[0] : undefined;
}

/** Every module specifier in a file: import/export declarations, `import()` calls and `import('x').T` types. */
function importsOf(file: string, sf: ts.SourceFile): ImportEdge[] {
  const out: ImportEdge[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const clause = n.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((el) => el.isTypeOnly)));
      out.push({ file, specifier: n.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier !== undefined && ts.isStringLiteral(n.moduleSpecifier)) {
      out.push({ file, specifier: n.moduleSpecifier.text, typeOnly: n.isTypeOnly });
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = n.arguments[0];
      if (arg !== undefined && ts.isStringLiteralLike(arg)) out.push({ file, specifier: arg.text, typeOnly: false });
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      out.push({ file, specifier: n.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../');
}

function resolveRelative(e: ImportEdge): string | undefined {
  const target = posix.normalize(posix.join(posix.dirname(e.file), e.specifier));
  if (target.startsWith('../')) return undefined; // escapes src/
  return existsSync(join(SRC, target)) ? target : undefined;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function show(e: ImportEdge): string {
  return `src/${e.file} imports '${e.specifier}'`;
}

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return listTs(p);
    return name.endsWith('.ts') ? [p] : [];
  });
}

function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const dfs = (u: string): void => {
    state.set(u, 'open');
    stack.push(u);
    for (const v of graph.get(u) ?? []) {
      if (state.get(v) === 'open') cycles.push([...stack.slice(stack.indexOf(v)), v].join(' -> '));
      else if (state.get(v) === undefined) dfs(v);
    }
    stack.pop();
    state.set(u, 'done');
  };
  for (const u of graph.keys()) if (state.get(u) === undefined) dfs(u);
  return cycles;
}
