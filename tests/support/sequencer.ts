/**
 * The order `npm test` starts its files in: the longest first, so the two workers end close together
 * (vitest's own order on a fresh clone, with no timings cached, is by file size, which here says little).
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** About how long each long file takes, in seconds, measured; the rest take a few. */
const EXPECTED_SECONDS: Readonly<Record<string, number>> = {
  'conformance.mutants.freshbooks-mcp.test.ts': 40,
  'conformance.mutants.freshbooks-rest.test.ts': 45,
  'conformance.mutants.freshbooks-classic.test.ts': 40,
  'conformance.mutants.growcrm.test.ts': 15,
  'hostile-catalogue.test.ts': 120,
  'conformance.seeds.freshbooks-mcp.test.ts': 38,
  'conformance.seeds.freshbooks-classic.test.ts': 27,
  'conformance.seeds.freshbooks-rest.test.ts': 15,
  'conformance.seeds.growcrm.test.ts': 14,
  'action.test.ts': 60,
  'package.test.ts': 25,
  'conformance.stdio.test.ts': 40,
  'conformance.independent.test.ts': 30,
  'cli.test.ts': 30,
  'gate.test.ts': 30,
  'hostile.test.ts': 25,
  'pushback.test.ts': 25,
  'concurrency.test.ts': 16,
  'interrupts.test.ts': 16,
};

const expected = (spec: TestSpecification) => EXPECTED_SECONDS[spec.moduleId.replace(/^.*\//, '')] ?? 1;

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => expected(b) - expected(a));
  }
}
