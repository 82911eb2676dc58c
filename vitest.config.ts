import { defineConfig } from 'vitest/config';

// `npm test`: the project's own tests. The conformance suites in suites/ are run by the CLI, not here.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // The two conformance files (one per API) are most of the run and each leaves a core idle at times;
    // vitest's default on a two-core machine is one worker, which runs them one after the other.
    maxWorkers: 2,
  },
});
