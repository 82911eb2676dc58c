/**
 * The HTML report as a page: self-contained under its CSP, every target-controlled text escaped in every
 * section (the kill matrix too), expected against actual with the difference marked, the data attributes
 * the filters read, copyable blocks that hold exactly their text. `tests/browser.test.ts` runs it in Chromium.
 */
import { describe, expect, it } from 'vitest';
import type { Basis } from '../engine/basis.js';
import { diffLines, diffableTexts, layoutJson, type DiffRow } from '../reports/diff.js';
import { CONTENT_SECURITY_POLICY, REPORT_SCRIPT, escapeHtml, htmlFormat } from '../reports/formats/html.js';
import type { CheckResult, Family, FailureRecord, KillMatrix, RunReport } from '../reports/model.js';
import { failedReport } from './support/reports.js';

/** Markup a target might send, tagged with where it went, so each field's escaped form can be found. */
const hostile = (where: string) => `"'&<x>${where}</x>\u001b[2J`;
/** How `hostile(where)` reads once escaped, with tags stripped from the page (a diff may split it with marks). */
const shown = (where: string) => `&quot;&#39;&amp;&lt;x&gt;${where}&lt;/x&gt;\\u001b[2J`;

const PROMISE: Basis = { grade: 'stated', says: `Returns the client ${hostile('basis-says')}`, source: hostile('basis-source') };
const ASSUMED: Basis = { grade: 'open', says: 'an empty string clears the field', source: 'openapi.yaml, updateClient' };

