/** The top of the HTML report: what was run and how it went, per family, and the promises. */
import type { FamilySummary, PromiseRow, RunReport } from '../../model.js';
import { SUMMARY_COLUMNS, checkCount, coveredFamilies, formatDuration, oneLine, promiseCounts } from '../../render.js';
import { badge, code, escapeHtml, facts, plural } from './markup.js';

const OUTCOME_TONE: Record<RunReport['outcome'], string> = {
  passed: 'passed',
  failed: 'failed',
  'target-unusable': 'blocked',
  interrupted: 'blocked',
  'usage-error': 'errored',
  'target-unreachable': 'errored',
  'internal-error': 'errored',
};

/** The target as the heading shows it: a long one (a URL with a long query) shortened in the middle; the facts show it whole. */
function headingTarget(target: string): string {
  const chars = Array.from(target);
  return chars.length <= 90 ? target : `${chars.slice(0, 64).join('')}…${chars.slice(-20).join('')}`;
}

export function masthead(report: Readonly<RunReport>): string {
  const tone = OUTCOME_TONE[report.outcome] ?? 'errored';
  return [
    '<header class="masthead">',
    '<div class="masthead-text">',
    `<div class="eyebrow">clientele ${escapeHtml(report.tool.version)} · contract report</div>`,
    `<h1>${escapeHtml(report.api)} <span class="against">against</span> ` +
      `<span class="target" title="${escapeHtml(report.target)}">${escapeHtml(headingTarget(report.target))}</span></h1>`,
    '</div>',
    `<div class="outcome st-${tone}"><span class="outcome-word">${escapeHtml(report.outcome)}</span>` +
      `<span class="outcome-exit">exit code ${escapeHtml(String(report.exitCode))}</span></div>`,
    '</header>',
  ].join('\n');
}

/** The baseline in one line: how many failures it expected, how many it did not, and its stale entries. */
function baselineFact(report: Readonly<RunReport>): string | undefined {
  const baseline = report.baseline;
  if (baseline === undefined) return undefined;
  const parts = [`${baseline.expected.length} expected`, `${baseline.unexpected.length} unexpected`, `${baseline.stale.length} stale`];
  return `${code(baseline.file)}: ${escapeHtml(parts.join(', '))}`;
}

export function runFacts(report: Readonly<RunReport>): string {
  const rows: [string, string][] = [
    ['API', code(report.api)],
    ['Target', code(report.target)],
    ['Outcome', `${escapeHtml(report.outcome)} (exit code ${escapeHtml(String(report.exitCode))})`],
    ['Seed', `${code(report.seed)}, ${escapeHtml(String(report.runs))} runs per property${report.readOnly ? ', read-only' : ''}`],
    ['Strict', report.strict ? 'yes, warnings fail the run' : 'no, warnings do not fail the run'],
    ['Started', escapeHtml(report.startedAt)],
    ['Duration', `${escapeHtml(formatDuration(report.durationMs))}, ${escapeHtml(plural(report.summary.requests, 'request'))}`],
  ];
  if (report.summary.rateLimit.retries > 0) {
    const { retries, waitedMs } = report.summary.rateLimit;
    rows.push(['Rate limited', escapeHtml(`${retries} ${retries === 1 ? 'retry' : 'retries'}, waited ${formatDuration(waitedMs)}`)]);
  }
  if (report.shard !== undefined) {
    const { index, count, balancedBy } = report.shard;
    rows.push([
      'Shard',
      escapeHtml(`${index} of ${count}, balanced by ${balancedBy === 'durations' ? 'earlier durations' : 'check count'}`),
    ]);
  }
  if (report.mergedFrom !== undefined) rows.push(['Merged', escapeHtml(`from ${plural(report.mergedFrom, 'shard report')}`)]);
  const baseline = baselineFact(report);
  if (baseline !== undefined) rows.push(['Baseline', baseline]);
  return facts(rows, 'facts run-facts');
}

/** A stacked bar of a family's statuses; each part's share is its count (flex-grow), its title the count in words. */
function statusBar(counts: Readonly<FamilySummary>, label: string): string {
  const total = checkCount(counts);
  const parts = SUMMARY_COLUMNS.filter((column) => counts[column] > 0).map(
    (column) => `<span class="seg st-${column}" style="flex-grow: ${counts[column]}" title="${counts[column]} ${column}"></span>`,
  );
  const words = SUMMARY_COLUMNS.filter((column) => counts[column] > 0).map((column) => `${counts[column]} ${column}`);
  const aria = escapeHtml(`${label}: ${total === 0 ? 'no checks' : words.join(', ')}`);
  return `<div class="bar" role="img" aria-label="${aria}">${parts.join('')}</div>`;
}

function countCell(count: number, column: string): string {
  return `<td class="n${count === 0 ? ' zero' : ` st-text-${column}`}">${count}</td>`;
}

