/** The promise every embedded reference rests on: it passes with zero failures and zero warnings whatever the seed. */
import { describe, expect, it } from 'vitest';
import type { ApiDescriptor } from '../apis/descriptor.js';
import { APIS } from '../apis/registry.js';
import { SEEDS, runEmbedded, sharedRunner } from './support/in-process.js';

const runner = sharedRunner();

/**
 * Per API, what a seed run adds to the defaults: a tool call over MCP costs several times an HTTP
 * request, so the MCP sweeps run 5 cases per property (and the kill matrix the default 20): twenty
 * seeds still reach the boundary phase and every check in every family.
 */
function sweepArgs(api: ApiDescriptor): string[] {
  return api.transport === 'mcp' ? ['--runs', '5'] : [];
}

describe.each(APIS.map((api) => [api.id, api] as const))('the embedded %s reference', (_, api) => {
  it('passes every check with zero failures and zero warnings on 20 different seeds, and runs checks in every family it has', { timeout: 600_000 }, async () => {
    const outcomes: { seed: number; code: number; notPassed: string[] }[] = [];
    for (const seed of SEEDS) {
      const report = await runEmbedded(runner(), api.id, ['--seed', String(seed), ...sweepArgs(api)]);
      for (const family of api.families) expect(report.summary.families[family].passed, `${family} ran on seed ${seed}`).toBeGreaterThan(0);
      outcomes.push({ seed, code: report.exitCode, notPassed: report.checks.filter((c) => !['passed', 'skipped'].includes(c.status)).map((c) => `${c.id} ${c.status}`) });
    }
    expect(outcomes).toHaveLength(20);
    expect(outcomes.filter((o) => o.code !== 0 || o.notPassed.length > 0)).toEqual([]);
  });
});