function check(family: Family, slug: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult {
  return { id: `${family}/${slug}`, family, name: slug.replace(/-/g, ' '), status, durationMs: 12, requests: 3, ...extra };
}

const STEPS = [
  {
    kind: 'curl' as const,
    command: `curl -X POST 'https://api.example.test/clients?q=${hostile('step')}' --data-binary @body-1.json`,
    body: `{"note":${JSON.stringify(hostile('step-body'))}}`,
    language: 'json' as const,
  },
  { kind: 'curl' as const, command: "curl -X GET 'https://api.example.test/clients/9'" },
];

function failure(extra: Partial<FailureRecord> = {}): FailureRecord {
  return {
    rule: 'partial-update/applied',
    basisRule: 'partial-update/applied',
    severity: 'failure',
    basis: PROMISE,
    operation: 'updateClient',
    message: `the update did not store lastName ${hostile('message')}`,
    expected: `{"firstName":"Ada","lastName":"Q6","email":"ada@example.test","note":${JSON.stringify(hostile('expected'))}}`,
    actual: `{"firstName":"Ada","lastName":"fqKWtD","email":"ada@example.test","note":${JSON.stringify(hostile('actual'))}}`,
    seed: 20261124,
    path: '2:0',
    counterexample: `[${JSON.stringify(hostile('counterexample'))}]`,
    boundary: hostile('boundary'),
    response: {
      httpStatus: 200,
      contentType: 'application/json',
      headers: { 'content-type': 'application/json', [`x-${hostile('header-name')}`]: hostile('header-value') },
      body: `{"client":${JSON.stringify(hostile('body'))}}`,
      truncated: true,
      serverLog: hostile('server-log'),
    },
    reproduction: { steps: STEPS, replay: `npx clientele run --seed 20261124 --only ${hostile('replay')}` },
    ...extra,
  };
}

const CHECKS: CheckResult[] = [
  check('partial-update', 'update-changes-named-fields', 'failed', {
    failure: failure(),
    name: `update changes named fields ${hostile('check-name')}`,
    claim: `an update changes the fields it names ${hostile('claim')}`,
  }),
  check('contract', 'create-matches-schema', 'failed', {
    failure: failure({ rule: 'response-schema', basisRule: 'response-schema' }),
    expectedFailure: true,
  }),
  check('stateful', 'agrees-with-model', 'warned', { warnings: 2, failure: failure({ severity: 'warning', basis: ASSUMED }) }),
  check('filtering', 'filter-by-email', 'errored', { note: `crashed: ${hostile('errored-note')}` }),
  check('deletion', 'restore-brings-back', 'blocked', {
    blockedBy: 'partial-update/update-changes-named-fields',
    note: `blocked: ${hostile('blocked-note')}`,
  }),
  check('deletion', 'hard-delete-gone', 'skipped', { note: `skipped: ${hostile('skipped-note')}` }),
  check('pagination', 'each-client-once', 'passed'),
  check('contract', 'list-matches-schema', 'passed', { claim: `a list matches its schema ${hostile('row-claim')}` }),
];

const KILL_MATRIX: KillMatrix = {
  api: 'freshbooks-rest',
  seed: 7,
  runs: 5,
  families: ['contract', 'pagination'],
  reference: { passed: 3, failed: 0, warned: 0, errored: 0 },
  mutants: [
    {
      id: `update-ignores-lname`,
      description: `Update ignores lname ${hostile('mutant-description')}`,
      global: false,
      open: false,
      boundaryOnly: false,
      failedChecks: ['contract/list-matches-schema'],
      warnedChecks: [],
      killedBy: ['contract'],
      firstKill: `contract/list-matches-schema (${hostile('first-kill')})`,
      kills: [],
      erroredChecks: 0,
    },
    {
      id: 'wrong-content-type',
      description: 'Every answer says text/plain.',
      global: true,
      open: false,
      boundaryOnly: false,
      failedChecks: ['contract/list-matches-schema', 'pagination/each-client-once'],
      warnedChecks: [],
      killedBy: ['contract', 'pagination'],
      kills: [],
      erroredChecks: 0,
    },
    {
      id: 'per-page-uncapped',
      description: 'per_page above 100 is honoured.',
      global: false,
      open: true,
      boundaryOnly: true,
      failedChecks: [],
      warnedChecks: ['pagination/each-client-once'],
      killedBy: ['pagination'],
      kills: [],
      erroredChecks: 0,
    },
    {
      id: hostile('mutant-id'),
      description: 'Changes nothing anyone checks.',
      global: false,
      open: false,
      boundaryOnly: false,
      failedChecks: [],
      warnedChecks: [],
      killedBy: [],
      kills: [],
      erroredChecks: 0,
    },
  ],
  evidence: [
    { check: 'contract/list-matches-schema', killers: ['update-ignores-lname'] },
    { check: 'pagination/each-client-once', killers: ['per-page-uncapped'] },
    { check: 'deletion/restore-brings-back', killers: [], allowed: hostile('allowed') },
    { check: hostile('evidence-check'), killers: [] },
  ],
};

const REPORT: RunReport = failedReport(CHECKS, {
  target: `https://api.example.test/${hostile('target')}`,
  error: hostile('error'),
  promises: [
    {
      grade: 'stated',
      says: hostile('promise-says'),
      source: hostile('promise-source'),
      operation: 'updateClient',
      rules: ['partial-update/applied'],
      checks: [{ id: 'partial-update/update-changes-named-fields', status: 'failed' }],
      verdict: 'broken',
    },
  ],
  fixFirst: ['partial-update/update-changes-named-fields'],
  baseline: {
    file: `.clientele/${hostile('baseline-file')}.yaml`,
    expected: ['contract/create-matches-schema'],
    unexpected: ['partial-update/update-changes-named-fields'],
    stale: [
      { check: 'pagination/each-client-once', reason: hostile('stale-reason') },
      { rule: 'response-schema', api: 'freshbooks-rest' },
    ],
  },
  shard: { index: 2, count: 4, balancedBy: 'durations' },
  killMatrix: KILL_MATRIX,
});

/** The page's text as a reader sees it, entities left escaped: tags removed, so a `<mark>` cannot split a value. */
const textOf = (html: string) => html.replace(/<[^>]*>/g, '');

/** What an element with these opening-tag attributes contains, up to its matching close (no nesting of the same tag). */
function elements(html: string, open: RegExp, close: string): string[] {
  return [...html.matchAll(new RegExp(`${open.source}[\\s\\S]*?${close}`, 'g'))].map((match) => match[0]);
}

/** The first `<details>` whose opening tag matches, whole: the `<details>` nested in it (folds) are counted to its own close. */
function detailsElement(html: string, open: RegExp): string {
  const start = html.search(open);
  expect(start, String(open)).toBeGreaterThanOrEqual(0);
  const tags = /<details[\s>]|<\/details>/g;
  tags.lastIndex = start;
  let depth = 0;
  for (let match = tags.exec(html); match !== null; match = tags.exec(html)) {
    depth += match[0] === '</details>' ? -1 : 1;
    if (depth === 0) return html.slice(start, tags.lastIndex);
  }
  throw new Error(`unclosed ${String(open)}`);
}

const unescapeHtml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

describe('the HTML report page', () => {
  const html = htmlFormat.render(REPORT);
  const own = `<script>${REPORT_SCRIPT}</script>`;
  const page = html.replace(own, '');

  it('is one self-contained file under a CSP that allows only its own inline style and script', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`);
    expect(CONTENT_SECURITY_POLICY).toBe("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:");
    expect(html.split(own)).toHaveLength(2);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|<base|<form|\ssrc=|url\(|@import|@font-face/i);
    expect(html.match(/<style>/g)).toHaveLength(1);
    // Links only move within the page, each to an element it has: the promises table, a broken promise's failed check.
    const links = [...html.matchAll(/\shref="([^"]*)"/g)].map((match) => match[1]!);
    expect(links).toEqual(['#promises-table', '#check-0']);
    for (const link of links) expect(html.match(new RegExp(`\\sid="${link.slice(1)}"`, 'g')), link).toHaveLength(1);
  });

  it('has a script that never turns text into markup and fetches nothing', () => {
    expect(REPORT_SCRIPT).not.toMatch(
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function|fetch\(|XMLHttpRequest|import\(|setAttribute\(['"]on/,
    );
    expect(REPORT_SCRIPT).toContain('navigator.clipboard.writeText');
    expect(REPORT_SCRIPT).toContain("document.execCommand('copy')");
    expect(REPORT_SCRIPT).toContain("addEventListener('beforeprint'");
    expect(REPORT_SCRIPT).not.toMatch(/<\/script|<!--/i);
  });

  it('escapes hostile text in every section, the kill matrix and the baseline included', () => {
    expect(page).not.toMatch(/<x>|<\/x>/);
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
    const text = textOf(page);
    const places = [
      'target',
      'error',
      'check-name',
      'claim',
      'message',
      'basis-says',
      'basis-source',
      'expected',
      'actual',
      'counterexample',
      'boundary',
      'header-name',
      'header-value',
      'body',
      'server-log',
      'step',
      'replay',
      'errored-note',
      'blocked-note',
      'skipped-note',
      'promise-says',
      'promise-source',
      'baseline-file',
      'stale-reason',
      'mutant-description',
      'first-kill',
      'mutant-id',
      'allowed',
      'evidence-check',
    ];
    for (const where of places) expect(text, where).toContain(shown(where));
    // A request body is JSON-quoted by the fixture: its quotes arrive escaped for JSON, then for HTML.
    expect(text).toContain('&lt;x&gt;step-body&lt;/x&gt;');
    // Attribute values (titles, aria labels, data attributes) are escaped the same way.
    for (const [, value] of page.matchAll(/\s[\w-]+="([^"]*)"/g)) expect(value).not.toMatch(/[<>]/);
  });

  it('shows a bar and readable counts per family, the run facts and the promises line', () => {
    expect(html).toMatch(
      /<tr class="family"><td>partial-update<\/td><td class="bar-col"><div class="bar" role="img" aria-label="partial-update: 1 failed">/,
    );
    expect(html).toContain('<span class="seg st-failed" style="flex-grow: 1" title="1 failed"></span>');
    expect(html).toMatch(
      /<tr class="total"><td>Total<\/td>.*<td class="n st-text-passed">2<\/td><td class="n st-text-warned">1<\/td><td class="n st-text-failed">2<\/td>/,
    );
    for (const fact of ['API', 'Target', 'Outcome', 'Seed', 'Strict', 'Shard', 'Baseline']) expect(html).toContain(`<dt>${fact}</dt>`);
    expect(html).toContain('<dt>Shard</dt><dd>2 of 4, balanced by earlier durations</dd>');
    expect(html).toContain('1 expected, 1 unexpected, 2 stale');
    expect(html).toMatch(
      /Documented promises: <span class="verdict-kept"><strong>0<\/strong> kept<\/span>, <span class="verdict-broken"><strong>1<\/strong> broken/,
    );
    expect(htmlFormat.render({ ...REPORT, shard: undefined, mergedFrom: 3 })).toContain('<dt>Merged</dt><dd>from 3 shard reports</dd>');
  });

  it('gives every check the data attributes the filters read, and a toggle per value with its count', () => {
    const tags = [
      ...html.matchAll(/<(?:details|div|li) class="check [^"]*" data-status="(\w+)" data-family="([\w-]+)" data-severity="(\w+)"/g),
    ];
    expect(tags.map(([, status, family, severity]) => `${status} ${family} ${severity}`)).toEqual(
      expect.arrayContaining(CHECKS.map((c) => `${c.status} ${c.family} ${c.failure?.severity ?? 'none'}`)),
    );
    expect(tags).toHaveLength(CHECKS.length);
    expect(html).toContain('<input type="checkbox" data-filter="status" value="failed" checked> failed <span class="chip-count">2</span>');
    expect(html).toContain(
      '<input type="checkbox" data-filter="family" value="deletion" checked> deletion <span class="chip-count">2</span>',
    );
    expect(html).toContain(
      '<input type="checkbox" data-filter="severity" value="none" checked> no finding <span class="chip-count">5</span>',
    );
    expect(html).toContain(`Showing <strong id="shown-count">${CHECKS.length}</strong> of ${CHECKS.length} checks`);
  });

  it('opens failed and errored checks, folds warnings, rows the blocked, and lists passed and skipped a line each', () => {
    expect(html).toMatch(
      /<details class="check st-failed" data-status="failed" data-family="partial-update" data-severity="failure" open>/,
    );
    expect(html).toMatch(/<details class="check st-errored" [^>]* open>/);
    expect(html).toMatch(/<details class="check st-warned" [^>]*data-severity="warning">/);
    expect(html).toMatch(/<div class="check st-blocked" data-status="blocked"/);
    expect(html).toContain('<p class="note">2 broken open rules in all; the first is shown.</p>');
    // Passed and skipped checks: one list, in the run's order, a line each with mark, name, requests and time (a skipped one's reason).
    const list = /<ul class="check-list">\n([\s\S]*?)\n<\/ul>/.exec(html)![1]!.split('\n');
    expect(list.map((row) => /data-id="([^"]*)"/.exec(row)![1])).toEqual(
      CHECKS.filter((c) => c.status === 'passed' || c.status === 'skipped').map((c) => c.id),
    );
    expect(list[1]).toBe(
      '<li class="check check-row st-passed" data-status="passed" data-family="pagination" data-severity="none" ' +
        'data-id="pagination/each-client-once" title="pagination/each-client-once"><span class="mark st-text-passed" aria-label="passed">✓</span>' +
        '<span class="row-text"><span class="name">each client once</span></span><span class="row-meta">3 requests · 12 ms</span></li>',
    );
    expect(list[0]).toContain(`<span class="name">hard delete gone</span> <span class="reason">skipped: ${shown('skipped-note')}</span>`);
    expect(html).toContain('<h3>Passed and skipped <span class="count">2 passed, 1 skipped</span></h3>');
    // A check's claim: a card says it (as the Markdown report does); a line has it in its tooltip, with the id.
    expect(detailsElement(html, /<details class="check st-failed" data-status="failed" data-family="partial-update"/)).toContain(
      `<div class="check-body">\n<p class="check-claim"><span class="muted">Proves:</span> an update changes the fields it names ${shown('claim')}</p>`,
    );
    expect(list[2]).toContain(
      `data-id="contract/list-matches-schema" title="a list matches its schema ${shown('row-claim')} (contract/list-matches-schema)">`,
    );
    // The order of the page: the broken promises at the top, then failures, warnings, blocked, the list; the folds last.
    const order = [
      'id="summary"',
      'class="broken-promises"',
      'id="failures"',
      'id="warnings"',
      'id="blocked"',
      'id="passed-skipped"',
      'id="run"',
    ];
    const at = order.map((piece) => html.indexOf(piece));
    expect(at.every((index) => index >= 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
  });

  it('marks a baseline expected failure, and lists the unexpected failures and stale entries', () => {
    expect(html).toMatch(
      /<details class="check st-failed expected-failure" data-status="failed" data-family="contract" data-severity="failure" data-expected-failure open>/,
    );
    expect(html).toContain('<span class="tag tag-expected" title="listed in the baseline: does not fail the gate">expected failure</span>');
    const baseline = html.slice(html.indexOf('<section class="panel" id="baseline">'));
    expect(baseline).toContain('<h3>Unexpected failures</h3>');
    expect(baseline).toContain('<tr><td>check <code>pagination/each-client-once</code></td><td><span class="muted">any</span></td>');
    expect(baseline).toContain('<tr><td>rule <code>response-schema</code></td><td><code>freshbooks-rest</code></td><td></td></tr>');
    expect(htmlFormat.render({ ...REPORT, baseline: undefined })).not.toContain('id="baseline"');
  });

  it('shows the promise a failure enforces, its facts, the response and the server log', () => {
    const failed = detailsElement(html, /<details class="check st-failed" data-status="failed" data-family="partial-update"/);
    expect(failed).toContain(
      `<figcaption>The docs say [stated]</figcaption>\n<blockquote>Returns the client ${shown('basis-says')}</blockquote>\n` +
        `<cite>${shown('basis-source')}</cite>`,
    );
    for (const fact of ['Severity', 'Rule', 'Operation', 'Seed', 'Path', 'Boundary']) expect(failed).toContain(`<dt>${fact}</dt>`);
    expect(failed).toContain('<p class="status-line">HTTP 200, application/json</p>');
    expect(failed).toContain('<p class="note">The body is cut here: the rest of it was not kept.</p>');
    expect(failed).toContain(
      `<span class="label">The server&#39;s stderr (its end)</span></div>\n<pre><code class="language-text">${shown('server-log')}</code></pre>`,
    );
    expect(failed.indexOf('<h4>Response</h4>')).toBeLessThan(failed.indexOf('<h4>Reproduction</h4>'));
  });

  it('puts a copy button on each reproduction block, whose text is exactly the steps, a body, or the replay line', () => {
    const reproduction = elements(html, /<section class="block reproduction">/, '</section>')[0]!;
    const blocks = elements(reproduction, /<div class="codeblock">/, '</pre>\n</div>');
    expect(blocks).toHaveLength(3);
    for (const block of blocks) expect(block).toContain('<button type="button" class="copy" data-copy>Copy</button>');
    const texts = blocks.map((block) => unescapeHtml(textOf(/<pre>([\s\S]*)<\/pre>/.exec(block)![1]!)));
    const visibleText = (text: string) => text.replace(/\u001b/g, '\\u001b');
    expect(texts).toEqual([
      STEPS.map((step) => visibleText(step.command)).join('\n'),
      visibleText(STEPS[0]!.body!),
      visibleText(failure().reproduction.replay),
    ]);
  });

  it('sets expected and actual side by side, one row per line, the differing parts marked', () => {
    const failed = detailsElement(html, /<details class="check st-failed" data-status="failed" data-family="partial-update"/);
    expect(failed).toContain(
      '<div class="diff-row diff-head" role="row"><div class="diff-cell" role="columnheader">Expected</div>' +
        '<div class="diff-cell" role="columnheader">Actual</div></div>',
    );
    expect(failed).toContain(
      '<div class="diff-row diff-changed">' +
        '<div class="diff-cell diff-expected">  &quot;lastName&quot;: &quot;<mark>Q6</mark>&quot;,</div>' +
        '<div class="diff-cell diff-actual">  &quot;lastName&quot;: &quot;<mark>fqKWtD</mark>&quot;,</div></div>',
    );
    expect(failed).toContain(
      '<div class="diff-row diff-same"><div class="diff-cell diff-expected">  &quot;firstName&quot;: &quot;Ada&quot;,</div>',
    );
    expect(failed).toContain('Both values are one-line JSON, shown here one member per line.');
  });

  it('has a kill matrix section only when the report carries one', () => {
    expect(htmlFormat.render({ ...REPORT, killMatrix: undefined })).not.toContain('id="kill-matrix"');
    const section = html.slice(
      html.indexOf('<section class="panel" id="kill-matrix">'),
      html.indexOf('<section class="panel" id="baseline">'),
    );
    expect(section).toContain('3 of 4 mutants killed; 3 of 4 checks failed by a non-global mutant or allowed');
    expect(section).toMatch(/<tr class="mutant-survived"><td><code>&quot;&#39;&amp;&lt;x&gt;mutant-id/);
    expect(section).toContain('<span class="tag" title="breaks every response: proves nothing about one check">global</span>');
    expect(section).toContain(
      '<span class="tag" title="breaks an open rule only: should warn, not fail">open</span> ' +
        '<span class="tag" title="only a boundary case reaches it">boundary only</span>',
    );
    expect(section).toContain(
      '<th scope="col" class="mutant-col global" title="Every answer says text/plain."><span>wrong-content-type</span></th>',
    );
    expect(section).toContain(
      '<td class="k" title="update-ignores-lname makes contract/list-matches-schema fail"><span class="kill kill-failed">✕</span></td>',
    );
    expect(section).toContain(
      '<td class="k" title="per-page-uncapped makes pagination/each-client-once warn"><span class="kill kill-warned">!</span></td>',
    );
    expect(section).toContain(
      '<td class="k global" title="wrong-content-type makes pagination/each-client-once fail"><span class="kill kill-failed">✕</span></td>',
    );
    expect(section).toContain('<strong class="st-text-failed">no evidence</strong>');
    expect(section).toContain('<div class="scroll matrix-scroll" tabindex="0" role="region" aria-label="Kill matrix">');
    expect(section).toContain('<td><span class="muted">0 failed</span><br><span class="st-text-warned">1 warned</span></td>');
    // Folded under its line of counts; the survivors named above the fold.
    expect(section).toContain(
      '<p class="survivors"><strong class="st-text-failed">Survived:</strong> <code>&quot;&#39;&amp;&lt;x&gt;mutant-id&lt;/x&gt;\\u001b[2J</code></p>\n' +
        '<details class="fold" id="kill-matrix-tables">\n<summary>Show the tables: 4 mutants and what each made fail, mutant x check for 4 checks</summary>',
    );
    expect(section.indexOf('<details class="fold" id="kill-matrix-tables">')).toBeLessThan(section.indexOf('<h3>Mutants</h3>'));
    expect(section.trimEnd().endsWith('</details>\n</section>')).toBe(true);
  });

  it('lists the broken promises at the top, each linked to the card of the check that broke it', () => {
    const top = html.slice(html.indexOf('id="summary"'), html.indexOf('id="checks"'));
    expect(top).toContain(
      `<h3>Broken promises <span class="count">1</span></h3>\n<ul>\n<li><q>${shown('promise-says')}</q> ` +
        `<cite>${shown('promise-source')} (<code>updateClient</code>)</cite> <span class="broken-by">broken by ` +
        '<a href="#check-0"><code>partial-update/update-changes-named-fields</code></a></span></li>\n</ul>',
    );
    // The anchor is the card's summary, which shows even when the card is folded.
    expect(detailsElement(html, /<details class="check st-failed" data-status="failed" data-family="partial-update"/)).toContain(
      '<summary id="check-0">',
    );
    // Many failed checks: the first is named, the others counted.
    const many = htmlFormat.render({
      ...REPORT,
      promises: [
        { ...REPORT.promises[0]!, checks: ['a', 'b', 'c'].map((slug) => ({ id: `contract/${slug}`, status: 'failed' as const })) },
      ],
    });
    expect(many).toContain('<span class="broken-by">broken by <code>contract/a</code> and 2 more</span>');
    expect(htmlFormat.render({ ...REPORT, promises: [] })).not.toContain('class="broken-promises"');
  });

  it('folds the promises table under its counts, in a container that scrolls, with heads that do not wrap', () => {
    const section = html.slice(html.indexOf('<section class="panel" id="promises">'));
    expect(section).toContain(
      '<h2>Promises</h2>\n<p>0 kept, 1 broken, 0 untested.</p>\n<details class="fold" id="promises-table">\n' +
        '<summary>Show the table: 1 promise, their sources, checks and verdicts</summary>\n' +
        '<div class="scroll promises-scroll" tabindex="0" role="region" aria-label="Promises">',
    );
    expect(section).toContain('<thead><tr><th>Promise</th><th>Source</th><th>Checks</th><th>Verdict</th></tr></thead>');
    expect(html).toMatch(/table\.promises th \{ white-space: nowrap; overflow-wrap: normal; \}/);
    // A promise many checks enforce: what did not pass is listed, the passed ones fold into a count.
    const passed = Array.from({ length: 5 }, (_, i) => ({ id: `contract/passes-${i}`, status: 'passed' as const }));
    const wide = htmlFormat.render({
      ...REPORT,
      promises: [{ ...REPORT.promises[0]!, checks: [...passed, { id: 'contract/fails', status: 'failed' }] }],
    });
    expect(wide).toContain(
      '<td><ul class="promise-checks"><li><span class="badge st-failed">failed</span> <code>contract/fails</code></li></ul>' +
        '<details class="promise-passed"><summary>5 checks passed</summary><ul class="promise-checks">' +
        '<li><span class="mark st-text-passed" title="passed">✓</span> <code>contract/passes-0</code></li>',
    );
    // No promises: a sentence, nothing folded, and the promises line links to the section.
    const none = htmlFormat.render({ ...REPORT, promises: [] });
    expect(none).toContain('<h2>Promises</h2>\n<p>No documented promises recorded for this API.</p>\n</section>');
    expect(none).toContain('<a href="#promises">see the table</a>');
  });

  it("folds the run's facts and the per-family table under a line with the seed", () => {
    const section = html.slice(html.indexOf('<section class="panel" id="run">'), html.indexOf('id="kill-matrix"'));
    expect(section).toContain(
      '<h2>Run</h2>\n<p>9 families · seed 20261124, 5 runs per property · started 2026-11-24T10:00:00.000Z</p>\n' +
        '<details class="fold" id="run-details">',
    );
    expect(section).toContain('<dt>Seed</dt>');
    expect(section).toContain('<tr class="family"><td>partial-update</td>');
  });

  it('folds long unchanged stretches of expected against actual, and the response headers, keeping every line', () => {
    const client = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`field_${i}`, `value ${i}`]));
    const record = failure({
      expected: JSON.stringify(client),
      actual: JSON.stringify({ ...client, field_9: 'changed' }),
    });
    const page = htmlFormat.render(failedReport([check('partial-update', 'long-object', 'failed', { failure: record })]));
    const diff = /<div class="diff" [\s\S]*?\n<\/div>\n<\/section>/.exec(page)![0];
    // `{` and field_0..field_8 unchanged: the first and last of them stay, the 8 between fold; field_10, field_11, `}` stay.
    expect(diff).toContain('<details class="diff-fold"><summary>8 unchanged lines</summary>');
    expect(diff.match(/<details class="diff-fold">/g)).toHaveLength(1);
    for (const i of [0, 8, 9, 10, 11]) expect(diff).toContain(`&quot;field_${i}&quot;`);
    expect(diff.match(/<div class="diff-row diff-(same|changed)">/g)).toHaveLength(layoutJson(JSON.stringify(client))!.split('\n').length);
    expect(page).toContain('<details class="response-headers"><summary>Headers <span class="muted">2</span></summary>');
    // The response comes before expected and actual, which come before the reproduction.
    const card = detailsElement(page, /<details class="check st-failed"/);
    const at = ['<h4>Response</h4>', '<h4>Expected and actual</h4>', '<h4>Reproduction</h4>'].map((piece) => card.indexOf(piece));
    expect(at.every((index) => index >= 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
  });

  it('has a script that opens the fold a link leads into', () => {
    expect(REPORT_SCRIPT).toContain(`closest('a[href^="#"]')`);
    expect(REPORT_SCRIPT).toContain('if (node instanceof HTMLDetailsElement) node.open = true;');
  });

  it('hides the controls and opens everything when printed', () => {
    const print = /@media print \{([\s\S]*?)\n\}/.exec(html)![1]!;
    expect(print).toMatch(/\.filters, button, \.no-match \{ display: none !important; \}/);
    expect(print).toContain('details::details-content');
    expect(print).toContain('details.fold > summary { display: none; }');
    expect(print).toMatch(/--bg: #fff; --panel: #fff;/);
    expect(html).toMatch(/@media screen \{ \.is-filtered \{ display: none !important; \} \}/);
  });

  it('escapeHtml escapes markup and quotes and shows control characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>\u0007`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\\u0007');
  });
});