export function familySummary(report: Readonly<RunReport>): string {
  const head =
    '<tr><th scope="col">Family</th><th scope="col" class="bar-col">Checks</th>' +
    `${SUMMARY_COLUMNS.map((column) => `<th scope="col" class="n">${column}</th>`).join('')}<th scope="col" class="n">total</th></tr>`;
  const row = (label: string, counts: Readonly<FamilySummary>, className: string) =>
    `<tr class="${className}"><td>${escapeHtml(label)}</td><td class="bar-col">${statusBar(counts, label)}</td>` +
    `${SUMMARY_COLUMNS.map((column) => countCell(counts[column], column)).join('')}<td class="n">${checkCount(counts)}</td></tr>`;
  const rows = coveredFamilies(report).map(([family, counts]) => row(family, counts, 'family'));
  rows.push(row('Total', report.summary.total, 'total'));
  return `<div class="table-wrap"><table class="families">\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table></div>`;
}

/** The id of the promises table's fold: a link to it opens it (the page's script). */
const PROMISES_TABLE = 'promises-table';

/** `13 kept, 1 broken, 0 untested`, each number coloured, linking to the table. */
export function promisesLine(promises: readonly PromiseRow[]): string {
  const counts = promiseCounts(promises);
  const part = (verdict: PromiseRow['verdict']) => `<span class="verdict-${verdict}"><strong>${counts[verdict]}</strong> ${verdict}</span>`;
  const target = promises.length > 0 ? PROMISES_TABLE : 'promises';
  return `<p class="promises-line">Documented promises: ${part('kept')}, ${part('broken')}, ${part('untested')} · <a href="#${target}">see the table</a></p>`;
}

/**
 * The summary's head: its title and, beside it, how many checks went each way and what the run cost,
 * then the promises line (below them on a narrow screen); a bar under it all.
 */
export function summaryHead(report: Readonly<RunReport>): string {
  const total = report.summary.total;
  const parts = SUMMARY_COLUMNS.filter((column) => total[column] > 0).map(
    (column) => `<strong class="st-text-${column}">${total[column]} ${column}</strong>`,
  );
  const cost = `of ${plural(checkCount(total), 'check')} · ${plural(report.summary.requests, 'request')} · ${formatDuration(report.durationMs)}`;
  return [
    '<div class="summary-head">',
    '<h2>Summary</h2>',
    `<p class="totals-line">${parts.length > 0 ? parts.join(' · ') : 'no checks'} <span class="muted">${escapeHtml(cost)}</span></p>`,
    promisesLine(report.promises),
    '</div>',
    statusBar(total, 'All checks'),
  ].join('\n');
}

/** Failed checks named beside a broken promise; the others are counted (the table names them all). */
const BROKEN_BY_SHOWN = 1;

/**
 * The broken promises, beside the failures: each sentence, where the docs say it, and the checks that
 * found it broken, linked to their cards. The table at the end has every promise.
 */
export function brokenPromisesHtml(promises: readonly PromiseRow[], anchors: ReadonlyMap<string, string>): string | undefined {
  const broken = promises.filter((row) => row.verdict === 'broken');
  if (broken.length === 0) return undefined;
  const items = broken.map((row) => {
    const failed = row.checks.filter((check) => check.status === 'failed');
    const by = failed.slice(0, BROKEN_BY_SHOWN).map((check) => {
      const anchor = anchors.get(check.id);
      return anchor !== undefined ? `<a href="#${escapeHtml(anchor)}">${code(check.id)}</a>` : code(check.id);
    });
    const more = failed.length > BROKEN_BY_SHOWN ? ` and ${failed.length - BROKEN_BY_SHOWN} more` : '';
    return (
      `<li><q>${escapeHtml(oneLine(row.says))}</q> <cite>${promiseSource(row)}</cite>` +
      `${by.length > 0 ? ` <span class="broken-by">broken by ${by.join(', ')}${more}</span>` : ''}</li>`
    );
  });
  return [
    '<div class="broken-promises">',
    `<h3>Broken promises <span class="count">${broken.length}</span></h3>`,
    `<ul>\n${items.join('\n')}\n</ul>`,
    '</div>',
  ].join('\n');
}

function promiseSource(row: PromiseRow): string {
  return `${escapeHtml(oneLine(row.source))}${row.operation !== undefined ? ` (${code(row.operation)})` : ''}`;
}

export function fixFirstHtml(ids: readonly string[]): string {
  return (
    `<p class="callout fix-first"><strong>Fix first:</strong> ${ids.map((id) => code(id)).join(', ')}: ` +
    'these prerequisites failed and blocked other checks.</p>'
  );
}

export function errorHtml(error: string): string {
  return `<p class="callout error"><strong>Error:</strong> ${escapeHtml(error)}</p>`;
}

/** More passed checks than this under one promise fold into a count: a run's broad rules are enforced by dozens. */
const PASSED_SHOWN = 3;

