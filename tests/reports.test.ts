import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020Import from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSummary } from '../reports/console.js';
import { htmlFormat } from '../reports/formats/html.js';
import { jsonFormat } from '../reports/formats/json.js';
import { junitFormat } from '../reports/formats/junit.js';
import { markdownFormat } from '../reports/formats/markdown.js';
import { FAMILIES, type CheckResult, type Family, type FamilySummary, type RunReport } from '../reports/model.js';
import schema from '../reports/report.schema.json' with { type: 'json' };
import { redactSecrets } from '../engine/redact.js';
import { stepsLanguage } from '../reports/render.js';
import { REPORT_FORMATS, writeReports } from '../reports/writer.js';

// CommonJS under NodeNext: the default import is `module.exports`, whose `.default` is the export proper.
const Ajv2020 = Ajv2020Import.default;
const addFormats = addFormatsImport.default;

const SECRET = 'sk_live_S3cr3tT0ken';
const BASIC = Buffer.from(`${SECRET}:X`).toString('base64');
const JSON_BODY = '{"name":"Tom & Jerry <Ltd>","notes":"```js\\nalert(1)\\n```","tag":"\u0007bell"}';
const JSONRPC_STEP = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"client_get","arguments":{"id":"9"}}}';
const XML_BODY = `<client><name>O'Brien &amp; "Sons"</name><notes>\`\`\`\`</notes></client>`;

function check(
  family: Family,
  slug: string,
  status: CheckResult['status'],
  extra: Partial<Pick<CheckResult, 'failure' | 'note'>> = {},
): CheckResult {
  return { id: `${family}/${slug}`, family, name: slug.replace(/-/g, ' '), status, durationMs: 125, requests: 4, ...extra };
}

const CHECKS: CheckResult[] = [
  check('contract', 'list-clients-matches-schema', 'passed'),
  check('contract', 'create-client-matches-schema', 'failed', {
    failure: {
      rule: 'response-schema',
      operation: 'createClient',
      message: `createClient answered 201 with a body that breaks the schema (sent with token ${SECRET})`,
      expected: '/client/email must match format "email"',
      actual: '{"client":{"email":"<not an email> & more"}}',
      seed: 1234567,
      path: '3:1:0',
      counterexample: '[{"name":"```","email":"a@b.c"}]',
      reproduction: {
        steps: [
          {
            kind: 'curl',
            command: `curl -sS -X POST 'https://api.example.test/clients' -H 'Authorization: Bearer ${SECRET}' -H 'Content-Type: application/json' --data-binary @body-1.json`,
            body: JSON_BODY,
            language: 'json',
          },
          {
            kind: 'curl',
            command: `curl -sS -X POST 'https://api.example.test/xml' -H "Authorization: Basic ${BASIC}" --data-binary @body-2.xml`,
            body: XML_BODY,
            language: 'xml',
          },
        ],
        replay: 'npx clientele run --api freshbooks --seed 1234567 --path 3:1:0 --only contract/create-client-matches-schema',
      },
    },
  }),
  check('pagination', 'each-client-once', 'failed', {
    failure: {
      rule: 'pagination/each-client-once',
      operation: 'listClients',
      message: 'client 17 appeared on pages 1 and 2',
      expected: 'every client on exactly one page',
      actual: `client 17 on pages [1, 2]; upstream said Basic ${BASIC}`,
      seed: -42,
      reproduction: { steps: [{ kind: 'curl', command: "curl -sS 'https://api.example.test/clients?page=1'" }], replay: 'npx clientele run --seed -42' },
    },
  }),
  check('pagination', 'page-size-respected', 'passed'),
  check('filtering', 'filter-by-email', 'errored', { note: 'check filtering/filter-by-email crashed: TypeError: x is undefined' }),
  check('partial-update', 'patch-keeps-other-fields', 'passed'),
  check('deletion', 'deleted-client-hidden', 'skipped', { note: 'read-only run: the check deletes clients' }),
  check('stateful', 'model-based-sequence', 'passed'),
];

function summarize(checks: readonly CheckResult[]): RunReport['summary'] {
  const zero = (): FamilySummary => ({ passed: 0, failed: 0, errored: 0, skipped: 0 });
  const families = Object.fromEntries(FAMILIES.map((family) => [family, zero()])) as Record<Family, FamilySummary>;
  const total = zero();
  for (const c of checks) {
    (families[c.family] as Record<CheckResult['status'], number>)[c.status]++;
    (total as Record<CheckResult['status'], number>)[c.status]++;
  }
  return { families, total, requests: checks.reduce((sum, c) => sum + c.requests, 0) };
}

