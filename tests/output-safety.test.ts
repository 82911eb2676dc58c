/**
 * Safe output: text a target controls (bodies, headers, error messages quoting them, counterexamples)
 * may hold terminal control sequences and bidi overrides. Every report format and the console show each
 * as an escape (`\u001b`) through `visible` (reports/render.ts), and stay well-formed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import type { Basis } from '../engine/basis.js';
import { renderSummary } from '../reports/console.js';
import { REPORT_SCRIPT, htmlFormat } from '../reports/formats/html.js';
import { jsonFormat } from '../reports/formats/json.js';
import { junitFormat } from '../reports/formats/junit.js';
import { markdownFormat } from '../reports/formats/markdown.js';
import type { CheckResult, Family, PromiseRow, RunReport } from '../reports/model.js';
import { mapStrings, visible } from '../reports/render.js';
import { REPORT_FORMATS, writeReports } from '../reports/writer.js';
import { fencedBlocks, summarize } from './support/reports.js';

/** Every character no output may hold raw. */
const UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

// Clear screen, an OSC window title ended by BEL, a one-character C1 CSI, DEL, a bidi override and an
// isolate, NUL, VT, FF, NEL; with markup that must stay quoted: backticks, a CDATA end, a closing tag.
const CONTROLS = 'A\u001b[2J B\u001b]0;pwned\u0007 C\u009b31m D\u007f E\u202eevil\u202c F\u2066G\u2069 H\u0000I\u000bJ\u000cK\u0085L';
const HOSTILE = `${CONTROLS} \`\`\`\` ]]> </pre><script>x</script>`;
const MULTILINE = `first line ${CONTROLS}\nsecond line\r\n\t${CONTROLS}`;
const SECRET = 'sk_live_S3cr3tT0kenValue';

const BASIS: Basis = { grade: 'stated', says: `Returns the client ${CONTROLS}`, source: `docs ${CONTROLS}` };

function check(
  family: Family,
  slug: string,
  status: CheckResult['status'],
  extra: Partial<Omit<CheckResult, 'id' | 'family' | 'name' | 'status'>> = {},
): CheckResult {
  return { id: `${family}/${slug}`, family, name: slug.replace(/-/g, ' '), status, durationMs: 10, requests: 1, ...extra };
}

/** A failure whose every target-controlled field is hostile. */
function hostileFailure(severity: 'failure' | 'warning'): NonNullable<CheckResult['failure']> {
  return {
    rule: 'response-schema',
    basisRule: 'response-schema',
    severity,
    basis: BASIS,
    operation: 'createClient',
    message: `createClient answered ${HOSTILE}`,
    expected: MULTILINE,
    actual: `{"name":${JSON.stringify(CONTROLS)}} ${HOSTILE}`,
    seed: 7,
    path: '1:0',
    counterexample: `[${JSON.stringify(MULTILINE)}]`,
    boundary: `edge ${CONTROLS}`,
    response: {
      httpStatus: 500,
      contentType: `application/json; x=${CONTROLS}`,
      headers: { 'content-type': 'application/json', [`x-evil-${CONTROLS}`]: HOSTILE, 'retry-after': MULTILINE },
      body: `${MULTILINE}\n${HOSTILE}\n${SECRET.slice(3, 15)}`,
      truncated: true,
    },
    reproduction: {
      steps: [
        {
          kind: 'curl',
          command: `curl -sS -X POST 'https://api.example.test/clients?q=${CONTROLS}' -H 'Authorization: Bearer ${SECRET}'`,
          body: `{"note":"${MULTILINE}"}`,
          language: 'json',
        },
      ],
      replay: `npx clientele run --seed 7 --only ${CONTROLS}`,
    },
  };
}

function hostileReport(): RunReport {
  const checks: CheckResult[] = [
    check('contract', 'hostile-failure', 'failed', { failure: hostileFailure('failure') }),
    check('partial-update', 'hostile-warning', 'warned', { warnings: 2, failure: hostileFailure('warning') }),
    check('access', 'hostile-transport', 'failed', {
      failure: {
        ...hostileFailure('failure'),
        response: { headers: {}, body: '', truncated: false, transportError: `socket hang up ${HOSTILE}` },
      },
    }),
    check('filtering', 'hostile-crash', 'errored', { note: `crashed: ${MULTILINE}` }),
    check('deletion', 'hostile-skip', 'skipped', { note: `skipped: ${CONTROLS}` }),
    check('deletion', 'hostile-blocked', 'blocked', { blockedBy: 'contract/hostile-failure', note: `blocked: ${HOSTILE}` }),
    check('pagination', 'passes', 'passed'),
  ];
  const promises: PromiseRow[] = [
    {
      grade: 'stated',
      says: `A promise ${CONTROLS}`,
      source: `docs ${CONTROLS}`,
      operation: 'createClient',
      rules: ['response-schema'],
      checks: [{ id: 'contract/hostile-failure', status: 'failed' }],
      verdict: 'broken',
    },
  ];
  return {
    tool: { name: 'clientele', version: '0.1.0' },
    api: 'freshbooks-rest',
    target: `https://api.example.test/${CONTROLS}`,
    startedAt: '2025-01-02T03:04:05.000Z',
    finishedAt: '2025-01-02T03:04:06.000Z',
    durationMs: 1000,
    seed: 7,
    runs: 10,
    readOnly: false,
    strict: false,
    outcome: 'failed',
    exitCode: 1,
    error: `target said ${CONTROLS}`,
    summary: summarize(checks),
    checks,
    promises,
    fixFirst: ['contract/hostile-failure'],
  };
}

