/**
 * @module test/fuzz/der-input
 * How fuzz inputs carry lists of DER elements (a certificate_list): the elements back to back,
 * each framed by its own DER header (X.690 §8.1). `splitDer` never fails: where a header is
 * unreadable or runs past the end, the rest of the input is one last element, so every byte of
 * the input reaches the code under test.
 */

/** The elements of `data`, back to back; see the module comment. */
export function splitDer(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    const end = elementEnd(data, at);
    const stop = end === undefined || end > data.length ? data.length : end;
    out.push(data.subarray(at, stop));
    at = stop;
  }
  return out;
}

/** Joins DER elements into one input (the inverse of `splitDer` for well-framed elements). */
export function joinDer(elements: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(elements.reduce((n, e) => n + e.length, 0));
  let at = 0;
  for (const e of elements) {
    out.set(e, at);
    at += e.length;
  }
  return out;
}

/** The end offset of the element at `at` by its header, or undefined when the header is unreadable. */
export function elementEnd(data: Uint8Array, at: number): number | undefined {
  const first = data[at + 1];
  if (first === undefined) return undefined;
  if (first < 0x80) return at + 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || at + 2 + n > data.length) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (data[at + 2 + i] as number);
  return at + 2 + n + len;
}
