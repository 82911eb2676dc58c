/** Every check of the run, grouped by how it went, with the filters the page's script drives. */
import { FAMILIES, type CheckResult, type CheckStatus, type RunReport } from '../../model.js';
import { SUMMARY_COLUMNS, checkMessage, formatDuration, oneLine } from '../../render.js';
import { failureHtml } from './failure.js';
import { badge, code, escapeHtml, plural } from './markup.js';

type Severity = 'failure' | 'warning' | 'none';

/** What the severity filter sees: the failure record's severity, or `none` for a check without one. */
function severityOf(check: CheckResult): Severity {
  return check.failure?.severity ?? 'none';
}

const SEVERITY_LABEL: Record<Severity, string> = { failure: 'failure', warning: 'warning', none: 'no finding' };

interface Group {
  readonly id: string;
  readonly title: string;
  readonly intro?: string;
  readonly statuses: readonly CheckStatus[];
}

/** The groups that get a card or a row each, most urgent first; passed and skipped checks follow as one list. */
function groups(report: Readonly<RunReport>): Group[] {
  const consequence = report.strict ? 'under strict they fail the run' : 'they do not fail the run';
  return [
    { id: 'failures', title: 'Failures', statuses: ['failed', 'errored'] },
    {
      id: 'warnings',
      title: 'Warnings',
      intro: `Checks that broke only open rules (choices the docs leave to the implementer); ${consequence}.`,
      statuses: ['warned'],
    },
    {
      id: 'blocked',
      title: 'Blocked',
      intro: 'Checks whose prerequisite failed: their verdict would say nothing until it is fixed.',
      statuses: ['blocked'],
    },
  ];
}

/** Statuses listed one line each at the end: nothing in them to read beyond the line. */
const LISTED: readonly CheckStatus[] = ['passed', 'skipped'];

/** One toggle per value seen in the run, all on; each shows how many checks carry it. */
function filterGroup(name: string, legend: string, values: readonly (readonly [string, string, number])[]): string {
  const chips = values.map(
    ([value, label, count]) =>
      `<label class="chip"><input type="checkbox" data-filter="${escapeHtml(name)}" value="${escapeHtml(value)}" checked> ` +
      `${escapeHtml(label)} <span class="chip-count">${count}</span></label>`,
  );
  return `<fieldset class="filter-group"><legend>${escapeHtml(legend)}</legend>${chips.join('')}</fieldset>`;
}

function filterBar(report: Readonly<RunReport>): string {
  const count = <T>(value: T, of: (check: CheckResult) => T) => report.checks.filter((check) => of(check) === value).length;
  const statuses = SUMMARY_COLUMNS.map((status) => [status, status, count(status, (check) => check.status)] as const).filter(
    ([, , n]) => n > 0,
  );
  // From the checks themselves, so no check is left without a toggle that shows it.
  const families = FAMILIES.map((family) => [family, family, count(family, (check) => check.family)] as const).filter(([, , n]) => n > 0);
  const severities = (['failure', 'warning', 'none'] as const)
    .map((severity) => [severity, SEVERITY_LABEL[severity], count(severity, severityOf)] as const)
    .filter(([, , n]) => n > 0);
  const total = report.checks.length;
  return [
    '<div class="filters" role="group" aria-label="Filter the checks">',
    // The short groups and the actions share the first line; the families, the longest group, wrap below.
    filterGroup('status', 'Status', statuses),
    filterGroup('severity', 'Severity', severities),
    '<div class="filter-actions">',
    `<p class="shown" aria-live="polite">Showing <strong id="shown-count">${total}</strong> of ${total} checks</p>`,
    '<button type="button" data-action="show-all">Show all</button>',
    '<button type="button" data-action="expand">Expand all</button>',
    '<button type="button" data-action="collapse">Collapse all</button>',
    '</div>',
    filterGroup('family', 'Family', families),
    '</div>',
  ].join('\n');
}

/** The line under a check's name: what it found, or why it did not judge. */
function checkLine(check: CheckResult): string {
  if (check.status === 'blocked') {
    const by = check.blockedBy !== undefined ? `blocked by ${code(check.blockedBy)}` : 'blocked';
    return `${by}${check.note !== undefined ? ` — ${escapeHtml(check.note)}` : ''}`;
  }
  return escapeHtml(checkMessage(check));
}

function checkHead(check: CheckResult): string {
  const expected = check.expectedFailure
    ? ' <span class="tag tag-expected" title="listed in the baseline: does not fail the gate">expected failure</span>'
    : '';
  const requests = `${formatDuration(check.durationMs)} · ${plural(check.requests, 'request')}`;
  return [
    `<span class="check-title">${badge(check.status)}${expected} <span class="family">${escapeHtml(check.family)}</span> ` +
      `<span class="name">${escapeHtml(check.name)}</span></span>`,
    `<span class="check-meta">${code(check.id)} <span class="muted">${escapeHtml(requests)}</span></span>`,
  ].join('');
}

function dataAttributes(check: CheckResult): string {
  return (
    `data-status="${escapeHtml(check.status)}" data-family="${escapeHtml(check.family)}" ` +
    `data-severity="${escapeHtml(severityOf(check))}"${check.expectedFailure ? ' data-expected-failure' : ''}`
  );
}

