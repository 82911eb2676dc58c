/**
 * Small CLI mends, each checked in this process without starting a target: the hint a value with a
 * missing or wrong unit gets, the nearest known key for an unknown config key, `preflight: false` as
 * the file's `--no-preflight`, and the replay's id substitution keeping out of timestamps.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeGiven, parseCli, readArgs, resolveOptions } from '../cli/args.js';
import { loadConfig, optionValues } from '../cli/config-file.js';
import { IdMap, sameAnswer } from '../cli/replay-answers.js';
import type { Exchange } from '../engine/exchange.js';
import type { RecordedStep } from '../engine/records.js';
import { readReport, runMain, tempDir } from './support/cli.js';
import { findApi } from '../apis/registry.js';
import { concurrencyAt, defaultConcurrency } from '../cli/run-config.js';
import type { RunTarget } from '../engine/config.js';
import { destination, type DestinationInput } from '../cli/replay-target.js';

/** A usage error as the user meets it: exit 2, exactly one line, no stack trace, a report saying why. */
async function refused(args: readonly string[]): Promise<string> {
  const dir = tempDir('mends');
  const result = await runMain([...args, '--report-dir', dir]);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(readReport(dir)).toMatchObject({ outcome: 'usage-error', exitCode: 2 });
  return result.stderr.trimEnd();
}

/** A config file with this text, in a directory of the test's own. */
function configWith(lines: readonly string[]): string {
  const file = join(tempDir('mends-config'), 'clientele.config.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe("a value whose unit is missing or not the option's: one line naming the unit and the forms it takes", () => {
  it.each([
    [['run', '--max-duration', '1'], 'clientele: --max-duration 1: give a unit, e.g. 90s, 15m or 1h'],
    [['run', '--max-duration', '900000'], 'clientele: --max-duration 900000: give a unit, e.g. 90s, 15m or 1h'],
    [['replay', 'report.json', '--max-duration', '30'], 'clientele: --max-duration 30: give a unit, e.g. 90s, 15m or 1h'],
    [['run', '--timeout', '10s'], 'clientele: --timeout 10s: give milliseconds without a unit, e.g. 10000 for 10 s'],
    [['run', '--max-body', '8MB'], 'clientele: --max-body 8MB: give bytes without a unit, e.g. 8388608 for 8 MiB'],
  ])('%j', async (args, line) => {
    expect(await refused(args)).toBe(line);
  });

  it('a unit given and out of range is still judged against the range', async () => {
    expect(await refused(['run', '--max-duration', '500ms'])).toBe("clientele: --max-duration must be between 1s and 24h, got '500ms'");
  });

  it('values with the right unit parse as before', () => {
    const options = parseCli(['run', '--max-duration', '90s', '--timeout', '2500', '--max-body', '4096'], {});
    expect([options.maxDurationMs, options.timeoutMs, options.maxBodyBytes]).toEqual([90_000, 2500, 4096]);
    expect(parseCli(['run', '--max-duration', '2h'], {}).maxDurationMs).toBe(7_200_000);
  });

  it.each([
    [['options:', '  maxDuration: 1'], 'options.maxDuration 1: give a unit, e.g. 90s, 15m or 1h'],
    [['options:', '  maxDuration: "15"'], 'options.maxDuration 15: give a unit, e.g. 90s, 15m or 1h'],
    [['options:', '  timeout: 10s'], 'options.timeout 10s: give milliseconds without a unit, e.g. 10000 for 10 s'],
    [['options:', '  maxBody: 8MiB'], 'options.maxBody 8MiB: give bytes without a unit, e.g. 8388608 for 8 MiB'],
    [['    options:', '      maxDuration: 5'], 'targets[0].options.maxDuration 5: give a unit, e.g. 90s, 15m or 1h'],
  ])('in the config file: %j', async (lines, message) => {
    const file = configWith(['targets:', '  - api: growcrm', ...lines]);
    expect(await refused(['run', '--config', file])).toBe(`clientele: ${file}: ${message}`);
  });
});

