/** One failure or warning in full: the promise it enforces, expected against actual, the answer, how to reproduce. */
import type { Basis } from '../../../engine/basis.js';
import type { ResponseExcerpt } from '../../../engine/records.js';
import { diffLines, diffableTexts, type DiffLine } from '../../diff.js';
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

/**
 * Expected and actual side by side, one row per line so wrapped lines stay level, the differing parts
 * marked. The diff runs on the visible text, so an escape such as `\u001b` is compared and marked whole.
 */
function expectedActualHtml(expected: string | undefined, actual: string | undefined): string {
  if (expected === undefined && actual === undefined) return '';
  if (expected === undefined || actual === undefined) {
    const [label, text] = expected !== undefined ? ['Expected', expected] : ['Actual', actual!];
    return codeBlock(text, { label });
  }
  const texts = diffableTexts(visible(expected), visible(actual));
  const rows = diffLines(texts.expected, texts.actual).map((row) => {
    const kind = row.same ? 'same' : 'changed';
    const side = (line: DiffLine | undefined, which: string) =>
      `<div class="diff-cell diff-${which}${line === undefined ? ' diff-missing' : ''}">${diffLineHtml(line)}</div>`;
    return `<div class="diff-row diff-${kind}">${side(row.left, 'expected')}${side(row.right, 'actual')}</div>`;
  });
  const note = texts.laidOut ? '<p class="diff-note">Both values are one-line JSON, shown here one member per line.</p>' : '';
  return [
    '<div class="diff" role="table" aria-label="Expected and actual, side by side">',
    '<div class="diff-row diff-head" role="row"><div class="diff-cell" role="columnheader">Expected</div>' +
      '<div class="diff-cell" role="columnheader">Actual</div></div>',
    ...rows,
    '</div>',
    note,
  ].join('\n');
}

/** The answer that broke the rule: status line, headers, the body excerpt (marked when cut), the server's log. */
function responseHtml(response: ResponseExcerpt): string {
  const out = [
    '<section class="block response">',
    '<h4>Response</h4>',
    `<p class="status-line">${escapeHtml(responseStatus(response))}</p>`,
  ];
  const headers = headerLines(response);
  if (headers.length > 0) out.push(codeBlock(headers.join('\n'), { label: 'Headers', language: 'http' }));
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

/** The facts of the verdict: severity, rule, operation, seed, path, boundary. */
function verdictFacts(failure: FailureRecord): string {
  const rule = failure.basisRule !== failure.rule ? `${code(failure.rule)} (basis rule ${code(failure.basisRule)})` : code(failure.rule);
  const rows: [string, string][] = [
    ['Severity', `<span class="st-text-${failure.severity === 'warning' ? 'warned' : 'failed'}">${escapeHtml(failure.severity)}</span>`],
    ['Rule', rule],
  ];
  if (failure.operation !== undefined) rows.push(['Operation', code(failure.operation)]);
  rows.push(['Seed', code(failure.seed)]);
  if (failure.path !== undefined) rows.push(['Path', code(failure.path)]);
  if (failure.boundary !== undefined) rows.push(['Boundary', escapeHtml(oneLine(failure.boundary))]);
  return facts(rows, 'facts verdict-facts');
}

export function failureHtml(check: CheckResult, failure: FailureRecord): string {
  const out = [`<p class="message">${escapeHtml(failure.message)}</p>`];
  const more = warningsNote(check);
  if (more !== undefined) out.push(`<p class="note">${escapeHtml(more)}</p>`);
  out.push(basisHtml(failure.basis), verdictFacts(failure));
  const comparison = expectedActualHtml(failure.expected, failure.actual);
  if (comparison) out.push('<section class="block comparison">', '<h4>Expected and actual</h4>', comparison, '</section>');
  if (failure.counterexample !== undefined) out.push(codeBlock(failure.counterexample, { label: 'Counterexample' }));
  if (failure.response !== undefined) out.push(responseHtml(failure.response));
  out.push(reproductionHtml(failure));
  return out.join('\n');
}