/** A row as text: `left | right`, marks as [..]. */
function rowText(row: DiffRow): string {
  const side = (line: DiffRow['left']) =>
    line === undefined ? '∅' : line.segments.map((s) => (s.changed ? `[${s.text}]` : s.text)).join('');
  return `${side(row.left)} | ${side(row.right)}`;
}

describe('diff', () => {
  it('marks what lies between the common prefix and suffix of a changed line', () => {
    expect(diffLines('notes: ""', 'notes: "before"').map(rowText)).toEqual(['notes: "" | notes: "[before]"']);
    expect(diffLines('abc', 'xyz').map(rowText)).toEqual(['[abc] | [xyz]']);
    expect(diffLines('same', 'same').map(rowText)).toEqual(['same | same']);
  });

  it('aligns lines by their longest common subsequence, and pairs only similar changed lines', () => {
    const rows = diffLines('a\nb\n  "lastName": "Q6",\nc\nd', 'a\nnew\nb\n  "lastName": "fqKWtD",\nc');
    expect(rows.map(rowText)).toEqual([
      'a | a',
      '∅ | [new]',
      'b | b',
      '  "lastName": "[Q6]", |   "lastName": "[fqKWtD]",',
      'c | c',
      '[d] | ∅',
    ]);
    expect(rows.map((row) => row.same)).toEqual([true, false, true, false, true, false]);
    // The last JSON member has no comma: the value is still what differs (nothing to mark on the left).
    expect(diffLines('  "a": "",', '  "a": "x"').map(rowText)).toEqual(['  "a": "", |   "a": "[x]"']);
  });

  it('never splits a surrogate pair', () => {
    for (const row of diffLines('x😀y', 'x😃y')) {
      for (const segment of [...row.left!.segments, ...row.right!.segments])
        expect(segment.text).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    }
  });

  it('stays fast on 4 KiB inputs, even when every line differs', () => {
    const left = Array.from({ length: 2048 }, (_, i) => `${i % 10}`).join('\n');
    const right = Array.from({ length: 2048 }, (_, i) => `${(i + 5) % 10}`).join('\n');
    const started = performance.now();
    const rows = diffLines(left, right);
    diffLines('x'.repeat(4096), 'y'.repeat(4096));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(rows.length).toBeGreaterThanOrEqual(2048);
  });

  it('lays one-line JSON out member by member without changing a value', () => {
    const json = '{"id":12345678901234567890,"s":"a,b:{c}[d]\\"e","n":null,"e":{},"l":[1,[]]}';
    const laid = layoutJson(json)!;
    expect(laid.split('\n')).toEqual([
      '{',
      '  "id": 12345678901234567890,',
      '  "s": "a,b:{c}[d]\\"e",',
      '  "n": null,',
      '  "e": {},',
      '  "l": [',
      '    1,',
      '    []',
      '  ]',
      '}',
    ]);
    for (const bad of ['not json', '{"a":1}}', '{"a":"1}', '{"a":1} x', '{"a":[1}]', '['.repeat(100) + ']'.repeat(100)])
      expect(layoutJson(bad), bad).toBeUndefined();
    expect(diffableTexts('{"a":1}', '{"a":2}').laidOut).toBe(false); // short: compared as it is
    expect(diffableTexts(`{"a":"${'x'.repeat(80)}"}`, 'plain words').laidOut).toBe(false);
  });
});
