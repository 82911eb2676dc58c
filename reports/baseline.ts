/**
 * Expected failures: a baseline file lists checks (or rules) a gate accepts as failing for now, as the
 * MCP conformance suite's expected-failures list does. Applied to a report, the listed failures stop
 * failing the gate, anything else still fails it, and listed entries whose checks now pass are stale.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, stringify } from 'yaml';
import { ConfigError, EXIT } from '../engine/failures.js';
import { couldNotRun } from './build.js';
import type { BaselineEntry, CheckResult, RunReport } from './model.js';
import { legacyCheckId } from '../engine/records.js';

export interface Baseline {
  readonly file: string;
  readonly entries: readonly BaselineEntry[];
}

const KEYS = new Set(['check', 'rule', 'api', 'reason']);

/** Reads a baseline file; `resolveApi` turns an alias into the API's id (and refuses unknown ones). */
export function loadBaseline(file: string, resolveApi: (name: string) => string): Baseline {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'), { uniqueKeys: true, maxAliasCount: 100 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${file}: ${code ? `cannot be read (${code})` : `not valid YAML: ${(error as Error).message.split('\n')[0]}`}`);
  }
  const list = (data as { 'expected-failures'?: unknown } | null)?.['expected-failures'];
  if (!Array.isArray(list))
    throw new ConfigError(`${file}: expected-failures: missing (a list of check ids, or of {check|rule, api, reason})`);
  const entries = list.map((item, i): BaselineEntry => {
    const at = `${file}: expected-failures[${i}]`;
    if (typeof item === 'string' && item.includes('/')) return { check: item };
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      throw new ConfigError(`${at}: must be a check id (family/slug) or {check|rule, api, reason}`);
    const entry = item as Record<string, unknown>;
    const unknown = Object.keys(entry).find((key) => !KEYS.has(key));
    if (unknown) throw new ConfigError(`${at}.${unknown}: unknown key (check, rule, api, reason)`);
    for (const key of KEYS)
      if (entry[key] !== undefined && typeof entry[key] !== 'string') throw new ConfigError(`${at}.${key}: must be a string`);
    if (entry.check === undefined && entry.rule === undefined) throw new ConfigError(`${at}: names neither a check nor a rule`);
    return { ...(entry as BaselineEntry), ...(typeof entry.api === 'string' ? { api: resolveApi(entry.api) } : {}) };
  });
  return { file, entries };
}

/** A check that fails the gate without a baseline: a failure, or a warning under --strict. */
function failing(check: CheckResult, strict: boolean): boolean {
  return check.status === 'failed' || (strict && check.status === 'warned');
}

/** Whether the entry names this check, by its id or by the id it had before checks got short titles. */
function names(entry: BaselineEntry, check: CheckResult): boolean {
  return entry.check === check.id || (check.claim !== undefined && entry.check === legacyCheckId(check.family, check.claim));
}

function matches(entry: BaselineEntry, check: CheckResult): boolean {
  if (entry.check !== undefined) return names(entry, check);
  return check.failure !== undefined && (check.failure.rule === entry.rule || check.failure.basisRule === entry.rule);
}

/** Whether this report ran what the entry names (so its passing says the entry is stale). */
function judged(entry: BaselineEntry, check: CheckResult): boolean {
  if (check.status === 'skipped' || check.status === 'blocked' || check.status === 'errored') return false;
  return entry.check !== undefined ? names(entry, check) : (check.rules ?? []).includes(entry.rule!);
}

/**
 * The report as the gate sees it with a baseline: expected failures marked, the outcome and exit code
 * recomputed (only a run that failed can turn into a pass; a crash or an unreachable target stays).
 */
export function applyBaseline(report: RunReport, baseline: Baseline): RunReport {
  const entries = baseline.entries.filter((entry) => entry.api === undefined || entry.api === report.api);
  const checks = report.checks.map((check): CheckResult => {
    const { expectedFailure: _previous, ...rest } = check;
    return failing(check, report.strict) && entries.some((entry) => matches(entry, check)) ? { ...rest, expectedFailure: true } : rest;
  });
  const failingChecks = checks.filter((check) => failing(check, report.strict));
  const expected = failingChecks.filter((check) => check.expectedFailure).map((check) => check.id);
  const unexpected = failingChecks.filter((check) => !check.expectedFailure).map((check) => check.id);
  const stale = entries.filter(
    (entry) => !failingChecks.some((check) => matches(entry, check)) && checks.some((check) => judged(entry, check)),
  );
  const gateOnly = report.outcome === 'failed' || report.outcome === 'passed';
  const passes = gateOnly && unexpected.length === 0;
  // Expected failures aside, a run whose stop kept checks from running still could not test.
  const unusable = passes ? couldNotRun(checks) : undefined;
  const verdict: Partial<RunReport> = unusable
    ? { outcome: 'target-unusable', exitCode: EXIT.unreachable, error: unusable }
    : { outcome: passes ? 'passed' : 'failed', exitCode: passes ? EXIT.ok : EXIT.failures };
  return {
    ...report,
    checks,
    ...(gateOnly ? verdict : {}),
    baseline: { file: baseline.file, expected, unexpected, stale },
  };
}

/** A baseline that expects exactly the failures of these reports (one entry per failing check, per API), and how many it lists. */
export function baselineFrom(reports: readonly RunReport[], from: string): { text: string; count: number } {
  const entries = reports.flatMap((report) =>
    report.checks
      .filter((check) => failing(check, report.strict))
      .map((check) => ({
        check: check.id,
        api: report.api,
        reason: `${check.failure?.rule ?? check.status}: ${oneLine(check.failure?.message ?? check.note ?? '')}`.slice(0, 160),
      })),
  );
  const header = [
    `# clientele baseline: failures this gate expects for now, written from ${from}.`,
    '# Each entry names a check (or a rule) and, optionally, the API it applies to. A run with',
    '# --baseline exits 0 when only these fail, and lists entries whose checks pass again as stale:',
    '# remove those. Keep a reason, so the next reader knows why each one is accepted.',
  ];
  return { text: `${header.join('\n')}\n${stringify({ 'expected-failures': entries }, { lineWidth: 0 })}`, count: entries.length };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