const REPORT: RunReport = {
  tool: { name: 'clientele', version: '0.1.0' },
  api: 'freshbooks-rest',
  target: 'https://api.example.test',
  startedAt: '2025-01-02T03:04:05.000Z',
  finishedAt: '2025-01-02T03:04:06.500Z',
  durationMs: 1500,
  seed: 1234567,
  runs: 100,
  readOnly: false,
  outcome: 'failed',
  exitCode: 1,
  summary: summarize(CHECKS),
  checks: CHECKS,
};

function compileSchema() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** CommonMark fenced blocks (backtick fences only): a fence closes only on a line of at least as many backticks. */
function fencedBlocks(markdown: string): { info: string; content: string }[] {
  const blocks: { info: string; content: string }[] = [];
  let open: { length: number; info: string; lines: string[] } | undefined;
  for (const line of markdown.split('\n')) {
    if (open) {
      const close = /^ {0,3}(`+)\s*$/.exec(line);
      if (close && close[1]!.length >= open.length) {
        blocks.push({ info: open.info, content: open.lines.join('\n') });
        open = undefined;
      } else open.lines.push(line);
      continue;
    }
    const start = /^ {0,3}(`{3,})([^`]*)$/.exec(line);
    if (start) open = { length: start[1]!.length, info: start[2]!.trim(), lines: [] };
  }
  expect(open, 'unclosed fence').toBeUndefined();
  return blocks;
}

/** Enough of an XML 1.0 well-formedness check for our output: balanced tags, quoted attributes, valid references. */
function assertWellFormedXml(xml: string): void {
  const reference = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  const token = /<\?xml[^?]*\?>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+="[^"<]*")*)\s*(\/?)>|<|[^<]+/g;
  const stack: string[] = [];
  let roots = 0;
  for (const [text, closing, name, attrs, selfClosing] of xml.matchAll(token)) {
    if (text === '<') throw new Error('malformed tag');
    if (text.startsWith('<?xml')) continue;
    if (name === undefined) {
      expect(text.replace(reference, ''), 'bare & in text').not.toContain('&');
      if (stack.length === 0) expect(text.trim(), 'text outside the root').toBe('');
      continue;
    }
    expect((attrs ?? '').replace(reference, ''), `bare & in attributes of <${name}>`).not.toContain('&');
    if (closing) expect(stack.pop(), `</${name}> closes the wrong element`).toBe(name);
    else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

function unescapeXml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

describe('report.schema.json', () => {
  const validate = compileSchema();

  it('accepts the JSON report', () => {
    const ok = validate(JSON.parse(jsonFormat.render(REPORT)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('lists exactly the model families', () => {
    expect(schema.$defs.family.enum).toEqual([...FAMILIES]);
    expect(Object.keys(schema.properties.summary.properties.families.properties)).toEqual([...FAMILIES]);
    expect(schema.properties.summary.properties.families.required).toEqual([...FAMILIES]);
  });

  it('rejects a report missing a required key', () => {
    const { seed: _seed, ...withoutSeed } = JSON.parse(jsonFormat.render(REPORT)) as Record<string, unknown>;
    expect(validate(withoutSeed)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'required' && e.params.missingProperty === 'seed')).toBe(true);

    const noReproduction = structuredClone(REPORT) as unknown as { checks: { failure?: Record<string, unknown> }[] };
    delete noReproduction.checks[1]!.failure!.reproduction;
    expect(validate(noReproduction)).toBe(false);
  });

  it('rejects an unknown status, outcome or family and unknown keys', () => {
    const badStatus = structuredClone(REPORT) as unknown as { checks: { status: string }[] };
    badStatus.checks[0]!.status = 'flaky';
    expect(validate(badStatus)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'enum' && e.instancePath === '/checks/0/status')).toBe(true);

    expect(validate({ ...REPORT, outcome: 'mostly-passed' })).toBe(false);
    expect(validate({ ...REPORT, checks: [{ ...CHECKS[0], family: 'security' }] })).toBe(false);
    expect(validate({ ...REPORT, extra: true })).toBe(false);
    expect(validate({ ...REPORT, checks: [{ ...CHECKS[0], retried: 1 }] })).toBe(false);
    const families = { ...REPORT.summary.families, contract: { ...REPORT.summary.families.contract, flaky: 0 } };
    expect(validate({ ...REPORT, summary: { ...REPORT.summary, families } })).toBe(false);
  });
  it('describes a reproduction as steps, and rejects the old curl/bodies shape and unknown step kinds', () => {
    type Mutable = { checks: { failure?: { reproduction: Record<string, unknown> } }[] };
    const old = structuredClone(REPORT) as unknown as Mutable;
    old.checks[1]!.failure!.reproduction = { curl: ['curl -sS https://api.example.test/clients'], bodies: [JSON_BODY], replay: 'npx clientele run' };
    expect(validate(old)).toBe(false);

    const badKind = structuredClone(REPORT) as unknown as Mutable;
    badKind.checks[1]!.failure!.reproduction = { steps: [{ kind: 'wget', command: 'wget https://api.example.test/' }], replay: 'npx clientele run' };
    expect(validate(badKind)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'enum' && e.instancePath.endsWith('/steps/0/kind'))).toBe(true);

    const badLanguage = structuredClone(REPORT) as unknown as Mutable;
    badLanguage.checks[1]!.failure!.reproduction = { steps: [{ kind: 'curl', command: 'curl x', body: '{}', language: 'yaml' }], replay: 'npx clientele run' };
    expect(validate(badLanguage)).toBe(false);

    const rpc = structuredClone(REPORT) as unknown as Mutable;
    rpc.checks[1]!.failure!.reproduction = { steps: [{ kind: 'jsonrpc', command: JSONRPC_STEP }], replay: 'npx clientele run' };
    expect(validate(rpc)).toBe(true);
  });

  it('rejects the old family name soft-delete', () => {
    expect(validate({ ...REPORT, checks: [{ ...CHECKS[0], family: 'soft-delete' }] })).toBe(false);
    const families = { ...REPORT.summary.families, 'soft-delete': REPORT.summary.families.deletion };
    expect(validate({ ...REPORT, summary: { ...REPORT.summary, families } })).toBe(false);
  });
});

describe('JUnit report', () => {
  const xml = junitFormat.render(REPORT);

  it('is well-formed XML without characters XML 1.0 forbids', () => {
    assertWellFormedXml(xml);
    expect(xml).not.toMatch(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
    expect(xml).not.toContain('\u0007');
  });

  it('has the right totals and one suite per family', () => {
    const root = /<testsuites\b[^>]*>/.exec(xml)![0];
    expect(attribute(root, 'tests')).toBe('8');
    expect(attribute(root, 'failures')).toBe('2');
    expect(attribute(root, 'errors')).toBe('1');
    expect(attribute(root, 'skipped')).toBe('1');
    expect(attribute(root, 'time')).toBe('1.500');

    const suites = [...xml.matchAll(/<testsuite\b[^>]*>/g)].map((m) => m[0]);
    expect(suites.map((s) => attribute(s, 'name'))).toEqual(FAMILIES.map((f) => `clientele.${f}`));
    const pagination = suites[1]!;
    expect([attribute(pagination, 'tests'), attribute(pagination, 'failures'), attribute(pagination, 'time')]).toEqual(['2', '1', '0.250']);
    expect(xml.match(/<testcase\b/g)).toHaveLength(8);
    expect(xml.match(/<failure\b/g)).toHaveLength(2);
    expect(xml.match(/<error\b/g)).toHaveLength(1);
    expect(xml).toContain('<skipped message="read-only run: the check deletes clients"/>');
    expect(xml).toContain('<testcase classname="freshbooks-rest.contract" name="create client matches schema" time="0.125">');
    expect(xml).toContain('<property name="target" value="https://api.example.test"/>');
    expect(xml).toContain('<property name="seed" value="1234567"/>');
  });

  it('escapes the failure text and keeps the reproduction', () => {
    expect(xml).toContain('type="response-schema"');
    expect(xml).toContain('Tom &amp; Jerry &lt;Ltd&gt;');
    expect(xml).toContain('O&apos;Brien &amp;amp; &quot;Sons&quot;');
    const failure = /<failure\b[^>]*>([^<]*)<\/failure>/.exec(xml)![1]!;
    const text = unescapeXml(failure);
    expect(text).toContain('seed: 1234567');
    expect(text).toContain('path: 3:1:0');
    expect(text).toContain('"email":"<not an email> & more"');
    expect(text).toContain("curl -sS -X POST 'https://api.example.test/clients'");
    expect(text).toContain('"tag":"bell"'); // control char stripped, the rest kept
    expect(text).toContain('replay: npx clientele run --api freshbooks --seed 1234567');
  });
});

describe('Markdown report', () => {
  const md = markdownFormat.render(REPORT);

  it('has the title and the family table', () => {
    expect(md.split('\n')[0]).toBe('# clientele: freshbooks-rest against https://api.example.test — failed');
    expect(md).toContain('| Family | Passed | Failed | Errored | Skipped |');
    expect(md).toContain('| contract | 1 | 1 | 0 | 0 |');
    expect(md).toContain('| pagination | 1 | 1 | 0 | 0 |');
    expect(md).toContain('| filtering | 0 | 0 | 1 | 0 |');
    expect(md).toContain('| deletion | 0 | 0 | 0 | 1 |');
    expect(md).toContain('| **Total** | **4** | **2** | **1** | **1** |');
  });

  it('keeps bodies containing ``` intact in longer fences', () => {
    const blocks = fencedBlocks(md);
    const json = blocks.find((b) => b.content === JSON_BODY);
    expect(json?.info).toBe('json');
    const xmlBody = blocks.find((b) => b.content === XML_BODY);
    expect(xmlBody?.info).toBe('xml');
    expect(md).toContain(`\`\`\`\`\`xml\n${XML_BODY}\n\`\`\`\`\``); // body has a run of 4, so a fence of 5
    expect(blocks.some((b) => b.info === 'sh' && b.content.startsWith("curl -sS -X POST 'https://api.example.test/clients'"))).toBe(true);
    expect(blocks.find((b) => b.content === '[{"name":"```","email":"a@b.c"}]')?.info).toBe('text');
  });

  it('has one section per failed or errored check', () => {
    expect(md.match(/^### /gm)).toHaveLength(3);
    expect(md).toContain('### Errored: filtering / filter by email');
    expect(md).toContain('- **Rule:** `pagination/each-client-once`');
    expect(md).toContain('- **Operation:** `createClient`');
    expect(md).toContain('- **Seed:** `-42`');
  });
  it('shows JSON-RPC steps in a json fence, and curl steps in a sh fence', () => {
    expect(stepsLanguage([{ kind: 'jsonrpc', command: JSONRPC_STEP }])).toBe('json');
    expect(stepsLanguage([{ kind: 'curl', command: 'curl x' }])).toBe('sh');
    expect(stepsLanguage([{ kind: 'curl', command: 'curl x' }, { kind: 'jsonrpc', command: JSONRPC_STEP }])).toBe('sh');
    const checks = [
      check('access', 'unknown-id-is-refused', 'failed', {
        failure: {
          rule: 'expected-error-code',
          operation: 'client_get',
          message: 'an unknown id is refused: expected error -32005, got a success',
          seed: 7,
          reproduction: { steps: [{ kind: 'jsonrpc', command: JSONRPC_STEP }], replay: 'npx clientele run --seed 7' },
        },
      }),
    ];
    const rpc = markdownFormat.render({ ...REPORT, checks, summary: summarize(checks) });
    expect(fencedBlocks(rpc).find((b) => b.content === JSONRPC_STEP)?.info).toBe('json');
  });
});

describe('HTML report', () => {
  const html = htmlFormat.render(REPORT);

  it('is one self-contained page with every value escaped', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(/i);
    expect(html).toContain('Tom &amp; Jerry &lt;Ltd&gt;');
    expect(html).not.toContain('<Ltd>');
    expect(html).not.toContain('<not an email>');
    expect(html).toContain('&lt;client&gt;&lt;name&gt;O&#39;Brien &amp;amp;');
    expect(html).not.toContain('\u0007');
    for (const family of FAMILIES) expect(html).toContain(`<td>${family}</td>`);
  });
});

describe('redactSecrets', () => {
  it('replaces the secret, its escaped forms and its base64 in Basic credentials', () => {
    expect(redactSecrets(`token ${SECRET}!`, [SECRET])).toBe('token [REDACTED]!');
    expect(redactSecrets(`sk\\_live\\_S3cr3tT0ken`, [SECRET])).toBe('[REDACTED]');
    expect(redactSecrets(`upstream said Basic ${BASIC}.`, [SECRET])).toBe('upstream said Basic [REDACTED].');
    expect(redactSecrets(`creds=${BASIC}`, [SECRET])).not.toContain(BASIC.replace(/=+$/, ''));
    const other = Buffer.from('someone:else').toString('base64');
    expect(redactSecrets(`Basic ${other}`, [SECRET])).toBe(`Basic ${other}`);
  });

  it('always redacts Authorization header values, and ignores very short secrets elsewhere', () => {
    expect(redactSecrets(`-H 'Authorization: Bearer abc' -d x`, ['abc'])).toBe(`-H 'Authorization: Bearer [REDACTED]' -d x`);
    expect(redactSecrets(`-H "authorization: basic dXNlcjpwdw=="`, [])).toBe(`-H "authorization: basic [REDACTED]"`);
    expect(redactSecrets(`{"h":"Authorization: Bearer t0k3n\\" -d"}`, [])).toBe(`{"h":"Authorization: Bearer [REDACTED]\\" -d"}`);
    expect(redactSecrets('a cabbage', ['abc', ''])).toBe('a cabbage');
  });
});

describe('writeReports', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('writes the four formats with no secret in any of them', async () => {
    const root = await mkdtemp(join(tmpdir(), 'clientele-reports-'));
    dirs.push(root);
    const dir = join(root, 'nested', 'latest');
    const paths = await writeReports(dir, REPORT, [SECRET]);

    expect(paths).toEqual(REPORT_FORMATS.map((f) => join(dir, f.fileName)));
    expect((await readdir(dir)).sort()).toEqual(['report.html', 'report.json', 'report.junit.xml', 'report.md']);
    // The unredacted renderings do hold the secret, so the test below is meaningful.
    expect(REPORT_FORMATS.every((f) => f.render(REPORT).includes(BASIC))).toBe(true);

    for (const path of paths) {
      const text = await readFile(path, 'utf8');
      expect(text, path).not.toContain(SECRET);
      expect(text, path).not.toContain(BASIC.replace(/=+$/, ''));
      expect(text, path).not.toMatch(/S3cr3tT0ken/);
      expect(text, path).toContain('[REDACTED]');
      expect(text, path).not.toMatch(/Authorization: (Bearer|Basic) (?!\[REDACTED\])/);
    }

    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as unknown;
    expect(compileSchema()(json)).toBe(true);
    assertWellFormedXml(await readFile(join(dir, 'report.junit.xml'), 'utf8'));
  });
});

describe('renderSummary', () => {
  const summary = renderSummary(REPORT);
  const lines = summary.trimEnd().split('\n');

  it('mentions every family, every problem and the totals on short plain lines', () => {
    expect(lines[0]).toBe('clientele freshbooks-rest — https://api.example.test — seed 1234567 — FAILED');
    for (const family of FAMILIES) expect(lines.some((line) => line.trimStart().startsWith(`${family} `))).toBe(true);
    expect(lines.filter((line) => line.startsWith('✗ '))).toEqual([
      expect.stringMatching(/^✗ contract\/create client matches schema — createClient answered 201/),
      '✗ pagination/each client once — client 17 appeared on pages 1 and 2',
      '✗ filtering/filter by email — check filtering/filter-by-email crashed: TypeError: x is undefined',
    ]);
    expect(lines.at(-1)).toBe('8 checks: 4 passed, 2 failed, 1 errored, 1 skipped; 32 requests in 1.50 s');
    expect(lines.every((line) => [...line].length <= 160)).toBe(true);
    expect(summary).not.toMatch(/\u001b\[/);
  });

  it('redacts secrets when given them', () => {
    expect(renderSummary(REPORT, [SECRET])).not.toContain(SECRET);
  });

  it('cuts long messages to one line', () => {
    const long = structuredClone(REPORT) as unknown as { checks: { note?: string }[] };
    long.checks[4]!.note = `first line\nsecond ${'x'.repeat(300)}`;
    const line = renderSummary(long as unknown as RunReport).split('\n').find((l) => l.startsWith('✗ filtering'))!;
    expect(line).toMatch(/^✗ filtering\/filter by email — first line second x+…$/);
    expect([...line]).toHaveLength(160);
  });
});
