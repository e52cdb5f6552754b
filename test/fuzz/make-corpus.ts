/**
 * Regenerates the fuzz corpus seeds: `npx tsx test/fuzz/make-corpus.ts`. Existing files (e.g.
 * minimised crashes) are kept.
 */
import { writeCorpus } from './corpus.ts';

writeCorpus();
