import { defineConfig } from 'vitest/config';
import { LongestFirst } from './tests/support/sequencer.js';

// `npm test`: the project's own tests, in three projects. `unit` runs in seconds on its own
// (`npx vitest run --project unit`); `integration` starts targets and runs the suites against them;
// `isolated` holds the files that need modules of their own.
// `npm run test:full` (CLIENTELE_FULL=1) adds `full`: the whole kill matrix of every catalogue, held to
// its committed record, and 20 seeds where `npm test` sweeps 3.
// The conformance suites in suites/ are run by the CLI's runner, not here.
// Test files share the modules they import (`isolate: false`, tests/support/per-file.ts): loading the
// engine, the references and vitest's node API once per worker rather than once per file saves about a
// tenth of the suite's CPU. The files that need modules of their own (the registry read from the
// environment as it loads) run in `isolated`.
const INTEGRATION = [
  'tests/conformance.*.test.ts',
  'tests/mcp-transport.test.ts',
  'tests/target.freshbooks-mcp.test.ts',
  'tests/cli.test.ts',
  'tests/hostile.test.ts',
  'tests/pushback.test.ts',
  'tests/runner.test.ts',
  'tests/prerequisites.test.ts',
  'tests/preflight.test.ts',
  'tests/interrupts.test.ts',
  'tests/hostile-catalogue.test.ts',
  'tests/replay.test.ts',
  'tests/browser.test.ts',
  'tests/gate.test.ts',
  'tests/action.test.ts',
  'tests/console.test.ts',
  'tests/run-context.test.ts',
  'tests/coverage-run.test.ts',
  'tests/package.test.ts',
];
const FULL = ['tests/full/*.test.ts'];
const ISOLATED = ['tests/fixture-api.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    // A stray `.only` must not narrow CI.
    allowOnly: false,
    sequence: { sequencer: LongestFirst },
    isolate: false,
    setupFiles: ['tests/support/per-file.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: [...INTEGRATION, ...ISOLATED, ...FULL] } },
      { extends: true, test: { name: 'integration', include: INTEGRATION } },
      { extends: true, test: { name: 'isolated', include: ISOLATED, isolate: true } },
      ...(process.env.CLIENTELE_FULL ? [{ extends: true as const, test: { name: 'full', include: FULL } }] : []),
    ],
  },
});
