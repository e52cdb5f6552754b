/**
 * @module test/fuzz/der-mutator
 * Structure-aware mutations for inputs made of DER (certificates, chains, keys; X.690 §8.1):
 * the input is read leniently into a tree of TLVs, one node is changed — its contents mutated
 * byte-wise, an INTEGER grown to hundreds of bytes (a huge RSA modulus or exponent), a child
 * deleted, duplicated or repeated many times (many SANs, many name-constraint subtrees), a tag
 * changed, a node replaced by one from another corpus entry — and the tree is re-encoded with
 * correct minimal lengths, so the change survives the strict reader's framing and reaches the
 * code behind it. Bytes that do not parse as DER are kept as an opaque node.
 */
import { mutate, type Rng } from './mutate.ts';

/**
 * A node: constructed with children (or an OCTET STRING / BIT STRING that encapsulates DER, as
 * extnValue and subjectPublicKey do: `prefix` is the BIT STRING's unused-bits octet), primitive
 * with contents, or opaque bytes (not DER).
 */
type Node = { tag: number; prefix: Uint8Array; children: Node[] } | { tag: number; value: Uint8Array } | { raw: Uint8Array };

/**
 * One structure-aware mutation of `data[prefix..]` (the first `prefix` bytes, e.g. an option
 * byte, are kept). Returns a new array.
 */
export function mutateDer(data: Uint8Array, prefix: number, rng: Rng, corpus: readonly Uint8Array[]): Uint8Array {
  const head = data.subarray(0, Math.min(prefix, data.length));
  const nodes = parseNodes(data.subarray(head.length), 0);
  const all = flatten(nodes);
  if (all.length === 0) return mutate(data, rng, corpus);
  const at = all[rng.below(all.length)] as Node;
  switch (rng.below(8)) {
    case 0:
    case 1: {
      // Mutate the contents byte-wise (or the raw bytes of an opaque node).
      if ('children' in at) return mutate(data, rng, corpus);
      if ('raw' in at) at.raw = mutate(at.raw, rng, corpus);
      else at.value = mutate(at.value, rng, corpus);
      break;
    }
    case 2: {
      // Grow a primitive (typically an INTEGER) to an interesting length, keeping its first byte.
      if (!('value' in at)) return mutate(data, rng, corpus);
      const len = GROW_LENGTHS[rng.below(GROW_LENGTHS.length)] as number;
      const out = new Uint8Array(len);
      for (let i = 0; i < len; i++) out[i] = rng.below(256);
      out[0] = (at.value[0] ?? 1) & 0x7f || 1;
      if (rng.below(2) === 0) out.fill(0xff, 1);
      at.value = out;
      break;
    }
    case 3: {
      // Repeat one child 2..64 times.
      if (!('children' in at) || at.children.length === 0) return mutate(data, rng, corpus);
      const i = rng.below(at.children.length);
      const copies = 1 + rng.below(rng.below(2) === 0 ? 4 : 64);
      at.children.splice(i, 0, ...Array.from({ length: copies }, () => clone(at.children[i] as Node)));
      break;
    }
    case 4: {
      if (!('children' in at) || at.children.length === 0) return mutate(data, rng, corpus);
      at.children.splice(rng.below(at.children.length), 1);
      break;
    }
    case 5: {
      if ('raw' in at) return mutate(data, rng, corpus);
      at.tag = rng.below(3) === 0 ? rng.below(256) : (TAGS[rng.below(TAGS.length)] as number);
      break;
    }
    default: {
      // Replace with a node of another corpus entry (structure-level crossover).
      const other = corpus[rng.below(corpus.length)] as Uint8Array;
      const donors = flatten(parseNodes(other.subarray(Math.min(prefix, other.length)), 0));
      const donor = donors[rng.below(donors.length)];
      if (donor === undefined) return mutate(data, rng, corpus);
      replace(nodes, at, clone(donor));
      break;
    }
  }
  const body = encodeNodes(nodes);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

/** Lengths a grown primitive takes: RSA moduli and exponents up to 8192 bits and past it. */
const GROW_LENGTHS: readonly number[] = [3, 5, 9, 33, 65, 129, 257, 385, 513, 769, 1025, 1100];
/** Tags worth swapping in: universal types, context tags [0]..[3] both forms. */
const TAGS: readonly number[] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x16, 0x17, 0x18, 0x1e, 0x30, 0x31, 0x80, 0x81, 0x82, 0x86, 0x87, 0xa0, 0xa1, 0xa3];
const MAX_DEPTH = 24;