/** The checks that get a card (a finding to read), by id: the anchor a link to the card uses. */
export function cardAnchors(report: Readonly<RunReport>): Map<string, string> {
  const anchors = new Map<string, string>();
  report.checks.forEach((check, index) => {
    if (hasCard(check) && !anchors.has(check.id)) anchors.set(check.id, `check-${index}`);
  });
  return anchors;
}

function hasCard(check: CheckResult): boolean {
  return check.status === 'failed' || check.status === 'warned' || check.status === 'errored';
}

/**
 * A check with a finding (failed, warned, errored) is a `<details>`: failed and errored ones open, so the
 * page opens on what to fix. A blocked one is a row: its line says all there is.
 */
function checkHtml(check: CheckResult, anchor: string | undefined): string {
  const className = `check st-${escapeHtml(check.status)}${check.expectedFailure ? ' expected-failure' : ''}`;
  if (!hasCard(check)) {
    return (
      `<div class="${className}" ${dataAttributes(check)}>\n<div class="check-head">${checkHead(check)}</div>\n` +
      `<p class="check-line">${checkLine(check)}</p>\n</div>`
    );
  }
  const open = check.status === 'warned' ? '' : ' open';
  // What the check proves, the title's long form: the reader of a finding wants the whole claim.
  const body =
    check.claim !== undefined ? [`<p class="check-claim"><span class="muted">Proves:</span> ${escapeHtml(oneLine(check.claim))}</p>`] : [];
  if (check.failure !== undefined) {
    if (check.status === 'errored' && check.note !== undefined) body.push(`<p class="message">${escapeHtml(check.note)}</p>`);
    body.push(failureHtml(check, check.failure));
  } else {
    body.push(`<p class="message">${escapeHtml(checkMessage(check))}</p>`);
  }
  const preview = check.status === 'warned' ? `<span class="check-preview">${checkLine(check)}</span>` : '';
  // The anchor sits on the summary, the part of the card that shows even when it is folded.
  const id = anchor !== undefined ? ` id="${escapeHtml(anchor)}"` : '';
  return [
    `<details class="${className}" ${dataAttributes(check)}${open}>`,
    `<summary${id}><span class="check-head">${checkHead(check)}</span>${preview}</summary>`,
    '<div class="check-body">',
    ...body,
    '</div>',
    '</details>',
  ].join('\n');
}

const MARK: Record<CheckStatus, string> = { passed: '✓', skipped: '–', warned: '!', failed: '✕', errored: '✕', blocked: '⊘' };

/**
 * A passed or skipped check in one line: mark, title (a skipped one with its reason), requests and time.
 * The id (family and the title's slug) is `data-id` and, with the claim, the row's tooltip: shown, it
 * would double every line.
 */
function listRow(check: CheckResult): string {
  const reason = check.status === 'skipped' ? ` <span class="reason">${escapeHtml(check.note ?? 'skipped')}</span>` : '';
  const cost =
    check.status === 'skipped' && check.requests === 0 ? [] : [plural(check.requests, 'request'), formatDuration(check.durationMs)];
  const id = escapeHtml(check.id);
  const tooltip = check.claim !== undefined ? escapeHtml(`${check.claim} (${check.id})`) : id;
  return (
    `<li class="check check-row st-${escapeHtml(check.status)}" ${dataAttributes(check)} data-id="${id}" title="${tooltip}">` +
    `<span class="mark st-text-${escapeHtml(check.status)}" aria-label="${escapeHtml(check.status)}">${MARK[check.status]}</span>` +
    `<span class="row-text"><span class="name">${escapeHtml(check.name)}</span>${reason}</span>` +
    `<span class="row-meta">${escapeHtml(cost.join(' · '))}</span></li>`
  );
}

/** Passed and skipped checks, in the run's order, as one list of short lines. */
function listedGroup(report: Readonly<RunReport>): string[] {
  const members = report.checks.filter((check) => LISTED.includes(check.status));
  if (members.length === 0) return [];
  const counts = LISTED.map((status) => [status, members.filter((check) => check.status === status).length] as const)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`);
  return [
    '<div class="check-group" id="passed-skipped">',
    `<h3>Passed and skipped <span class="count">${escapeHtml(counts.join(', '))}</span></h3>`,
    '<ul class="check-list">',
    ...members.map(listRow),
    '</ul>',
    '</div>',
  ];
}

export function checksSection(report: Readonly<RunReport>): string {
  const anchors = cardAnchors(report);
  const out = ['<section class="panel" id="checks">', '<h2>Checks</h2>', filterBar(report)];
  for (const group of groups(report)) {
    const members = report.checks.filter((check) => group.statuses.includes(check.status));
    if (members.length === 0) {
      if (group.id === 'failures')
        out.push('<div class="check-group" id="failures"><h3>Failures</h3><p class="muted">No failed or errored checks.</p></div>');
      continue;
    }
    out.push(
      `<div class="check-group" id="${group.id}">`,
      `<h3>${escapeHtml(group.title)} <span class="count">${members.length}</span></h3>`,
    );
    if (group.intro !== undefined) out.push(`<p class="group-intro">${escapeHtml(group.intro)}</p>`);
    out.push(...members.map((check) => checkHtml(check, anchors.get(check.id))), '</div>');
  }
  out.push(...listedGroup(report));
  out.push('<p class="no-match" hidden>No check matches the filters.</p>', '</section>');
  return out.join('\n');
}
