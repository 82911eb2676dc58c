/**
 * The APIs reached over stdio (MCP): the embedded reference passes over stdio too, with zero failures
 * and zero warnings, in one batch: on the first 5 seeds of the sweep here, on all 20 under
 * `npm run test:full`. What the checks judge does not depend on the transport, and the 20-seed sweep
 * over HTTP (conformance.seeds.<api>.test.ts) covers the seeds; these prove the transport carries
 * every check. (Every mutant over stdio: tests/support/mutant-catalogue.ts; no process left behind:
 * tests/cli.test.ts and tests/hostile.test.ts, whose server commands are their own.)
 */
import { describe, expect, it } from 'vitest';
import { APIS } from '../apis/registry.js';
import { SEEDS, SWEEP_RUNS, runEmbeddedBatch, sharedRunner } from './support/in-process.js';

const runner = sharedRunner();
const seeds = process.env.CLIENTELE_FULL ? SEEDS : SEEDS.slice(0, 5);

const STDIO_APIS = (await Promise.all(APIS.map(async (api) => ((await api.embedded()).stdioCommand ? [api] : [])))).flat();

describe.each(STDIO_APIS.map((api) => [api.id, api] as const))('the embedded %s reference over stdio', (_, api) => {
  it(`passes every check on ${seeds.length} seeds`, { timeout: 600_000 }, async () => {
    const reports = await runEmbeddedBatch(
      runner(),
      api.id,
      // The boundary phase's cases do not change with the seed: the first seed runs them (every seed under test:full).
      seeds.map((seed, i) => ({
        args: [
          '--stdio',
          '--seed',
          String(seed),
          '--runs',
          SWEEP_RUNS,
          ...(i === 0 || process.env.CLIENTELE_FULL ? [] : ['--no-boundary']),
        ],
      })),
    );
    const failing: string[] = [];
    for (const [i, report] of reports.entries()) {
      const seed = seeds[i];
      for (const family of api.families)
        if (!(report.summary.families[family]?.passed ?? 0)) failing.push(`seed ${seed}: ${family} did not run`);
      failing.push(
        ...report.checks.filter((c) => !['passed', 'skipped'].includes(c.status)).map((c) => `seed ${seed}: ${c.id} ${c.status}`),
      );
      if (report.exitCode !== 0) failing.push(`seed ${seed}: exit ${report.exitCode}`);
    }
    expect(failing.join('\n')).toBe('');
  });
});
