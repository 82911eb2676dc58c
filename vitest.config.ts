import { defineConfig } from 'vitest/config';

// `npm test`: the project's own tests. The conformance suites in suites/ are run by the CLI, not here.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
