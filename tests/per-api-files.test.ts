/**
 * The mutant catalogues and seed sweeps run one file per API, so the workers share them: an API added
 * to the registry without its two files would go untested here, so that fails.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { APIS } from '../apis/registry.js';

it.each(APIS.map((api) => api.id))('%s has its mutant catalogue and its seed sweep files', (id) => {
  for (const kind of ['mutants', 'seeds'])
    expect(existsSync(join(import.meta.dirname, `conformance.${kind}.${id}.test.ts`)), `tests/conformance.${kind}.${id}.test.ts`).toBe(
      true,
    );
});
