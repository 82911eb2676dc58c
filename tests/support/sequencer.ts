/**
 * The order `npm test` starts its files in: the longest first, so the two workers end close together
 * (vitest's own order on a fresh clone, with no timings cached, is by file size, which here says little).
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** About how long each long file takes, in seconds, measured; the rest take a few. */
const EXPECTED_SECONDS: Readonly<Record<string, number>> = {
  'conformance.mutants.freshbooks-mcp.test.ts': 40,
  'conformance.mutants.freshbooks-rest.test.ts': 40,
  'conformance.mutants.freshbooks-classic.test.ts': 30,
  'conformance.mutants.growcrm.test.ts': 17,
  'hostile-catalogue.test.ts': 100,
  'conformance.seeds.freshbooks-mcp.test.ts': 22,
  'conformance.seeds.freshbooks-classic.test.ts': 16,
  'conformance.seeds.freshbooks-rest.test.ts': 9,
  'conformance.seeds.growcrm.test.ts': 11,
  'action.test.ts': 36,
  'package.test.ts': 15,
  'conformance.stdio.test.ts': 6,
  'conformance.independent.test.ts': 29,
  'cli.test.ts': 25,
  'gate.test.ts': 18,
  'hostile.test.ts': 18,
  'pushback.test.ts': 20,
  'concurrency.test.ts': 19,
  'interrupts.test.ts': 14,
  'replay.test.ts': 11,
};

const expected = (spec: TestSpecification) => EXPECTED_SECONDS[spec.moduleId.replace(/^.*\//, '')] ?? 1;

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => expected(b) - expected(a));
  }
}