/** A promise's checks: those that did not pass always shown, the passed ones folded when they are many. */
function promiseChecks(row: PromiseRow): string {
  if (row.checks.length === 0) return '<span class="muted">none</span>';
  // A passed check gets a mark, anything else its badge: what did not pass stands out in a column of ids.
  const line = (check: PromiseRow['checks'][number]) =>
    check.status === 'passed'
      ? `<li><span class="mark st-text-passed" title="passed">✓</span> ${code(check.id)}</li>`
      : `<li>${badge(check.status)} ${code(check.id)}</li>`;
  const passed = row.checks.filter((check) => check.status === 'passed');
  const others = row.checks.filter((check) => check.status !== 'passed');
  const out = others.length > 0 ? [`<ul class="promise-checks">${others.map(line).join('')}</ul>`] : [];
  if (passed.length > PASSED_SHOWN) {
    out.push(
      `<details class="promise-passed"><summary>${escapeHtml(plural(passed.length, 'check'))} passed</summary>` +
        `<ul class="promise-checks">${passed.map(line).join('')}</ul></details>`,
    );
  } else if (passed.length > 0) {
    out.push(`<ul class="promise-checks">${passed.map(line).join('')}</ul>`);
  }
  return out.join('');
}

/**
 * Every promise with its checks, folded under the line of counts; the broken ones are listed at the
 * top of the page as well. The table has fixed column shares and a minimum width, inside its own
 * scroll container: a narrow screen scrolls it rather than squeezing its columns to a letter.
 */
export function promisesSection(promises: readonly PromiseRow[]): string {
  const out = ['<section class="panel" id="promises">', '<h2>Promises</h2>'];
  if (promises.length === 0) {
    out.push('<p>No documented promises recorded for this API.</p>');
  } else {
    const counts = promiseCounts(promises);
    out.push(`<p>${counts.kept} kept, ${counts.broken} broken, ${counts.untested} untested.</p>`);
    const rows = promises.map(
      (row) =>
        `<tr class="promise-${row.verdict}"><td>${escapeHtml(oneLine(row.says))}</td><td>${promiseSource(row)}</td>` +
        `<td>${promiseChecks(row)}</td><td class="verdict verdict-${row.verdict}">${escapeHtml(row.verdict)}</td></tr>`,
    );
    // The counts stand on the line above, which shows whether the fold is open or not: the summary only opens it.
    out.push(
      `<details class="fold" id="${PROMISES_TABLE}">`,
      `<summary>Show the table: ${escapeHtml(plural(promises.length, 'promise'))}, their sources, checks and verdicts</summary>`,
      '<div class="scroll promises-scroll" tabindex="0" role="region" aria-label="Promises">',
      '<table class="promises">\n' +
        '<colgroup><col class="promise-says"><col class="promise-source"><col class="promise-checks"><col class="promise-verdict"></colgroup>\n' +
        '<thead><tr><th>Promise</th><th>Source</th><th>Checks</th><th>Verdict</th></tr></thead>\n' +
        `<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
      '</div>',
      '</details>',
    );
  }
  out.push('</section>');
  return out.join('\n');
}

/** What the baseline made of the run: the failures it did not expect, and entries to remove from it. */
export function baselineSection(report: Readonly<RunReport>): string | undefined {
  const baseline = report.baseline;
  if (baseline === undefined) return undefined;
  const out = [
    '<section class="panel" id="baseline">',
    '<h2>Baseline</h2>',
    `<p>Expected failures listed in ${code(baseline.file)}: they do not fail the gate.</p>`,
  ];
  const list = (ids: readonly string[]) => `<ul class="ids">${ids.map((id) => `<li>${code(id)}</li>`).join('')}</ul>`;
  if (baseline.expected.length > 0) out.push('<h3>Expected failures</h3>', list(baseline.expected));
  if (baseline.unexpected.length > 0)
    out.push(
      '<h3>Unexpected failures</h3>',
      '<p>Failed checks the baseline does not list: they fail the gate.</p>',
      list(baseline.unexpected),
    );
  out.push('<h3>Stale entries</h3>');
  if (baseline.stale.length === 0) {
    out.push('<p class="muted">None: every entry still matches a failing check.</p>');
  } else {
    const rows = baseline.stale.map((entry) => {
      const what =
        entry.check !== undefined
          ? `check ${code(entry.check)}`
          : entry.rule !== undefined
            ? `rule ${code(entry.rule)}`
            : '<span class="muted">(empty entry)</span>';
      const api = entry.api !== undefined ? code(entry.api) : '<span class="muted">any</span>';
      return `<tr><td>${what}</td><td>${api}</td><td>${escapeHtml(entry.reason ?? '')}</td></tr>`;
    });
    out.push(
      '<p>Entries whose checks ran and did not fail: remove them from the baseline.</p>',
      '<div class="table-wrap"><table class="stale">\n<thead><tr><th>Entry</th><th>API</th><th>Reason</th></tr></thead>\n' +
        `<tbody>\n${rows.join('\n')}\n</tbody>\n</table></div>`,
    );
  }
  out.push('</section>');
  return out.join('\n');
}
