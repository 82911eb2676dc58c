/**
 * The order `npm test` starts its files in: the longest first, so the two workers end close together
 * (vitest's own order on a fresh clone, with no timings cached, is by file size, which here says little).
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** About how long each long file takes, in seconds, measured; the rest take a few. */
const EXPECTED_SECONDS: Readonly<Record<string, number>> = {
  'conformance.mutants.test.ts': 200,
  'hostile-catalogue.test.ts': 120,
  'conformance.seeds.test.ts': 90,
  'action.test.ts': 50,
  'conformance.stdio.test.ts': 40,
  'conformance.independent.test.ts': 30,
  'cli.test.ts': 30,
  'gate.test.ts': 30,
  'hostile.test.ts': 25,
};

const expected = (spec: TestSpecification) => EXPECTED_SECONDS[spec.moduleId.replace(/^.*\//, '')] ?? 1;

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => expected(b) - expected(a));
  }
}
