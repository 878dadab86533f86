/** The decoder contract (deterministic, only ConvertError escapes, any chunking → same output) over every FIT fixture and corpus file. */
import { basename } from 'node:path';
import { statSync } from 'node:fs';
import { describe } from 'vitest';
import { CORPUS, FIXTURES, HAS_CORPUS, listFiles, readBytes } from '../../helpers/paths.js';
import { decoderContract } from '../../helpers/contract.js';

describe('FIT decoder contract: fixtures', () => {
  for (const path of listFiles(FIXTURES, 'fit', '.fit')) {
    decoderContract(`fixtures/${basename(path)}`, () => readBytes(path), { sports: 'all' }, statSync(path).size > 50_000 ? 3 : 15);
  }
});

describe.runIf(HAS_CORPUS)('FIT decoder contract: corpus', () => {
  for (const path of listFiles(CORPUS, 'fit', '.fit')) {
    const size = statSync(path).size;
    decoderContract(`corpus/${basename(path)}`, () => readBytes(path), { sports: 'all' }, size > 300_000 ? 1 : size > 50_000 ? 2 : 6);
  }
});
