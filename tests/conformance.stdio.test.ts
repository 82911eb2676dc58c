/**
 * The APIs reached over stdio (MCP): the embedded reference passes over stdio too, with zero failures
 * and zero warnings on 20 seeds, each family's server process started and stopped by the run, none left.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { APIS } from '../apis/registry.js';
import { SEEDS, runEmbedded, sharedRunner } from './support/in-process.js';

const runner = sharedRunner();

const STDIO_APIS = (await Promise.all(APIS.map(async (api) => ((await api.embedded()).stdioCommand ? [api] : [])))).flat();

/** Processes running the embedded stdio servers, by command line. */
function stdioServers(): string[] {
  const listing = execFileSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' });
  return listing.split('\n').filter((line) => /target\/stdio\.ts/.test(line) && !/^Z/.test(line.trim()));
}

describe.each(STDIO_APIS.map((api) => [api.id, api] as const))('the embedded %s reference over stdio', (_, api) => {
  it('passes every check on 20 seeds, and leaves no server process behind', { timeout: 600_000 }, async () => {
    const before = stdioServers().length;
    const failing: string[] = [];
    for (const seed of SEEDS) {
      const report = await runEmbedded(runner(), api.id, ['--stdio', '--seed', String(seed), '--runs', '3']);
      for (const family of api.families) expect(report.summary.families[family].passed, `${family} ran on seed ${seed}`).toBeGreaterThan(0);
      failing.push(...report.checks.filter((c) => !['passed', 'skipped'].includes(c.status)).map((c) => `seed ${seed}: ${c.id} ${c.status}`));
      if (report.exitCode !== 0) failing.push(`seed ${seed}: exit ${report.exitCode}`);
    }
    expect(failing).toEqual([]);
    expect(stdioServers().length).toBeLessThanOrEqual(before);
  });
});
