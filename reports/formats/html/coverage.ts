/** The HTML report's coverage panel: the level and its criteria in view, operations and facets folded. */
import type { CoverageReport } from '../../model.js';
import { answerNotes, nextLevelLine } from '../../render.js';
import { code, escapeHtml } from './markup.js';

/** A coverage table in a region of its own that scrolls rather than widen the page; `rows` are HTML already escaped. */
function scrolling(label: string, heads: readonly string[], rows: readonly string[]): string {
  return [
    `<div class="scroll" tabindex="0" role="region" aria-label="${escapeHtml(label)}">`,
    `<table class="coverage">\n<thead><tr>${heads.map((head) => `<th>${escapeHtml(head)}</th>`).join('')}</tr></thead>`,
    `<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
    '</div>',
  ].join('\n');
}

export function coverageSection(coverage: CoverageReport): string {
  const next = nextLevelLine(coverage);
  const criteria = coverage.criteria.map((c) => {
    const missing = c.unknown ?? [...(c.missing ?? []), ...(c.more ? [`${c.more} more`] : [])].join(', ');
    const complete = c.covered === c.total && !c.unknown;
    return (
      `<tr class="${complete ? 'coverage-complete' : 'coverage-partial'}"><td>${escapeHtml(c.what)}</td><td class="count">${c.level}</td>` +
      `<td class="count">${c.covered}/${c.total}</td><td>${escapeHtml(missing)}</td></tr>`
    );
  });
  const operations = coverage.operations.map((operation) => {
    const answers = answerNotes(operation);
    const seen = answers.filter((a) => a.seen).map((a) => code(a.key));
    const unseen = answers.filter((a) => !a.seen).map((a) => `${code(a.key)} <span class="muted">${escapeHtml(a.note ?? '')}</span>`);
    const name = [operation.method, operation.path].filter(Boolean).join(' ');
    return (
      `<tr><td>${code(operation.id)}${name ? ` <span class="muted">${escapeHtml(name)}</span>` : ''}` +
      `${operation.why ? `<br>${escapeHtml(operation.why)}` : ''}</td><td class="count">${operation.calls}</td><td class="count">${operation.succeeded}</td>` +
      `<td>${seen.join(' ')}</td><td>${unseen.join('<br>')}</td></tr>`
    );
  });
  const judged = coverage.facets.filter((facet) => facet.judged).length;
  const facets = coverage.facets.map(
    (facet) =>
      `<tr><td>${escapeHtml([facet.kind, facet.subject, facet.aspect].filter(Boolean).join(' '))}</td>` +
      `<td>${facet.judged ? facet.checks.map(code).join(' ') : escapeHtml(facet.why ?? '')}</td></tr>`,
  );
  const out = [
    '<section class="panel" id="coverage">',
    '<h2>Coverage</h2>',
    `<p>Test coverage level <strong>${coverage.level} of 7</strong> (the levels of Martin-Lopez, Segura and Ruiz-Cortés, 2019)` +
      `${next ? `. To reach the next: ${escapeHtml(next)}` : ''}.</p>`,
    scrolling('Coverage criteria', ['Criterion', 'Level', 'Covered', 'Not covered'], criteria),
    '<details class="fold" id="coverage-operations">',
    `<summary>Show the ${coverage.operations.length} operations: calls, successes and the answers seen</summary>`,
    scrolling('Operations', ['Operation', 'Calls', 'Successes', 'Seen', 'Not seen, and why'], operations),
    '</details>',
  ];
  if (coverage.facets.length > 0)
    out.push(
      '<details class="fold" id="coverage-facets">',
      `<summary>Show the semantic facets: ${judged} of ${coverage.facets.length} judged</summary>`,
      scrolling('Semantic facets', ['Facet', 'Judged by, or why not'], facets),
      '</details>',
    );
  if (coverage.lost.length > 0)
    out.push(
      `<p class="muted">Checks that did not run to the end, whose coverage is missing above: ${coverage.lost
        .map((lost) => `${code(lost.check)} (${escapeHtml(lost.status)})`)
        .join(', ')}.</p>`,
    );
  out.push('</section>');
  return out.join('\n');
}