function parseNodes(b: Uint8Array, depth: number): Node[] {
  const out: Node[] = [];
  let at = 0;
  while (at < b.length) {
    const h = header(b, at);
    if (h === undefined || h.end > b.length) {
      out.push({ raw: b.slice(at) });
      break;
    }
    const value = b.subarray(h.start, h.end);
    const tag = b[at] as number;
    out.push(structured(tag, value, depth) ?? { tag, value: value.slice() });
    at = h.end;
  }
  return out;
}

/** The node as children when its contents are DER: constructed, or an encapsulating string. */
function structured(tag: number, value: Uint8Array, depth: number): Node | undefined {
  if (depth >= MAX_DEPTH) return undefined;
  const prefixLen = (tag & 0x20) !== 0 || tag === 0x04 ? 0 : tag === 0x03 && value[0] === 0 ? 1 : -1;
  if (prefixLen < 0 || value.length <= prefixLen) return (tag & 0x20) !== 0 && value.length === 0 ? { tag, prefix: new Uint8Array(0), children: [] } : undefined;
  const children = parseNodes(value.subarray(prefixLen), depth + 1);
  if (children.some((c) => 'raw' in c)) return undefined;
  return { tag, prefix: value.slice(0, prefixLen), children };
}

function header(b: Uint8Array, at: number): { start: number; end: number } | undefined {
  const first = b[at + 1];
  if (first === undefined || ((b[at] as number) & 0x1f) === 0x1f) return undefined;
  if (first < 0x80) return { start: at + 2, end: at + 2 + first };
  const n = first & 0x7f;
  if (n === 0 || n > 3 || at + 2 + n > b.length) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (b[at + 2 + i] as number);
  return { start: at + 2 + n, end: at + 2 + n + len };
}

function encodeNodes(nodes: readonly Node[]): Uint8Array {
  const parts = nodes.map(encodeNode);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function encodeNode(n: Node): Uint8Array {
  if ('raw' in n) return n.raw;
  const value = 'children' in n ? concatBytes(n.prefix, encodeNodes(n.children)) : n.value;
  const len = value.length;
  const lenBytes = len < 0x80 ? [len] : len < 0x100 ? [0x81, len] : len < 0x10000 ? [0x82, len >> 8, len & 0xff] : [0x83, len >> 16, (len >> 8) & 0xff, len & 0xff];
  const out = new Uint8Array(1 + lenBytes.length + len);
  out[0] = n.tag;
  out.set(lenBytes, 1);
  out.set(value, 1 + lenBytes.length);
  return out;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function flatten(nodes: readonly Node[]): Node[] {
  const out: Node[] = [];
  const walk = (list: readonly Node[]): void => {
    for (const n of list) {
      out.push(n);
      if ('children' in n) walk(n.children);
    }
  };
  walk(nodes);
  return out;
}

function replace(list: Node[], target: Node, by: Node): boolean {
  for (let i = 0; i < list.length; i++) {
    const n = list[i] as Node;
    if (n === target) {
      list[i] = by;
      return true;
    }
    if ('children' in n && replace(n.children, target, by)) return true;
  }
  return false;
}

function clone(n: Node): Node {
  if ('raw' in n) return { raw: n.raw };
  if ('children' in n) return { tag: n.tag, prefix: n.prefix, children: n.children.map(clone) };
  return { tag: n.tag, value: n.value };
}