describe('an unknown config key: one line naming it, and the nearest known key when one is close', () => {
  it.each([
    [['option:', '  runs: 3', 'targets:', '  - api: growcrm'], 'option: unknown key (did you mean options?)'],
    [['reportdir: out', 'targets:', '  - api: growcrm'], 'reportdir: unknown key (did you mean reportDir?)'],
    [['targets:', '  - api: growcrm', '    tokn_env: X'], 'targets[0].tokn_env: unknown key (did you mean tokenEnv?)'],
    [['targets:', '  - api: freshbooks-rest', '    acountId: A'], 'targets[0].acountId: unknown key (did you mean accountId?)'],
    [
      ['targets:', '  - api: growcrm', '    options:', '      readonly: true'],
      'targets[0].options.readonly: unknown key (did you mean readOnly?)',
    ],
    [['targets:', '  - api: growcrm', 'options:', '  max_duration: 90s'], 'options.max_duration: unknown key (did you mean maxDuration?)'],
    [['targets:', '  - api: growcrm', '    colour: blue'], 'targets[0].colour: unknown key (see generated/schemas/config.schema.json)'],
  ])('%j', async (lines, message) => {
    const file = configWith(lines);
    expect(await refused(['run', '--config', file])).toBe(`clientele: ${file}: ${message}`);
  });

  it('a token put in the file is still told where it goes instead', async () => {
    const file = configWith(['targets:', '  - api: growcrm', '    token: 0a1b2c3d4e5f']);
    const line = await refused(['run', '--config', file]);
    expect(line).toMatch(/targets\[0\]\.token: a token never goes in the file.*tokenEnv$/);
    expect(line).not.toContain('0a1b2c3d4e5f');
  });
});

describe('preflight: false in the config file', () => {
  it('is valid in the file and in a target, and stands for --no-preflight', () => {
    const config = loadConfig(
      configWith(['options:', '  preflight: false', 'targets:', '  - api: growcrm', '    options:', '      preflight: false']),
    );
    expect(config.options).toEqual({ preflight: false });
    const set = (given: ReturnType<typeof optionValues>) => Object.entries(given.values).filter(([, value]) => value !== undefined);
    expect(set(optionValues(config.options))).toEqual([['no-preflight', true]]);
    expect(set(optionValues(config.targets[0]!.options))).toEqual([['no-preflight', true]]);
    expect(set(optionValues({ preflight: true }))).toEqual([['no-preflight', false]]);
    // A target's preflight: true undoes the file's false.
    const undone = mergeGiven(readArgs(['run']), optionValues(config.options), optionValues({ preflight: true }));
    expect(resolveOptions(undone, {}).preflight).toBe(true);
    expect(resolveOptions(mergeGiven(readArgs(['run']), optionValues(config.options)), {}).preflight).toBe(false);
    expect(parseCli(['run'], {}).preflight).toBe(true);
  });
});

describe("replay's ids stay out of timestamps", () => {
  // A fresh server handed out 4 where the run's had 30; the run's answer was stamped at 05:30:12.
  const ids = new IdMap();
  ids.learn('<response><client_id>30</client_id></response>', '<response><client_id>4</client_id></response>');
  const client = (id: string, updated: string) =>
    `<response><client><client_id>${id}</client_id><updated>${updated}</updated></client></response>`;
  const step = (body: string): RecordedStep =>
    ({
      operation: 'client.get',
      request: { method: 'POST', url: 'http://127.0.0.1:1/' },
      answer: { httpStatus: 200, body, truncated: false },
    }) as RecordedStep;
  const observed = (body: string) => ({ response: { httpStatus: 200, body } }) as Exchange;

  it('an answer recorded at a minute or second equal to an old id answers as recorded', () => {
    for (const at of ['2026-12-07 05:30:12', '2026-12-07 05:12:30', '2026-12-07T05:30:30Z']) {
      expect(sameAnswer(step(client('30', at)), observed(client('4', '2026-12-07 06:01:02')), ids), at).toBe(true);
    }
    // The id itself is still substituted: another id is another answer.
    expect(sameAnswer(step(client('30', '2026-12-07 05:30:12')), observed(client('5', '2026-12-07 06:01:02')), ids)).toBe(false);
  });

  it('a request keeps its timestamps and gets the new ids', () => {
    expect(ids.inRequest('<client_id>30</client_id><updated_from>2026-12-07 05:30:00</updated_from>')).toBe(
      '<client_id>4</client_id><updated_from>2026-12-07 05:30:00</updated_from>',
    );
    expect(ids.inAnswer('{"id":30,"updated":"2026-12-07T05:30:30Z","note":"30"}')).toBe(
      '{"id":4,"updated":"2026-12-07T05:30:30Z","note":"4"}',
    );
  });
});

