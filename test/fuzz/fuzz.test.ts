/**
 * Fuzz targets under test (STYLE §8.1): the corpus in vectors/fuzz-corpus replays cleanly, the
 * recorded flights reach the end of the handshake under the fuzz provider, and each target
 * survives random inputs from fast-check and mutants from the seeded driver, all on the run's
 * seed (test/helpers/seed.ts). Oracle: only a TlsError other than internal_error may escape the
 * engine (the targets swallow those) and encoders reproduce what decoders accepted. Time and
 * memory budgets are checked by the campaign (`npm run fuzz`), never here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/connection/client.ts';
import { ServerConnection } from '../../src/connection/server.ts';
import { TlsError } from '../../src/errors.ts';
import { AlertDescription } from '../../src/protocol/registry.ts';
import { TEST_SEED } from '../helpers/seed.ts';
import { loadCorpus, recordedRuns } from './corpus.ts';
import { runDriver } from './driver.ts';
import { TARGET_NAMES, TARGETS } from './targets/index.ts';
import { FUZZ_CLIENT_CONFIG, FUZZ_SERVER_CONFIG, expectOnlyTlsErrors } from './targets/setup.ts';

describe('fuzz oracle', () => {
  it('swallows a TlsError and rethrows internal_error and anything else', () => {
    expect(() => expectOnlyTlsErrors(() => {
      throw new TlsError(AlertDescription.decode_error, 'x');
    })).not.toThrow();
    expect(() => expectOnlyTlsErrors(() => {
      throw new TlsError(AlertDescription.internal_error, 'x');
    })).toThrow(TlsError);
    expect(() => expectOnlyTlsErrors(() => {
      throw new TypeError('x');
    })).toThrow(TypeError);
  });
});

describe('fuzz corpus depth (fuzz provider)', () => {
  it('a recorded server flight drives a fresh fuzz client through the whole handshake', () => {
    for (const { run, replaysInto } of recordedRuns()) {
      if (replaysInto === 'server') continue;
      const client = new ClientConnection(FUZZ_CLIENT_CONFIG, { serverName: 'localhost' });
      client.receive(run.toClient);
      expect(client.isHandshakeDone).toBe(true);
      expect(client.peerClosed).toBe(true);
    }
  });

  it('a recorded client flight drives a fresh fuzz server through the whole handshake', () => {
    for (const { run, replaysInto } of recordedRuns()) {
      if (replaysInto === 'client') continue;
      const server = new ServerConnection(FUZZ_SERVER_CONFIG);
      server.receive(run.toServer);
      expect(server.isHandshakeDone).toBe(true);
      expect(server.peerClosed).toBe(true);
    }
  });
});

describe.each(TARGET_NAMES)('fuzz target %s', (name) => {
  const spec = TARGETS[name];
  const target = spec.fuzz;
  const corpus = loadCorpus(name);

  it('replays vectors/fuzz-corpus without a finding', () => {
    expect(corpus.length).toBeGreaterThan(0);
    for (const input of corpus) target(input);
  });

  it('survives random inputs (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1500 }), (data) => {
        target(data);
      }),
      { numRuns: spec.inTest.fastCheck },
    );
  });

  it('survives corpus entries with random byte patches (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...corpus),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (seed, patches) => {
          const data = seed.slice();
          for (const [at, v] of patches) data[at % data.length] = v;
          target(data);
        },
      ),
      { numRuns: spec.inTest.fastCheck },
    );
  });

  it('survives the seeded mutation driver', () => {
    const derPrefix = 'derPrefix' in spec ? spec.derPrefix : undefined;
    const result = runDriver(target, corpus, { seed: TEST_SEED, executions: spec.inTest.driver, maxLen: spec.maxLen, derPrefix });
    const first = result.findings[0];
    if (first) {
      const hex = Buffer.from(first.input).toString('hex');
      throw new Error(`fuzz ${name}: driver seed ${TEST_SEED}: ${result.findings.length} findings; first input ${hex}`, {
        cause: first.error,
      });
    }
    expect(result.executions).toBe(spec.inTest.driver);
  });
});