function expectSafe(name: string, text: string): void {
  const raw = UNSAFE.exec(text);
  expect(raw, `${name}: raw U+${raw?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} at ${raw?.index}`).toBeNull();
  // Shown, not dropped: each kind of character is there as its escape.
  for (const escape of ['\\u001b', '\\u0007', '\\u009b', '\\u007f', '\\u202e', '\\u2066', '\\u0000', '\\u000b', '\\u000c', '\\u0085']) {
    expect(text, `${name} shows ${escape}`).toContain(escape);
  }
}

describe('visible', () => {
  it('shows each control character and bidi override as an escape, keeps tab and line breaks', () => {
    expect(visible('a\u001b[2Jb')).toBe('a\\u001b[2Jb');
    expect(visible('\u001b]0;pwned\u0007')).toBe('\\u001b]0;pwned\\u0007');
    expect(visible('\u009b\u007f\u202e\u2069\u0000')).toBe('\\u009b\\u007f\\u202e\\u2069\\u0000');
    expect(visible('tab\there\nline\r\n')).toBe('tab\there\nline\r\n');
    expect(visible('plain, ünïcödé, 日本, emoji 🙂, \u200d')).toBe('plain, ünïcödé, 日本, emoji 🙂, \u200d');
    expect(visible(visible(CONTROLS))).toBe(visible(CONTROLS));
    expect(UNSAFE.test(visible(CONTROLS))).toBe(false);
  });
});

describe('hostile target text in every format', () => {
  const report = hostileReport();

  it('starts from a report that carries every kind of character raw', () => {
    const raw = JSON.stringify(report); // JSON.stringify escapes C0, not DEL, C1 or bidi
    for (const char of ['\u007f', '\u009b', '\u0085', '\u202e', '\u2066']) expect(raw).toContain(char);
    expect(report.checks[0]!.failure!.message).toContain('\u001b[2J');
  });

  it('JSON: no raw control anywhere, parses, and round-trips to the visible form', () => {
    const text = jsonFormat.render(report);
    expectSafe('report.json', text);
    const parsed = JSON.parse(text) as RunReport;
    expect(parsed).toEqual(JSON.parse(JSON.stringify(mapStrings(report, visible))));
    expect(parsed.checks[0]!.failure!.message).toBe(visible(`createClient answered ${HOSTILE}`));
    expect(Object.keys(parsed.checks[0]!.failure!.response!.headers)).toContain(visible(`x-evil-${CONTROLS}`));
  });

  it('JUnit XML: no raw control anywhere, well-formed, no CDATA end', () => {
    const xml = junitFormat.render(report);
    expectSafe('report.junit.xml', xml);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toContain(']]>');
    expect(xml).not.toMatch(/<script|<\/pre>/);
  });

  it('Markdown: no raw control anywhere, every fence closes, bodies shown in the visible form', () => {
    const md = markdownFormat.render(report);
    expectSafe('report.md', md);
    const blocks = fencedBlocks(md);
    const body = report.checks[0]!.failure!.response!.body;
    expect(blocks.filter((b) => b.content === visible(body))).toHaveLength(2); // the failure and the warning
    expect(blocks.some((b) => b.content === visible(MULTILINE))).toBe(true);
    // The fence around text holding a run of four backticks is longer than it.
    expect(md).toMatch(/^`{5,}/m);
  });

  it('HTML: no raw control anywhere, every value escaped', () => {
    const html = htmlFormat.render(report);
    expectSafe('report.html', html);
    // The page's own script, once; no other.
    const own = `<script>${REPORT_SCRIPT}</script>`;
    expect(html.split(own)).toHaveLength(2);
    expect(html.replace(own, '')).not.toMatch(/<script/);
    expect(html.match(/<pre\b/g)?.length).toBe(html.match(/<\/pre>/g)?.length);
    expect(html).toContain(visible(CONTROLS).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });

  it('console: no raw control anywhere, the escapes shown, one short line per item', () => {
    const summary = renderSummary(report);
    expect(UNSAFE.exec(summary)).toBeNull();
    expect(summary).toContain('\\u001b[2J');
    expect(summary).toContain('\\u202e');
    const lines = summary.trimEnd().split('\n');
    expect(lines.every((line) => [...line].length <= 160)).toBe(true);
    expect(lines[0]).toMatch(/^clientele freshbooks-rest — https:\/\/api\.example\.test\/A\\u001b\[2J B\\u001b\]0;pwned\\u0007/);
    expect(lines.filter((line) => line.startsWith('✗ '))).toHaveLength(3);
  });

  describe('writeReports', () => {
    const dirs: string[] = [];
    afterAll(async () => {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    });

    it('writes every format with no raw control and no fragment of the secret, still well-formed', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'clientele-safety-'));
      dirs.push(dir);
      const paths = await writeReports(dir, report, [SECRET]);
      expect(paths).toHaveLength(REPORT_FORMATS.length);
      for (const path of paths) {
        const text = await readFile(path, 'utf8');
        expectSafe(path, text);
        expect(text, path).not.toContain(SECRET.slice(3, 15));
        expect(text, path).not.toContain(SECRET);
      }
      const json = await readFile(join(dir, 'report.json'), 'utf8');
      expect(() => JSON.parse(json) as unknown).not.toThrow();
      expect(XMLValidator.validate(await readFile(join(dir, 'report.junit.xml'), 'utf8'))).toBe(true);
      fencedBlocks(await readFile(join(dir, 'report.md'), 'utf8'));
    });
  });
});
