/**
 * Loader for the RFC 8448 traces kept in vectors/rfc8448 in the RFC's own layout. A trace is a
 * list of steps (`{server}  derive secret "tls13 c hs traffic":`), each with labelled hex
 * fields (`secret (32 octets):  33 ad ...`). Page headers and footers are stripped first.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromHex } from '../../src/bytes/bytes.ts';
import type { PrivateKey } from '../../src/crypto/provider.ts';

export interface TraceStep {
  /** `client` or `server`. */
  readonly actor: string;
  /** The step text after the actor, without the trailing colon: `derive secret "tls13 c hs traffic"`. */
  readonly action: string;
  /** Labelled values in order of appearance; a label seen twice keeps both, in `all`. */
  readonly fields: ReadonlyMap<string, Uint8Array>;
  readonly all: readonly (readonly [string, Uint8Array])[];
}

export type TraceName =
  | '02-private-keys'
  | '03-simple-1rtt'
  | '04-resumed-0rtt'
  | '05-hello-retry-request'
  | '06-client-authentication'
  | '07-compatibility-mode';

/** Reads one trace file as text, page breaks removed. */
export function traceText(name: TraceName): string {
  const path = fileURLToPath(new URL(`../../vectors/rfc8448/${name}.txt`, import.meta.url));
  const lines = readFileSync(path, 'latin1').split('\n');
  const kept = lines.filter(
    (l) => !/^Thomson\s+Informational\s+\[Page \d+\]$/.test(l) && !/^RFC 8448\s+TLS 1\.3 Traces\s+January 2019$/.test(l) && !l.includes('\f'),
  );
  return kept.join('\n');
}

/** Parses a trace into steps. Fields whose value is not hex (e.g. `salt:  0 (all zero octets)`) are skipped. */
export function loadTrace(name: TraceName): TraceStep[] {
  const text = traceText(name);
  const steps: TraceStep[] = [];
  let current: { actor: string; action: string; all: [string, Uint8Array][] } | undefined;
  let label: string | undefined;
  let hex = '';
  const flush = (): void => {
    if (current && label !== undefined && hex.length > 0) current.all.push([label, fromHex(hex)]);
    label = undefined;
    hex = '';
  };
  const finishStep = (): void => {
    flush();
    if (current) steps.push({ ...current, fields: new Map(current.all) });
    current = undefined;
  };
  for (const line of text.split('\n')) {
    const step = /^ {3}\{(client|server)\}\s+(.*?):?\s*$/.exec(line);
    if (step) {
      finishStep();
      current = { actor: step[1] as string, action: (step[2] as string).replace(/:$/, ''), all: [] };
      continue;
    }
    if (!current) continue;
    // A field starts at 6 spaces: `label (N octets):  hex` or `label:  hex`.
    const field = /^ {6}(\S.*?)(?: \(\d+ octets\))?:\s+(.*)$/.exec(line);
    if (field && !/^ {7}/.test(line)) {
      flush();
      const value = (field[2] as string).trim();
      if (/^([0-9a-f]{2}( |$))+$/.test(value)) {
        label = field[1] as string;
        hex = value;
      }
      continue;
    }
    // Continuation lines are indented by 9 spaces.
    if (label !== undefined && /^ {9}[0-9a-f]{2}( [0-9a-f]{2})*\s*$/.test(line)) {
      hex += line.trim();
      continue;
    }
    if (line.trim() === '' ) continue;
    flush();
  }
  finishStep();
  return steps;
}

/** The first step whose actor and action match exactly. Throws if absent (a broken vector file). */
export function step(steps: readonly TraceStep[], actor: string, action: string, nth = 0): TraceStep {
  const found = steps.filter((s) => s.actor === actor && s.action === action);
  const s = found[nth];
  if (!s) throw new Error(`rfc8448: no step {${actor}} ${action} (#${nth})`);
  return s;
}

/** A field of a step. Throws if absent. */
export function field(s: TraceStep, label: string): Uint8Array {
  const v = s.fields.get(label);
  if (!v) throw new Error(`rfc8448: step {${s.actor}} ${s.action} has no field ${label}`);
  return v;
}

/** The RFC 8448 §2 server RSA key (1024-bit), as the providers take it. */
export function rfc8448RsaKey(): Extract<PrivateKey, { type: 'rsa' }> {
  const text = traceText('02-private-keys');
  const fields = new Map<string, Uint8Array>();
  let label: string | undefined;
  let hex = '';
  for (const line of text.split('\n')) {
    const f = /^ {3}(\w[\w ]*?)(?: \(public\))?:\s+([0-9a-f ]+)$/.exec(line);
    if (f) {
      if (label) fields.set(label, fromHex(hex));
      label = f[1] as string;
      hex = f[2] as string;
    } else if (label && /^ {6}[0-9a-f]{2}/.test(line)) {
      hex += line;
    }
  }
  if (label) fields.set(label, fromHex(hex));
  const get = (name: string): Uint8Array => {
    const v = fields.get(name);
    if (!v) throw new Error(`rfc8448: the §2 RSA key lacks ${name}`);
    return v;
  };
  return {
    type: 'rsa',
    n: get('modulus'),
    e: get('public exponent'),
    d: get('private exponent'),
    p: get('prime1'),
    q: get('prime2'),
    dp: get('exponent1'),
    dq: get('exponent2'),
    qi: get('coefficient'),
  };
}
