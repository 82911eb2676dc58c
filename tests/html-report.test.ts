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
  check('contract', 'list-matches-schema', 'passed'),
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
    // Links only move within the page.
    expect([...html.matchAll(/\shref="([^"]*)"/g)].map((match) => match[1])).toEqual(['#promises']);
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
      ...html.matchAll(/<(?:details|div) class="check [^"]*" data-status="(\w+)" data-family="([\w-]+)" data-severity="(\w+)"/g),
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

  it('opens failed and errored checks, folds warnings, and lists the rest as rows', () => {
    expect(html).toMatch(
      /<details class="check st-failed" data-status="failed" data-family="partial-update" data-severity="failure" open>/,
    );
    expect(html).toMatch(/<details class="check st-errored" [^>]* open>/);
    expect(html).toMatch(/<details class="check st-warned" [^>]*data-severity="warning">/);
    for (const status of ['passed', 'skipped', 'blocked'])
      expect(html).toMatch(new RegExp(`<div class="check st-${status}" data-status="${status}"`));
    expect(html).toContain('<p class="note">2 broken open rules in all; the first is shown.</p>');
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
    const failed = elements(html, /<details class="check st-failed" data-status="failed" data-family="partial-update"/, '</details>')[0]!;
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
    const failed = elements(html, /<details class="check st-failed" data-status="failed" data-family="partial-update"/, '</details>')[0]!;
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
  });

  it('hides the controls and opens everything when printed', () => {
    const print = /@media print \{([\s\S]*?)\n\}/.exec(html)![1]!;
    expect(print).toMatch(/\.filters, button, \.no-match \{ display: none !important; \}/);
    expect(print).toContain('details::details-content');
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
