/** `clientele mutants`' kill matrix: each mutant of the reference, which checks it made fail or warn. */
import type { KillMatrix, MutantVerdict } from '../../model.js';
import { badge, code, escapeHtml, plural } from './markup.js';

const killed = (mutant: MutantVerdict) => mutant.failedChecks.length + mutant.warnedChecks.length > 0;

function kinds(mutant: MutantVerdict): string {
  const tags = [
    mutant.global && ['global', 'breaks every response: proves nothing about one check'],
    mutant.open && ['open', 'breaks an open rule only: should warn, not fail'],
    mutant.boundaryOnly && ['boundary only', 'only a boundary case reaches it'],
  ].filter((tag): tag is [string, string] => Array.isArray(tag));
  if (tags.length === 0) return '<span class="muted">promise</span>';
  return tags.map(([tag, why]) => `<span class="tag" title="${escapeHtml(why)}">${escapeHtml(tag)}</span>`).join(' ');
}

/** `2 failed` over `1 warned`: what the mutant did to the checks, the failures first. */
function checksMade(mutant: MutantVerdict): string {
  const failed = `<span class="${mutant.failedChecks.length > 0 ? 'st-text-failed' : 'muted'}">${mutant.failedChecks.length} failed</span>`;
  const warned = `<span class="${mutant.warnedChecks.length > 0 ? 'st-text-warned' : 'muted'}">${mutant.warnedChecks.length} warned</span>`;
  return `${failed}<br>${warned}`;
}

