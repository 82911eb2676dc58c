/** Every check of the run, grouped by how it went, with the filters the page's script drives. */
import { FAMILIES, type CheckResult, type CheckStatus, type RunReport } from '../../model.js';
import { SUMMARY_COLUMNS, checkMessage, formatDuration } from '../../render.js';
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
    { id: 'skipped', title: 'Skipped', statuses: ['skipped'] },
    { id: 'passed', title: 'Passed', statuses: ['passed'] },
  ];
}

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
    filterGroup('status', 'Status', statuses),
    filterGroup('family', 'Family', families),
    filterGroup('severity', 'Severity', severities),
    '<div class="filter-actions">',
    `<p class="shown" aria-live="polite">Showing <strong id="shown-count">${total}</strong> of ${total} checks</p>`,
    '<button type="button" data-action="show-all">Show all</button>',
    '<button type="button" data-action="expand">Expand all</button>',
    '<button type="button" data-action="collapse">Collapse all</button>',
    '</div>',
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

/**
 * A check with a finding (failed, warned, errored) is a `<details>`: failed and errored ones open, so the
 * page opens on what to fix. The others are one row: their line says all there is.
 */
function checkHtml(check: CheckResult): string {
  const className = `check st-${escapeHtml(check.status)}${check.expectedFailure ? ' expected-failure' : ''}`;
  const hasBody = check.status === 'failed' || check.status === 'warned' || check.status === 'errored';
  if (!hasBody) {
    return (
      `<div class="${className}" ${dataAttributes(check)}>\n<div class="check-head">${checkHead(check)}</div>\n` +
      `<p class="check-line">${checkLine(check)}</p>\n</div>`
    );
  }
  const open = check.status === 'warned' ? '' : ' open';
  const body: string[] = [];
  if (check.failure !== undefined) {
    if (check.status === 'errored' && check.note !== undefined) body.push(`<p class="message">${escapeHtml(check.note)}</p>`);
    body.push(failureHtml(check, check.failure));
  } else {
    body.push(`<p class="message">${escapeHtml(checkMessage(check))}</p>`);
  }
  const preview = check.status === 'warned' ? `<span class="check-preview">${checkLine(check)}</span>` : '';
  return [
    `<details class="${className}" ${dataAttributes(check)}${open}>`,
    `<summary><span class="check-head">${checkHead(check)}</span>${preview}</summary>`,
    '<div class="check-body">',
    ...body,
    '</div>',
    '</details>',
  ].join('\n');
}

export function checksSection(report: Readonly<RunReport>): string {
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
    out.push(...members.map(checkHtml), '</div>');
  }
  out.push('<p class="no-match" hidden>No check matches the filters.</p>', '</section>');
  return out.join('\n');
}
