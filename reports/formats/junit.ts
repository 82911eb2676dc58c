import type { ResponseExcerpt } from '../../engine/records.js';
import { FAMILIES, type CheckResult, type Family, type FailureRecord, type RunReport } from '../model.js';
import type { ReportFormat } from '../format.js';
import {
  baselineEntryText,
  basisText,
  blockedLine,
  bodyLabel,
  headerLines,
  oneLine,
  promiseCounts,
  responseStatus,
  visible,
  warningsNote,
} from '../render.js';

// XML 1.0 allows tab, LF, CR and these ranges; anything else (lone surrogates, U+FFFE/U+FFFF) makes the
// whole file unparsable for CI tools, so it is dropped. Control characters never get here: `escapeXml`
// shows them first (`\u001b`).
const ILLEGAL_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function stripIllegalXml(text: string): string {
  return text.replace(ILLEGAL_XML, '');
}

function escapeXml(text: string): string {
  return stripIllegalXml(visible(text))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Parsers normalise raw whitespace in attributes to spaces; character references survive. */
function escapeXmlAttribute(text: string): string {
  return escapeXml(text).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: number;
}

// Counted from the test cases written, not from `report.summary`, so the totals always agree with the file.
function count(checks: readonly CheckResult[]): Counts {
  const counts: Counts = { tests: checks.length, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const check of checks) {
    if (check.status === 'failed' && check.expectedFailure) counts.skipped++;
    else if (check.status === 'failed') counts.failures++;
    else if (check.status === 'errored') counts.errors++;
    else if (check.status === 'skipped' || check.status === 'blocked') counts.skipped++;
    counts.time += check.durationMs;
  }
  return counts;
}

function countAttributes(counts: Counts, timeMs = counts.time) {
  return {
    tests: counts.tests,
    failures: counts.failures,
    errors: counts.errors,
    skipped: counts.skipped,
    time: seconds(timeMs),
  };
}

function indentLines(lines: readonly string[]): string[] {
  return lines.flatMap((line) => line.split('\n').map((part) => `  ${part}`));
}

/** The response that broke the rule, as plain text: status line, headers, then the body excerpt. */
function responseText(response: ResponseExcerpt): string[] {
  const lines = [`response: ${responseStatus(response)}`];
  const headers = headerLines(response);
  if (headers.length > 0) lines.push(...indentLines(headers));
  if (response.body.length > 0) lines.push(`${bodyLabel(response).toLowerCase()}:`, ...indentLines([response.body]));
  else if (response.transportError === undefined || response.truncated) lines.push(bodyLabel(response).toLowerCase());
  return lines;
}

/** The plain-text detail of a failure: what it rests on, the answer, and everything needed to replay it. */
function failureText(failure: FailureRecord, check?: CheckResult): string {
  const lines: string[] = [`severity: ${failure.severity}`, `basis: ${basisText(failure.basis)}`];
  lines.push(`rule: ${failure.rule}${failure.basisRule !== failure.rule ? ` (basis rule: ${failure.basisRule})` : ''}`);
  if (failure.boundary !== undefined) lines.push(`boundary: ${oneLine(failure.boundary)}`);
  if (failure.operation !== undefined) lines.push(`operation: ${failure.operation}`);
  lines.push(`message: ${failure.message}`);
  const more = check && warningsNote(check);
  if (more) lines.push(`note: ${more}`);
  if (failure.expected !== undefined) lines.push('expected:', ...indentLines([failure.expected]));
  if (failure.actual !== undefined) lines.push('actual:', ...indentLines([failure.actual]));
  lines.push(`seed: ${failure.seed}`);
  if (failure.path !== undefined) lines.push(`path: ${failure.path}`);
  if (failure.counterexample !== undefined) lines.push('counterexample:', ...indentLines([failure.counterexample]));
  if (failure.response !== undefined) lines.push(...responseText(failure.response));
  const { steps, replay } = failure.reproduction;
  if (steps.length > 0) lines.push('reproduction:', ...indentLines(steps.map((step) => step.command)));
  steps.forEach((step, index) => {
    if (step.body) lines.push(`body ${index + 1}:`, ...indentLines([step.body]));
  });
  lines.push(`replay: ${replay}`);
  return lines.join('\n');
}

/** Per-test-case properties, which test-report actions read: the severity and the basis of a verdict, or the blocker. */
function caseProperties(values: readonly (readonly [string, string | undefined])[]): string[] {
  const rows = values.flatMap(([name, value]) => (value === undefined ? [] : [`        <property${attributes({ name, value })}/>`]));
  return rows.length > 0 ? ['      <properties>', ...rows, '      </properties>'] : [];
}

function failureProperties(failure: FailureRecord): string[] {
  return caseProperties([
    ['severity', failure.severity],
    ['rule', failure.rule],
    ['basis.rule', failure.basisRule],
    ['basis.grade', failure.basis.grade],
    ['basis.convention', failure.basis.convention === undefined ? undefined : oneLine(failure.basis.convention)],
    ['basis.says', oneLine(failure.basis.says)],
    ['basis.source', oneLine(failure.basis.source)],
    ['boundary', failure.boundary === undefined ? undefined : oneLine(failure.boundary)],
    ['response.status', failure.response?.httpStatus === undefined ? undefined : String(failure.response.httpStatus)],
  ]);
}

function testcase(report: Readonly<RunReport>, check: CheckResult): string {
  const open = `    <testcase${attributes({
    classname: `${report.api}.${check.family}`,
    name: check.name,
    time: seconds(check.durationMs),
  })}`;
  const element = (children: readonly string[]) => [`${open}>`, ...children, '    </testcase>'].join('\n');
  switch (check.status) {
    case 'passed':
      return `${open}/>`;
    case 'skipped':
      return `${open}>\n      <skipped${attributes({ message: check.note ?? 'skipped' })}/>\n    </testcase>`;
    case 'blocked': {
      const skipped = `      <skipped${attributes({ message: blockedLine(check) })}>${escapeXml(check.note ?? blockedLine(check))}</skipped>`;
      return element([
        ...caseProperties([
          ['status', 'blocked'],
          ['blockedBy', check.blockedBy],
        ]),
        skipped,
      ]);
    }
    case 'warned': {
      // A broken open rule does not fail the test case: it passes, and says why it warned.
      const failure = check.failure;
      const text = failure ? failureText(failure, check) : (check.note ?? 'warned');
      const properties = failure ? failureProperties(failure) : caseProperties([['severity', 'warning']]);
      return element([
        ...properties,
        `      <system-out>${escapeXml(`WARNING: ${failure?.message ?? check.note ?? 'warned'}\n${text}`)}</system-out>`,
      ]);
    }
    case 'failed': {
      const failure = check.failure;
      const message = failure?.message ?? check.note ?? 'failed';
      const body = failure ? failureText(failure, check) : message;
      const properties = failure ? failureProperties(failure) : [];
      // An expected failure (the baseline lists it) is reported as xfail tools do: skipped, with the failure kept.
      if (check.expectedFailure) {
        const skipped = `      <skipped${attributes({ message: `expected failure (in the baseline): ${message}` })}/>`;
        return element([
          ...properties,
          ...caseProperties([['expectedFailure', 'true']]),
          skipped,
          `      <system-out>${escapeXml(body)}</system-out>`,
        ]);
      }
      return element([
        ...properties,
        `      <failure${attributes({ message, type: failure?.rule ?? 'failed' })}>${escapeXml(body)}</failure>`,
      ]);
    }
    case 'errored': {
      const failure = check.failure;
      const message = check.note ?? failure?.message ?? 'errored';
      const details = [check.note, failure ? failureText(failure, check) : undefined].filter((part) => part !== undefined);
      const errorElement = `<error${attributes({ message, type: failure?.rule ?? 'check-error' })}>${escapeXml(details.join('\n\n'))}</error>`;
      return `${open}>\n      ${errorElement}\n    </testcase>`;
    }
  }
}

function properties(report: Readonly<RunReport>): string {
  const values: [string, string][] = [
    ['api', report.api],
    ['target', report.target],
    ['seed', String(report.seed)],
    ['runs', String(report.runs)],
    ['readOnly', String(report.readOnly)],
    ['strict', String(report.strict)],
    ['outcome', report.outcome],
    ['clientele.version', report.tool.version],
  ];
  if (report.error !== undefined) values.push(['error', report.error]);
  if (report.fixFirst?.length) values.push(['fixFirst', report.fixFirst.join(', ')]);
  if (report.shard) values.push(['shard', `${report.shard.index}/${report.shard.count}`]);
  if (report.mergedFrom !== undefined) values.push(['mergedFrom', String(report.mergedFrom)]);
  if (report.baseline) {
    values.push(['baseline', report.baseline.file], ['baseline.expected', String(report.baseline.expected.length)]);
    if (report.baseline.stale.length) values.push(['baseline.stale', report.baseline.stale.map(baselineEntryText).join(', ')]);
  }
  const promises = promiseCounts(report.promises);
  values.push(
    ['promises.kept', String(promises.kept)],
    ['promises.broken', String(promises.broken)],
    ['promises.untested', String(promises.untested)],
  );
  const rows = values.map(([name, value]) => `      <property${attributes({ name, value })}/>`);
  return ['    <properties>', ...rows, '    </properties>'].join('\n');
}

function testsuite(report: Readonly<RunReport>, family: Family, checks: readonly CheckResult[]): string {
  const open = `  <testsuite${attributes({
    name: `clientele.${family}`,
    ...countAttributes(count(checks)),
    timestamp: report.startedAt,
  })}>`;
  return [open, properties(report), ...checks.map((check) => testcase(report, check)), '  </testsuite>'].join('\n');
}

/** JUnit XML for CI dashboards: one suite per family, one test case per check. */
export const junitFormat: ReportFormat = {
  fileName: 'report.junit.xml',
  render(report: Readonly<RunReport>): string {
    // A suite per family the run covered (a family the API has no checks in is not an empty suite).
    const families = FAMILIES.filter(
      (family) => report.summary.families[family] !== undefined || report.checks.some((check) => check.family === family),
    );
    const byFamily = families.map((family) => report.checks.filter((check) => check.family === family));
    const suites = families.map((family, index) => testsuite(report, family, byFamily[index]!));
    const root = `<testsuites${attributes({
      name: `clientele ${report.api}`,
      ...countAttributes(count(byFamily.flat()), report.durationMs),
    })}>`;
    // Every value went through `escapeXml`; `visible` over the whole is the net for any that did not.
    return visible(['<?xml version="1.0" encoding="UTF-8"?>', root, ...suites, '</testsuites>', ''].join('\n'));
  },
};