describe('where replay sends a report’s requests', () => {
  const input = (reportTarget: string, where?: RunTarget): DestinationInput => ({
    reportTarget,
    ...(where ? { where } : {}),
    replayLine: 'npx clientele run --api growcrm --seed 1',
    credentials: () => ({ token: 't' }),
    steps: [],
    allowWrites: false,
  });

  it('reads the report’s typed target, whatever its label says', () => {
    const api = findApi('growcrm');
    expect(destination(api, input('a label no parser knows', { kind: 'embedded', mutant: 'tags-appended' })).label).toBe(
      'embedded growcrm mutant tags-appended, started again',
    );
    expect(destination(api, input('a label no parser knows', { kind: 'url', url: 'http://127.0.0.1:9/api' })).label).toBe(
      'http://127.0.0.1:9/api',
    );
  });

  it('reads the label back only for a report written before the typed target was kept', () => {
    const api = findApi('growcrm');
    expect(destination(api, input('embedded growcrm mutant tags-appended')).label).toBe(
      'embedded growcrm mutant tags-appended, started again',
    );
    expect(() => destination(api, input('a label no parser knows'))).toThrow(/no server to replay against/);
  });
});

describe('the concurrency a run picks when the user does not say', () => {
  it('is high for a target whose answers cross a distance while other processes leave the cores alone, three for one on this machine', () => {
    expect(concurrencyAt({ fastestAnswerMs: 20, othersBusyShare: 0.1 })).toBeGreaterThan(3);
    expect(concurrencyAt({ fastestAnswerMs: 20, othersBusyShare: undefined })).toBeGreaterThan(3);
    expect(concurrencyAt({ fastestAnswerMs: 1, othersBusyShare: 0.1 })).toBe(3);
    expect(concurrencyAt({ fastestAnswerMs: Infinity, othersBusyShare: 0 })).toBe(1);
  });

  it('is three for a server on this machine (a command too), one for the embedded reference, high for one elsewhere', () => {
    expect(defaultConcurrency({ kind: 'url', url: 'http://127.0.0.1:8080/api' })).toBe(3);
    expect(defaultConcurrency({ kind: 'url', url: 'http://localhost:8080/api' })).toBe(3);
    expect(defaultConcurrency({ kind: 'embedded' })).toBe(1);
    expect(defaultConcurrency({ kind: 'command', command: 'node server.js' })).toBe(3);
    expect(defaultConcurrency({ kind: 'url', url: 'https://api.example.com/' })).toBeGreaterThan(3);
  });

  it('is one when the answers were slow because other processes kept the cores busy (a loaded machine), not far', () => {
    expect(concurrencyAt({ fastestAnswerMs: 20, othersBusyShare: 0.9 })).toBe(1);
    expect(concurrencyAt({ fastestAnswerMs: 400, othersBusyShare: 0.7 })).toBe(1);
  });

  it("leaves out the load of a shard's neighbours (most likely its siblings): high for slow answers, three for fast ones", () => {
    expect(concurrencyAt({ fastestAnswerMs: 20, othersBusyShare: 0.9 }, true)).toBeGreaterThan(3);
    expect(concurrencyAt({ fastestAnswerMs: 1, othersBusyShare: 0.9 }, true)).toBe(3);
    expect(concurrencyAt({ fastestAnswerMs: Infinity, othersBusyShare: 0 }, true)).toBe(1);
  });
});
