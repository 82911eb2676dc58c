/** One failure or warning in full: the promise it enforces, the answer, expected against actual, how to reproduce. */
import type { Basis } from '../../../engine/basis.js';
import type { ResponseExcerpt } from '../../../engine/records.js';
import { diffLines, diffableTexts, type DiffLine, type DiffRow } from '../../diff.js';
import type { CheckResult, FailureRecord } from '../../model.js';
import {
  basisLead,
  conventionNote,
  bodyLabel,
  bodyLanguage,
  headerLines,
  oneLine,
  responseStatus,
  stepsLanguage,
  visible,
  warningsNote,
} from '../../render.js';
import { code, codeBlock, escapeHtml, facts } from './markup.js';

/** What a verdict rests on, with its grade: a quoted sentence, what the examples show, a name's meaning, or an open choice. */
function basisHtml(basis: Basis): string {
  const says = escapeHtml(oneLine(basis.says));
  const convention = conventionNote(basis);
  return [
    `<figure class="basis basis-${basis.grade}">`,
    `<figcaption>${escapeHtml(basisLead(basis))}</figcaption>`,
    basis.grade === 'stated' ? `<blockquote>${says}</blockquote>` : `<p class="graded">${says}</p>`,
    ...(convention ? [`<p class="convention">${escapeHtml(convention)}</p>`] : []),
    `<cite>${escapeHtml(oneLine(basis.source))}</cite>`,
    '</figure>',
  ].join('\n');
}

function diffLineHtml(line: DiffLine | undefined): string {
  if (line === undefined) return '';
  return line.segments.map((segment) => (segment.changed ? `<mark>${escapeHtml(segment.text)}</mark>` : escapeHtml(segment.text))).join('');
}

function diffRowHtml(row: DiffRow): string {
  const kind = row.same ? 'same' : 'changed';
  const side = (line: DiffLine | undefined, which: string) =>
    `<div class="diff-cell diff-${which}${line === undefined ? ' diff-missing' : ''}">${diffLineHtml(line)}</div>`;
  return `<div class="diff-row diff-${kind}">${side(row.left, 'expected')}${side(row.right, 'actual')}</div>`;
}

/** Unchanged lines kept on each side of a change; longer unchanged stretches fold. */
const DIFF_CONTEXT = 1;
/** Fewer hidden lines than this are not worth a fold: its summary line would take the room they take. */
const DIFF_FOLD_MIN = 3;

/**
 * The rows, each unchanged stretch longer than its context folded into a `<details>` that says how many
 * lines it holds: a whole object laid out member by member often differs in one or two of them.
 */
function foldUnchanged(rows: readonly DiffRow[]): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < rows.length) {
    if (!rows[start]!.same) {
      out.push(diffRowHtml(rows[start]!));
      start++;
      continue;
    }
    let end = start;
    while (end < rows.length && rows[end]!.same) end++;
    const hidden = end - start - 2 * DIFF_CONTEXT;
    if (hidden < DIFF_FOLD_MIN) {
      out.push(...rows.slice(start, end).map(diffRowHtml));
    } else {
      out.push(
        ...rows.slice(start, start + DIFF_CONTEXT).map(diffRowHtml),
        `<details class="diff-fold"><summary>${hidden} unchanged lines</summary>`,
        ...rows.slice(start + DIFF_CONTEXT, end - DIFF_CONTEXT).map(diffRowHtml),
        '</details>',
        ...rows.slice(end - DIFF_CONTEXT, end).map(diffRowHtml),
      );
    }
    start = end;
  }
  return out;
}

/**
 * Expected and actual side by side, one row per line so wrapped lines stay level, the differing parts
 * marked, long unchanged stretches folded. The diff runs on the visible text, so an escape such as
 * `\u001b` is compared and marked whole.
 */
function expectedActualHtml(expected: string | undefined, actual: string | undefined): string {
  if (expected === undefined && actual === undefined) return '';
  if (expected === undefined || actual === undefined) {
    const [label, text] = expected !== undefined ? ['Expected', expected] : ['Actual', actual!];
    return codeBlock(text, { label });
  }
  const texts = diffableTexts(visible(expected), visible(actual));
  const rows = foldUnchanged(diffLines(texts.expected, texts.actual));
  const note = texts.laidOut ? '<p class="diff-note">Both values are one-line JSON, shown here one member per line.</p>' : '';
  return [
    note,
    '<div class="diff" role="table" aria-label="Expected and actual, side by side">',
    '<div class="diff-row diff-head" role="row"><div class="diff-cell" role="columnheader">Expected</div>' +
      '<div class="diff-cell" role="columnheader">Actual</div></div>',
    ...rows,
    '</div>',
  ].join('\n');
}

