/**
 * Coverage as a user sees it: the mutant whose owner action is gone (every PUT /clients/{id}/owner answers
 * 404) shows the operation unexercised in report.json, report.md, report.html and on the console; and
 * `--min-coverage` fails a run that leaves a documented operation unexercised.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReport, runMain, tempDir } from './support/cli.js';

describe('coverage in the reports', () => {
  it('names an operation a mutant made unreachable (owner-route-missing), with why, in every report and on the console', async () => {
    const dir = tempDir('coverage-owner');
    const result = await runMain([
      'run',
      '--api',
      'growcrm',
      '--mutant',
      'owner-route-missing',
      '--only',
      'actions',
      '--runs',
      '2',
      '--seed',
      '7',
      '--report-dir',
      dir,
    ]);
    expect(result.code).toBe(1);
    const report = readReport(dir);
    const owner = report.coverage.operations.find((operation: { id: string }) => operation.id === 'setClientOwner');
    expect(owner).toMatchObject({ exercised: false, succeeded: 0 });
    expect(owner.calls).toBeGreaterThan(0);
    expect(owner.why).toMatch(/^called \d+ times; no answer was a documented success$/);
    expect(report.coverage.criteria.find((c: { name: string }) => c.name === 'operations').missing).toContain('setClientOwner');
    expect(report.coverage.level).toBeLessThan(2);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(
      /## Coverage[\s\S]*`setClientOwner` PUT \/clients\/\{id\}\/owner — called \d+ times/,
    );
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(
      /id="coverage"[\s\S]*<code>setClientOwner<\/code>[\s\S]*no answer was a documented success/,
    );
    expect(result.stdout).toMatch(/^coverage: level 1 of 7; operations [0-7]\/8, /m);
  });

  it('--min-coverage fails a run that never exercised a documented operation; without it the same run passes', async () => {
    const dir = tempDir('coverage-min');
    const args = ['run', '--api', 'growcrm', '--only', 'pagination', '--runs', '1', '--seed', '3'];
    const plain = await runMain([...args, '--report-dir', join(dir, 'plain')]);
    expect(plain.code).toBe(0);
    const gated = await runMain([...args, '--min-coverage', '--report-dir', join(dir, 'gated')]);
    expect(gated.code).toBe(1);
    const report = readReport(join(dir, 'gated'));
    expect(report.outcome).toBe('failed');
    expect(report.error).toMatch(/^coverage below --min-coverage: operations [^;]*setClientTags[^;]*; statuses .* never exercised$/);
    expect(gated.stdout).toMatch(/^error: coverage below --min-coverage: /m);
  });
});