function mutantsTable(matrix: KillMatrix): string {
  const rows = matrix.mutants.map((mutant) => {
    const errored = mutant.erroredChecks > 0 ? `<div class="muted">${escapeHtml(plural(mutant.erroredChecks, 'check'))} errored</div>` : '';
    const verdict = `${killed(mutant) ? badge('passed', 'killed') : badge('failed', 'survived')}${errored}`;
    const first = mutant.firstKill !== undefined ? code(mutant.firstKill) : '<span class="muted">—</span>';
    return [
      `<tr class="${killed(mutant) ? 'mutant-killed' : 'mutant-survived'}">`,
      `<td>${code(mutant.id)}</td><td>${escapeHtml(mutant.description)}</td><td>${kinds(mutant)}</td><td>${verdict}</td>`,
      `<td>${checksMade(mutant)}</td><td>${first}</td>`,
      '</tr>',
    ].join('');
  });
  const head = '<tr><th>Mutant</th><th>What it breaks</th><th>Kind</th><th>Verdict</th><th>Checks</th><th>First kill</th></tr>';
  return [
    '<div class="scroll mutants-scroll" tabindex="0" role="region" aria-label="Mutants">',
    `<table class="mutants">\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
    '</div>',
  ].join('\n');
}

/** A matrix cell's mark: a cross where the mutant makes the check fail, a bang where it makes it warn. */
function killMark(what: 'failed' | 'warned'): string {
  return `<span class="kill kill-${what}">${what === 'failed' ? '✕' : '!'}</span>`;
}

/** Every check the matrix knows: those that passed on the reference, then any other a mutant made fail. */
function matrixChecks(matrix: KillMatrix): string[] {
  const ids = matrix.evidence.map((evidence) => evidence.check);
  const seen = new Set(ids);
  for (const mutant of matrix.mutants) {
    for (const id of [...mutant.failedChecks, ...mutant.warnedChecks]) {
      if (!seen.has(id)) {
        seen.add(id);
        ids.push(id);
      }
    }
  }
  return ids;
}

/**
 * Check x mutant, inside its own horizontal scroll container: a catalogue of thirty mutants is wider
 * than a laptop screen, and cutting columns off would hide kills. Column heads are set vertically.
 */
function matrixTable(matrix: KillMatrix): string {
  const evidence = new Map(matrix.evidence.map((item) => [item.check, item]));
  const heads = matrix.mutants.map(
    (mutant) =>
      `<th scope="col" class="mutant-col${mutant.global ? ' global' : ''}" title="${escapeHtml(mutant.description)}">` +
      `<span>${escapeHtml(mutant.id)}</span></th>`,
  );
  const rows = matrixChecks(matrix).map((check) => {
    const cells = matrix.mutants.map((mutant) => {
      const className = mutant.global ? 'k global' : 'k';
      const what = mutant.failedChecks.includes(check) ? 'failed' : mutant.warnedChecks.includes(check) ? 'warned' : undefined;
      if (what === undefined) return `<td class="${className}"></td>`;
      const title = escapeHtml(`${mutant.id} makes ${check} ${what === 'failed' ? 'fail' : 'warn'}`);
      return `<td class="${className}" title="${title}">${killMark(what)}</td>`;
    });
    const item = evidence.get(check);
    let note: string;
    if (item === undefined) note = '<span class="muted">not passed on the reference</span>';
    else if (item.killers.length > 0) note = escapeHtml(plural(item.killers.length, 'mutant'));
    else if (item.allowed !== undefined) note = `<span class="allowed">allowed: ${escapeHtml(item.allowed)}</span>`;
    else note = '<strong class="st-text-failed">no evidence</strong>';
    return `<tr><th scope="row" class="check-col">${code(check)}</th>${cells.join('')}<td class="evidence">${note}</td></tr>`;
  });
  return [
    '<div class="scroll matrix-scroll" tabindex="0" role="region" aria-label="Kill matrix">',
    '<table class="matrix">',
    `<thead><tr><th scope="col" class="check-col">Check</th>${heads.join('')}<th scope="col" class="evidence">Non-global killers</th></tr></thead>`,
    `<tbody>\n${rows.join('\n')}\n</tbody>`,
    '</table>',
    '</div>',
  ].join('\n');
}

/** The mutants no check caught, named above the fold: they are what the matrix is read for. */
function survivorsLine(matrix: KillMatrix): string[] {
  const survivors = matrix.mutants.filter((mutant) => !killed(mutant));
  if (survivors.length === 0) return [];
  return [
    `<p class="survivors"><strong class="st-text-failed">Survived:</strong> ${survivors.map((mutant) => code(mutant.id)).join(', ')}</p>`,
  ];
}

export function killMatrixSection(matrix: KillMatrix): string {
  const survivors = matrix.mutants.filter((mutant) => !killed(mutant)).length;
  const unproven = matrix.evidence.filter((item) => item.killers.length === 0 && item.allowed === undefined).length;
  const ref = matrix.reference;
  const summary = [
    `${matrix.mutants.length - survivors} of ${matrix.mutants.length} mutants killed`,
    `${matrix.evidence.length - unproven} of ${matrix.evidence.length} checks failed by a non-global mutant or allowed`,
    `reference: ${ref.passed} passed, ${ref.failed} failed, ${ref.warned} warned, ${ref.errored} errored`,
  ];
  const checks = matrixChecks(matrix).length;
  // Folded like the promises: the line above the fold has the counts; the tables are for looking things up.
  return [
    '<section class="panel" id="kill-matrix">',
    '<h2>Kill matrix</h2>',
    `<p>${code(matrix.api)}, seed ${code(matrix.seed)}, ${escapeHtml(plural(matrix.runs, 'run'))} per property: ${escapeHtml(summary.join('; '))}.</p>`,
    ...survivorsLine(matrix),
    '<details class="fold" id="kill-matrix-tables">',
    `<summary>Show the tables: ${escapeHtml(plural(matrix.mutants.length, 'mutant'))} and what each made fail, ` +
      `mutant x check for ${escapeHtml(plural(checks, 'check'))}</summary>`,
    '<h3>Mutants</h3>',
    mutantsTable(matrix),
    '<h3>Mutant x check</h3>',
    `<p class="legend">${killMark('failed')} the mutant makes the check fail · ${killMark('warned')} it makes it warn · ` +
      'a shaded column is a global mutant</p>',
    matrixTable(matrix),
    '</details>',
    '</section>',
  ].join('\n');
}