/**
 * The answer that broke the rule: status line, its headers folded beside it (the status line gives the
 * content type already), the body excerpt (marked when cut), the server's log.
 */
function responseHtml(response: ResponseExcerpt): string {
  const out = [
    '<section class="block response">',
    '<h4>Response</h4>',
    `<p class="status-line">${escapeHtml(responseStatus(response))}</p>`,
  ];
  const headers = headerLines(response);
  if (headers.length > 0)
    out.push(
      `<details class="response-headers"><summary>Headers <span class="muted">${headers.length}</span></summary>`,
      codeBlock(headers.join('\n'), { language: 'http' }),
      '</details>',
    );
  if (response.body.length > 0) {
    out.push(codeBlock(response.body, { label: bodyLabel(response), language: bodyLanguage(response) }));
  } else if (response.transportError === undefined || response.truncated) {
    out.push(`<p class="muted">${escapeHtml(bodyLabel(response))}</p>`);
  }
  if (response.truncated && response.body.length > 0) out.push('<p class="note">The body is cut here: the rest of it was not kept.</p>');
  if (response.serverLog) out.push(codeBlock(response.serverLog, { label: "The server's stderr (its end)", language: 'text' }));
  out.push('</section>');
  return out.join('\n');
}

function reproductionHtml(failure: FailureRecord): string {
  const { steps, replay } = failure.reproduction;
  const out = ['<section class="block reproduction">', '<h4>Reproduction</h4>'];
  if (steps.length > 0) {
    const label = steps.every((step) => step.kind === 'jsonrpc') ? 'JSON-RPC messages, in order' : 'Requests, in order';
    out.push(
      codeBlock(
        steps.map((step) => step.command),
        { label, language: stepsLanguage(steps), copy: true },
      ),
    );
  }
  steps.forEach((step, index) => {
    if (step.body) out.push(codeBlock(step.body, { label: `Body of request ${index + 1}`, language: step.language, copy: true }));
  });
  out.push(codeBlock(replay, { label: 'Replay', language: 'sh', copy: true }));
  out.push('</section>');
  return out.join('\n');
}

/** The facts of the verdict: severity, rule, operation, seed, path, a short counterexample, boundary. */
function verdictFacts(failure: FailureRecord): string {
  const rule = failure.basisRule !== failure.rule ? `${code(failure.rule)} (basis rule ${code(failure.basisRule)})` : code(failure.rule);
  const rows: [string, string][] = [
    ['Severity', `<span class="st-text-${failure.severity === 'warning' ? 'warned' : 'failed'}">${escapeHtml(failure.severity)}</span>`],
    ['Rule', rule],
  ];
  if (failure.operation !== undefined) rows.push(['Operation', code(failure.operation)]);
  rows.push(['Seed', code(failure.seed)]);
  if (failure.path !== undefined) rows.push(['Path', code(failure.path)]);
  if (failure.counterexample !== undefined && shortCounterexample(failure.counterexample))
    rows.push(['Counterexample', code(failure.counterexample)]);
  if (failure.boundary !== undefined) rows.push(['Boundary', escapeHtml(oneLine(failure.boundary))]);
  return facts(rows, 'facts verdict-facts');
}

/** A counterexample this short reads as one fact beside the seed and path; a longer one gets a block of its own. */
function shortCounterexample(counterexample: string): boolean {
  return counterexample.length <= 60 && !counterexample.includes('\n');
}

/**
 * The finding, most telling first: the message, what it rests on beside the facts of the verdict, the
 * answer, then expected against actual, the counterexample and how to reproduce.
 */
export function failureHtml(check: CheckResult, failure: FailureRecord): string {
  const out = [`<p class="message">${escapeHtml(failure.message)}</p>`];
  const more = warningsNote(check);
  if (more !== undefined) out.push(`<p class="note">${escapeHtml(more)}</p>`);
  out.push('<div class="finding-head">', basisHtml(failure.basis), verdictFacts(failure), '</div>');
  if (failure.response !== undefined) out.push(responseHtml(failure.response));
  const comparison = expectedActualHtml(failure.expected, failure.actual);
  if (comparison) out.push('<section class="block comparison">', '<h4>Expected and actual</h4>', comparison, '</section>');
  if (failure.counterexample !== undefined && !shortCounterexample(failure.counterexample))
    out.push(codeBlock(failure.counterexample, { label: 'Counterexample' }));
  out.push(reproductionHtml(failure));
  return out.join('\n');
}
