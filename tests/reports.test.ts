import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020Import from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../reports/build.js';
import { COLOURS, renderSummary, renderVerdict } from '../reports/console.js';
import { REPORT_SCRIPT, htmlFormat } from '../reports/formats/html.js';
import { jsonFormat } from '../reports/formats/json.js';
import { junitFormat } from '../reports/formats/junit.js';
import { markdownFormat } from '../reports/formats/markdown.js';
import type { Basis } from '../engine/basis.js';
import { FAMILIES, type CheckResult, type Family, type PromiseRow, type RunReport } from '../reports/model.js';
import template from '../reports/report.schema.json' with { type: 'json' };
import { reportSchema } from '../reports/schema.js';

const schema = reportSchema() as unknown as typeof template & { $defs: { family: { enum: string[] } } };
import { redactSecrets } from '../engine/redact.js';
import { mapStrings, stepsLanguage, visible } from '../reports/render.js';
import { REPORT_FORMATS, writeReports } from '../reports/writer.js';
import { fencedBlocks, summarize } from './support/reports.js';

// CommonJS under NodeNext: the default import is `module.exports`, whose `.default` is the export proper.
const Ajv2020 = Ajv2020Import.default;
const addFormats = addFormatsImport.default;

const SECRET = 'sk_live_S3cr3tT0ken';
const BASIC = Buffer.from(`${SECRET}:X`).toString('base64');
const JSON_BODY = '{"name":"Tom & Jerry <Ltd>","notes":"```js\\nalert(1)\\n```","tag":"\u0007bell"}';
const JSONRPC_STEP = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"client_get","arguments":{"id":"9"}}}';
const XML_BODY = `<client><name>O'Brien &amp; "Sons"</name><notes>\`\`\`\`</notes></client>`;

// Hostile text a target can put in its answer: fences, HTML that closes a <pre>, CDATA ends, scripts, a bell.
const HOSTILE = '````\n</pre></code><script>alert(1)</script>\n]]><![CDATA[x]]>\n| a | b |\n<!-- \u0007 -->\n```';

const PROMISE: Basis = {
  grade: 'stated',
  says: 'Returns the created client, as the schema describes it.',
  source: 'seed 000, client.create',
};
const PAGING: Basis = {
  grade: 'meaning',
  says: 'Each client appears on exactly one page.',
  convention: 'the plain reading of page and per_page: pages partition one list',
  source: 'shared/reference/crm-docs/clients.md, Paging',
};
const ASSUMED: Basis = {
  grade: 'open',
  says: 'an update to an empty string clears the field',
  source: 'apis/freshbooks-rest/openapi.yaml, updateClient (x-clientele-assumption)',
};

function check(
  family: Family,
  slug: string,
  status: CheckResult['status'],
  extra: Partial<Omit<CheckResult, 'id' | 'family' | 'name' | 'status'>> = {},
): CheckResult {
  return { id: `${family}/${slug}`, family, name: slug.replace(/-/g, ' '), status, durationMs: 125, requests: 4, ...extra };
}

const CHECKS: CheckResult[] = [
  check('contract', 'list-clients-matches-schema', 'passed', { rules: ['response-schema'] }),
  check('contract', 'create-client-matches-schema', 'failed', {
    rules: ['response-schema'],
    failure: {
      rule: 'response-schema',
      basisRule: 'response-schema',
      severity: 'failure',
      basis: PROMISE,
      operation: 'createClient',
      message: `createClient answered 201 with a body that breaks the schema (sent with token ${SECRET})`,
      expected: '/client/email must match format "email"',
      actual: '{"client":{"email":"<not an email> & more"}}',
      seed: 1234567,
      path: '3:1:0',
      counterexample: '[{"name":"```","email":"a@b.c"}]',
      response: {
        httpStatus: 201,
        contentType: 'application/json; charset=utf-8',
        headers: { 'content-type': 'application/json; charset=utf-8', location: '/clients/9?x=`</pre>]]><script>' },
        body: `{"client":{"email":"<not an email> & more","notes":${JSON.stringify(HOSTILE)}}}\n${HOSTILE}`,
        truncated: true,
      },
      reproduction: {
        steps: [
          {
            kind: 'curl',
            command:
              `curl -sS -X POST 'https://api.example.test/clients' -H 'Authorization: Bearer ${SECRET}' ` +
              "-H 'Content-Type: application/json' --data-binary @body-1.json",
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
    rules: ['pagination/each-client-once'],
    failure: {
      rule: 'pagination/each-client-once',
      basisRule: 'pagination/each-client-once',
      severity: 'failure',
      basis: PAGING,
      operation: 'listClients',
      message: 'client 17 appeared on pages 1 and 2',
      expected: 'every client on exactly one page',
      actual: `client 17 on pages [1, 2]; upstream said Basic ${BASIC}`,
      seed: -42,
      reproduction: {
        steps: [{ kind: 'curl', command: "curl -sS 'https://api.example.test/clients?page=1'" }],
        replay: 'npx clientele run --seed -42',
      },
    },
  }),
  check('pagination', 'page-size-respected', 'passed'),
  check('filtering', 'filter-by-email', 'errored', { note: 'check filtering/filter-by-email crashed: TypeError: x is undefined' }),
  check('partial-update', 'patch-keeps-other-fields', 'passed'),
  check('deletion', 'deleted-client-hidden', 'skipped', { note: 'read-only run: the check deletes clients' }),
  check('stateful', 'model-based-sequence', 'passed'),
  check('partial-update', 'empty-string-clears-field', 'warned', {
    rules: ['partial-update/empty-clears'],
    warnings: 2,
    boundary: { cases: 3, requests: 9, ms: 40 },
    failure: {
      rule: 'partial-update/empty-clears',
      basisRule: 'partial-update/empty-clears',
      severity: 'warning',
      basis: ASSUMED,
      operation: 'updateClient',
      message: 'updating notes to "" left the old notes in place',
      expected: 'notes: ""',
      actual: 'notes: "before"',
      seed: 1234567,
      boundary: 'update to empty string',
      response: {
        httpStatus: 200,
        contentType: 'application/json',
        headers: { 'content-type': 'application/json' },
        body: '{"client":{"notes":"before"}}',
        truncated: false,
      },
      reproduction: {
        steps: [{ kind: 'curl', command: "curl -sS -X PUT 'https://api.example.test/clients/9'" }],
        replay: 'npx clientele run --seed 1234567 --only partial-update',
      },
    },
  }),
  check('deletion', 'restore-brings-back', 'blocked', {
    blockedBy: 'contract/create-client-matches-schema',
    note: 'blocked: the prerequisite contract/create-client-matches-schema failed (create answered 201 with a bad body); fix it first',
  }),
];

const PROMISES: PromiseRow[] = [
  {
    grade: 'stated',
    says: PROMISE.says,
    source: PROMISE.source,
    operation: 'createClient',
    rules: ['response-schema'],
    checks: [
      { id: 'contract/list-clients-matches-schema', status: 'passed' },
      { id: 'contract/create-client-matches-schema', status: 'failed' },
    ],
    verdict: 'broken',
  },
  {
    grade: 'meaning',
    says: PAGING.says,
    source: PAGING.source,
    rules: ['pagination/page-size'],
    checks: [{ id: 'pagination/page-size-respected', status: 'passed' }],
    verdict: 'kept',
  },
  {
    grade: 'stated',
    says: 'A deleted client | can be *restored* <b>within</b> 30 days.',
    source: 'clients.md, Restore',
    rules: ['deletion/restore'],
    checks: [{ id: 'deletion/restore-brings-back', status: 'blocked' }],
    verdict: 'untested',
  },
];

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
  strict: false,
  outcome: 'failed',
  exitCode: 1,
  summary: summarize(CHECKS),
  checks: CHECKS,
  promises: PROMISES,
  fixFirst: ['contract/create-client-matches-schema'],
};

/** The page without its own script, which it holds exactly once: what is left must hold no script at all. */
function withoutOwnScript(html: string): string {
  const own = `<script>${REPORT_SCRIPT}</script>`;
  expect(html.split(own), 'the report script, once').toHaveLength(2);
  return html.replace(own, '');
}

function compileSchema() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
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

  it('lists exactly the model families, from FAMILIES, and nowhere by hand', () => {
    expect(schema.$defs.family.enum).toEqual([...FAMILIES]);
    expect(schema.properties.summary.properties.families.propertyNames).toEqual({ $ref: '#/$defs/family' });
    expect(schema.properties.summary.properties.families).not.toHaveProperty('required');
    const written = JSON.stringify(template);
    expect(FAMILIES.filter((family) => written.includes(`"${family}"`))).toEqual([]);
    const json = JSON.parse(jsonFormat.render(REPORT)) as { summary: { families: Record<string, unknown> } };
    json.summary.families['no-such-family'] = json.summary.families.contract;
    expect(compileSchema()(json)).toBe(false);
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
    old.checks[1]!.failure!.reproduction = {
      curl: ['curl -sS https://api.example.test/clients'],
      bodies: [JSON_BODY],
      replay: 'npx clientele run',
    };
    expect(validate(old)).toBe(false);

    const badKind = structuredClone(REPORT) as unknown as Mutable;
    badKind.checks[1]!.failure!.reproduction = {
      steps: [{ kind: 'wget', command: 'wget https://api.example.test/' }],
      replay: 'npx clientele run',
    };
    expect(validate(badKind)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'enum' && e.instancePath.endsWith('/steps/0/kind'))).toBe(true);

    const badLanguage = structuredClone(REPORT) as unknown as Mutable;
    badLanguage.checks[1]!.failure!.reproduction = {
      steps: [{ kind: 'curl', command: 'curl x', body: '{}', language: 'yaml' }],
      replay: 'npx clientele run',
    };
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
    expect(attribute(root, 'tests')).toBe('10');
    expect(attribute(root, 'failures')).toBe('2');
    expect(attribute(root, 'errors')).toBe('1');
    expect(attribute(root, 'skipped')).toBe('2'); // one skipped, one blocked
    expect(attribute(root, 'time')).toBe('1.500');

    const suites = [...xml.matchAll(/<testsuite\b[^>]*>/g)].map((m) => m[0]);
    expect(suites.map((s) => attribute(s, 'name'))).toEqual(FAMILIES.map((f) => `clientele.${f}`));
    const pagination = suites[1]!;
    expect([attribute(pagination, 'tests'), attribute(pagination, 'failures'), attribute(pagination, 'time')]).toEqual(['2', '1', '0.250']);
    expect(xml.match(/<testcase\b/g)).toHaveLength(10);
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
    expect(text).toContain('"tag":"\\u0007bell"'); // the control char shown as an escape, the rest kept
    expect(text).toContain('replay: npx clientele run --api freshbooks --seed 1234567');
  });
});

describe('Markdown report', () => {
  const md = markdownFormat.render(REPORT);

  it('has the title and the family table', () => {
    expect(md.split('\n')[0]).toBe('# clientele: freshbooks-rest against https://api.example.test — failed');
    expect(md).toContain('| Family | Passed | Warned | Failed | Errored | Skipped | Blocked |');
    expect(md).toContain('| contract | 1 | 0 | 1 | 0 | 0 | 0 |');
    expect(md).toContain('| pagination | 1 | 0 | 1 | 0 | 0 | 0 |');
    expect(md).toContain('| filtering | 0 | 0 | 0 | 1 | 0 | 0 |');
    expect(md).toContain('| partial-update | 1 | 1 | 0 | 0 | 0 | 0 |');
    expect(md).toContain('| deletion | 0 | 0 | 0 | 0 | 1 | 1 |');
    expect(md).toContain('| **Total** | **4** | **1** | **2** | **1** | **1** | **1** |');
  });

  it('keeps bodies containing ``` intact in longer fences', () => {
    const blocks = fencedBlocks(md);
    const json = blocks.find((b) => b.content === visible(JSON_BODY)); // its bell shown as \u0007
    expect(json?.info).toBe('json');
    const xmlBody = blocks.find((b) => b.content === XML_BODY);
    expect(xmlBody?.info).toBe('xml');
    expect(md).toContain(`\`\`\`\`\`xml\n${XML_BODY}\n\`\`\`\`\``); // body has a run of 4, so a fence of 5
    expect(blocks.some((b) => b.info === 'sh' && b.content.startsWith("curl -sS -X POST 'https://api.example.test/clients'"))).toBe(true);
    expect(blocks.find((b) => b.content === '[{"name":"```","email":"a@b.c"}]')?.info).toBe('text');
  });

  it('has one section per failed, errored or warned check', () => {
    expect(md.match(/^### /gm)).toHaveLength(4);
    expect(md).toContain('### Errored: filtering / filter by email');
    expect(md).toContain('- **Rule:** `pagination/each-client-once`');
    expect(md).toContain('- **Operation:** `createClient`');
    expect(md).toContain('- **Seed:** `-42`');
  });
  it('shows JSON-RPC steps in a json fence, and curl steps in a sh fence', () => {
    expect(stepsLanguage([{ kind: 'jsonrpc', command: JSONRPC_STEP }])).toBe('json');
    expect(stepsLanguage([{ kind: 'curl', command: 'curl x' }])).toBe('sh');
    expect(
      stepsLanguage([
        { kind: 'curl', command: 'curl x' },
        { kind: 'jsonrpc', command: JSONRPC_STEP },
      ]),
    ).toBe('sh');
    const checks = [
      check('access', 'unknown-id-is-refused', 'failed', {
        failure: {
          rule: 'expected-error-code',
          basisRule: 'errors/unknown-id',
          severity: 'failure',
          basis: { grade: 'stated', says: 'An unknown id is refused with error -32005.', source: 'tools.json, client_get' },
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
    // Its one inline script is its own; nothing is loaded, and links stay on the page.
    expect(withoutOwnScript(html)).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|\ssrc=|url\(/i);
    expect(html).not.toMatch(/\shref=(?!"#[\w-]+")/i);
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

describe('renderVerdict', () => {
  it('gives one line per run and one verdict over all of them', () => {
    const passed = { ...REPORT, api: 'growcrm', outcome: 'passed' as const, exitCode: 0 };
    const text = renderVerdict([REPORT, passed], 1);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('verdict over 2 runs: FAILED (1 of 2 passed; exit 1)');
    expect(lines[1]).toMatch(/^ {2}freshbooks-rest {2}FAILED {2}4 passed, 1 warned, 2 failed, 1 errored, 1 skipped, 1 blocked$/);
    expect(lines[2]).toMatch(/^ {2}growcrm {10}PASSED {2}/);
    expect(renderVerdict([passed, passed], 0).split('\n')[0]).toBe('verdict over 2 runs: PASSED (2 of 2 passed; exit 0)');
  });
});

describe('renderSummary', () => {
  const summary = renderSummary(REPORT);
  const lines = summary.trimEnd().split('\n');

  it('mentions every family, every problem and the totals on short plain lines', () => {
    expect(lines[0]).toBe('clientele freshbooks-rest — https://api.example.test — seed 1234567 — FAILED');
    for (const family of FAMILIES) expect(lines.some((line) => line.trimStart().startsWith(`${family} `))).toBe(true);
    expect(lines.filter((line) => line.startsWith('✗ '))).toEqual([
      expect.stringMatching(/^✗ contract\/create-client-matches-schema — createClient answered 201/),
      '✗ pagination/each-client-once — client 17 appeared on pages 1 and 2',
      '✗ filtering/filter-by-email — check filtering/filter-by-email crashed: TypeError: x is undefined',
    ]);
    // Only the counts that are not zero.
    expect(lines).toContain('  partial-update  1 passed, 1 warned');
    expect(lines.at(-1)).toBe('10 checks: 4 passed, 1 warned, 2 failed, 1 errored, 1 skipped, 1 blocked; 40 requests in 1.50 s');
    expect(lines.every((line) => [...line].length <= 160)).toBe(true);
    expect(summary).not.toMatch(/\u001b\[/);
  });

  it('redacts secrets when given them', () => {
    expect(renderSummary(REPORT, { secrets: [SECRET] })).not.toContain(SECRET);
  });

  it('cuts long messages to one line', () => {
    const long = structuredClone(REPORT) as unknown as { checks: { note?: string }[] };
    long.checks[4]!.note = `first line\nsecond ${'x'.repeat(300)}`;
    const line = renderSummary(long as unknown as RunReport)
      .split('\n')
      .find((l) => l.startsWith('✗ filtering'))!;
    // Cut in the middle: the message's start and its end (where the decisive value usually is) both stay.
    expect(line).toMatch(/^✗ filtering\/filter-by-email — first line second x+…x+$/);
    expect([...line]).toHaveLength(160);
  });

  it('keeps the end of a cut message, where the value found is', () => {
    const long = structuredClone(REPORT) as unknown as { checks: { note?: string }[] };
    long.checks[4]!.note = `the update also changed ${Array.from({ length: 40 }, (_, i) => `field${i}`).join(', ')}, which it did not name`;
    const line = renderSummary(long as unknown as RunReport)
      .split('\n')
      .find((l) => l.startsWith('✗ filtering'))!;
    expect(line).toContain('the update also changed field0');
    expect(line).toMatch(/field39, which it did not name$/);
    expect([...line].length).toBeLessThanOrEqual(160);
  });

  it('keeps every line within the width of a terminal when given one', () => {
    const lines = renderSummary(REPORT, { width: 80 }).trimEnd().split('\n');
    expect(lines.every((line) => [...line].length <= 80)).toBe(true);
    expect(lines.find((line) => line.startsWith('✗ contract/'))).toMatch(/…/);
  });

  it('colours marks, outcome and counts only when asked, after cutting', () => {
    const coloured = renderSummary(REPORT, { paint: COLOURS });
    expect(coloured).toMatch(/\u001b\[/);
    const plain = coloured.replace(/\u001b\[[0-9;]*m/g, '');
    expect(plain).toBe(renderSummary(REPORT));
  });
});

/** A report whose target-controlled text is hostile everywhere the new report pieces show it. */
function hostileReport(): RunReport {
  const failure = CHECKS[1]!.failure!;
  const warned = CHECKS[8]!.failure!;
  const checks: CheckResult[] = [
    check('contract', 'hostile-body', 'failed', {
      failure: {
        ...failure,
        boundary: 'update to ``` </pre> ]]> <script>',
        response: {
          httpStatus: 500,
          contentType: 'text/html; x=`` </pre> ]]> <script>alert(1)</script>',
          headers: { 'content-type': 'text/html; x=`` </pre> ]]> <script>alert(1)</script>', 'retry-after': '1\n```\n</pre>\r\n]]>' },
          body: HOSTILE,
          truncated: true,
        },
      },
    }),
    check('access', 'hostile-transport', 'warned', {
      failure: {
        ...warned,
        response: { headers: {}, body: '', truncated: false, transportError: 'socket hang up ``` </pre> ]]> <script>x</script>\n<!--' },
      },
    }),
    check('filtering', 'hostile-rpc', 'warned', {
      failure: {
        ...warned,
        response: { headers: { 'mcp-session-id': ']]></system-out><x>' }, body: HOSTILE, truncated: false, rpcErrorCode: -32005 },
      },
    }),
  ];
  return { ...REPORT, checks, summary: summarize(checks), fixFirst: undefined, promises: [] };
}

/** Markdown with fenced blocks and code spans removed: what a renderer would read as markup. */
function markupOutsideCode(markdown: string): string {
  const lines: string[] = [];
  let open: number | undefined;
  for (const line of markdown.split('\n')) {
    if (open !== undefined) {
      const close = /^ {0,3}(`+)\s*$/.exec(line);
      if (close && close[1]!.length >= open) open = undefined;
      continue;
    }
    const start = /^ {0,3}(`{3,})[^`]*$/.exec(line);
    if (start) open = start[1]!.length;
    else lines.push(line);
  }
  // A code span: a run of n backticks up to the next run of exactly n.
  return lines.join('\n').replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
}

/** The text of the JUnit test case with this name. */
function junitCase(xml: string, name: string): string {
  const match = new RegExp(`<testcase [^>]*name="${name}"[^>]*?(?:/>|>[\\s\\S]*?</testcase>)`).exec(xml);
  expect(match, `testcase ${name}`).not.toBeNull();
  return match![0];
}

describe('basis, severity and boundary of failures and warnings', () => {
  const md = markdownFormat.render(REPORT);
  const html = htmlFormat.render(REPORT);
  const xml = junitFormat.render(REPORT);

  it('Markdown quotes the promise and names the assumption, with their sources', () => {
    expect(md).toContain(
      '- **Severity:** failure\n- **Basis:** The docs say [stated]: *Returns the created client, as the schema describes it.* (seed 000, client.create)',
    );
    expect(md).toContain(
      '- **Severity:** warning\n- **Basis:** Left open by the docs [open]: an update to an empty string clears the field ' +
        '(apis/freshbooks-rest/openapi.yaml, updateClient (x-clientele-assumption))',
    );
    expect(md).toContain('- **Boundary:** update to empty string');
    expect(md).toContain('*2 broken open rules in all; the first is shown.*');
  });

  it('HTML does the same, escaped', () => {
    expect(html).toContain(
      '<figcaption>The docs say [stated]</figcaption>\n<blockquote>Returns the created client, as the schema describes it.</blockquote>\n' +
        '<cite>seed 000, client.create</cite>',
    );
    expect(html).toContain(
      '<figcaption>Left open by the docs [open]</figcaption>\n<p class="graded">an update to an empty string clears the field</p>\n' +
        '<cite>apis/freshbooks-rest/openapi.yaml, updateClient (x-clientele-assumption)</cite>',
    );
    expect(html).toContain('<dt>Severity</dt><dd><span class="st-text-failed">failure</span></dd>');
    expect(html).toContain('<dt>Severity</dt><dd><span class="st-text-warned">warning</span></dd>');
    expect(html).toContain('<dt>Boundary</dt><dd>update to empty string</dd>');
  });

  it('JUnit puts the basis in the failure text and in the warned case output', () => {
    const failed = unescapeXml(/<failure\b[^>]*>([^<]*)<\/failure>/.exec(junitCase(xml, 'create client matches schema'))![1]!);
    expect(failed).toContain(
      'severity: failure\nbasis: The docs say [stated]: "Returns the created client, as the schema describes it." (seed 000, client.create)',
    );
    const out = unescapeXml(/<system-out>([^<]*)<\/system-out>/.exec(junitCase(xml, 'empty string clears field'))![1]!);
    expect(out).toMatch(/^WARNING: updating notes to "" left the old notes in place\n/);
    expect(out).toContain(
      'basis: Left open by the docs [open]: an update to an empty string clears the field ' +
        '(apis/freshbooks-rest/openapi.yaml, updateClient (x-clientele-assumption))',
    );
    expect(out).toContain('boundary: update to empty string');
  });

  it('JSON carries them as data', () => {
    const json = JSON.parse(jsonFormat.render(REPORT)) as RunReport;
    expect(json.checks[1]!.failure).toMatchObject({ severity: 'failure', basisRule: 'response-schema', basis: PROMISE });
    expect(json.checks[8]).toMatchObject({
      status: 'warned',
      warnings: 2,
      failure: { severity: 'warning', basis: ASSUMED, boundary: 'update to empty string' },
    });
  });
});

describe('warnings', () => {
  it('get their own section after the failures in Markdown and HTML', () => {
    const md = markdownFormat.render(REPORT);
    const order = [
      '## Failures',
      '### Failed: contract / create client matches schema',
      '### Errored: filtering',
      '## Warnings',
      '### Warning: partial-update / empty string clears field',
      '## Blocked',
    ];
    const at = order.map((heading) => md.indexOf(heading));
    expect(at.every((index) => index >= 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(md.match(/^### Warning: /gm)).toHaveLength(1);

    const html = htmlFormat.render(REPORT);
    const htmlOrder = [
      '<div class="check-group" id="failures">',
      '<details class="check st-failed" data-status="failed" data-family="contract"',
      '<div class="check-group" id="warnings">',
      '<details class="check st-warned" data-status="warned" data-family="partial-update"',
      '<span class="family">partial-update</span> <span class="name">empty string clears field</span>',
      '<div class="check-group" id="blocked">',
    ];
    const htmlAt = htmlOrder.map((piece) => html.indexOf(piece));
    expect(htmlAt.every((index) => index >= 0)).toBe(true);
    expect(htmlAt).toEqual([...htmlAt].sort((a, b) => a - b));
  });

  it('have no section when there are none, and say when strict makes them fail the run', () => {
    const checks = CHECKS.filter((c) => c.status !== 'warned');
    const none = { ...REPORT, checks, summary: summarize(checks) };
    expect(markdownFormat.render(none)).not.toContain('## Warnings');
    expect(htmlFormat.render(none)).not.toContain('id="warnings"');

    const strict = { ...REPORT, strict: true };
    expect(markdownFormat.render(strict)).toContain('- **Strict:** yes, warnings fail the run');
    expect(markdownFormat.render(strict)).toContain('under strict they fail the run');
    expect(htmlFormat.render(strict)).toContain('<dt>Strict</dt><dd>yes, warnings fail the run</dd>');
    expect(renderSummary(strict).split('\n')[0]).toBe(
      'clientele freshbooks-rest — https://api.example.test — seed 1234567 — strict — FAILED',
    );
    expect(junitFormat.render(strict)).toContain('<property name="strict" value="true"/>');
  });

  it('are one console line each, marked apart from failures', () => {
    const lines = renderSummary(REPORT).split('\n');
    expect(lines.filter((line) => line.startsWith('! '))).toEqual([
      '! partial-update/empty-string-clears-field — warning: updating notes to "" left the old notes in place',
    ]);
    expect(lines.some((line) => line.startsWith('✗ partial-update'))).toBe(false);
  });

  it('are passing JUnit test cases with a severity property and the warning in system-out', () => {
    const xml = junitFormat.render(REPORT);
    const warned = junitCase(xml, 'empty string clears field');
    expect(warned).not.toMatch(/<(failure|error|skipped)\b/);
    expect(warned).toContain('<property name="severity" value="warning"/>');
    expect(warned).toContain('<property name="basis.grade" value="open"/>');
    expect(warned).toContain('<property name="boundary" value="update to empty string"/>');
    expect(warned.indexOf('<properties>')).toBeLessThan(warned.indexOf('<system-out>'));
    expect(junitCase(xml, 'create client matches schema')).toContain('<property name="severity" value="failure"/>');
    const suite = /<testsuite name="clientele.partial-update"[^>]*>/.exec(xml)![0];
    expect([attribute(suite, 'tests'), attribute(suite, 'failures'), attribute(suite, 'errors'), attribute(suite, 'skipped')]).toEqual([
      '2',
      '0',
      '0',
      '0',
    ]);
  });
});

describe('blocked checks and fix-first', () => {
  const BLOCKER = 'contract/create-client-matches-schema';

  it('JUnit skips them with what blocked them, and names the fix-first checks', () => {
    const xml = junitFormat.render(REPORT);
    const blocked = junitCase(xml, 'restore brings back');
    expect(blocked).toContain(`<skipped message="blocked by ${BLOCKER}">blocked: the prerequisite`);
    expect(blocked).toContain(`<property name="blockedBy" value="${BLOCKER}"/>`);
    expect(xml).toContain(`<property name="fixFirst" value="${BLOCKER}"/>`);
    const suite = /<testsuite name="clientele.deletion"[^>]*>/.exec(xml)![0];
    expect([attribute(suite, 'tests'), attribute(suite, 'skipped')]).toEqual(['2', '2']);
  });

  it('Markdown and HTML list them and say what to fix first', () => {
    const md = markdownFormat.render(REPORT);
    expect(md).toContain(`> **Fix first:** \`${BLOCKER}\`: these prerequisites failed and blocked other checks.`);
    expect(md).toContain(`- \`deletion/restore-brings-back\`: blocked by \`${BLOCKER}\` — blocked: the prerequisite`);
    const html = htmlFormat.render(REPORT);
    expect(html).toContain(`<p class="callout fix-first"><strong>Fix first:</strong> <code>${BLOCKER}</code>`);
    const blocked = /<div class="check st-blocked" data-status="blocked"[^>]*>[\s\S]*?<\/p>\n<\/div>/.exec(html)?.[0];
    expect(blocked).toContain('<code>deletion/restore-brings-back</code>');
    expect(blocked).toContain(`<p class="check-line">blocked by <code>${BLOCKER}</code> — blocked: the prerequisite`);
  });

  it('the console lists them and the fix-first line', () => {
    const lines = renderSummary(REPORT).split('\n');
    expect(lines).toContain(`⊘ deletion/restore-brings-back — blocked by ${BLOCKER}`);
    expect(lines).toContain(`Fix first: ${BLOCKER}`);
  });

  it('no fix-first anywhere when nothing was blocked', () => {
    const checks = CHECKS.filter((c) => c.status !== 'blocked');
    const { fixFirst: _fixFirst, ...rest } = REPORT;
    const clear: RunReport = { ...rest, checks, summary: summarize(checks) };
    for (const text of [markdownFormat.render(clear), htmlFormat.render(clear), junitFormat.render(clear), renderSummary(clear)]) {
      expect(text).not.toMatch(/fix first|fixFirst/i);
      expect(text).not.toMatch(/Blocked<\/h2>|## Blocked|⊘|id="blocked"/);
    }
  });
});

describe('a run that could not test', () => {
  const config = { api: 'freshbooks-rest', seed: 1, runs: 5, readOnly: false, strict: false } as const;
  const stopped = (slug: string) => check('pagination', slug, 'blocked', { note: 'blocked: the target answered 3 requests in a row late' });

  it('exits 3 (target unusable) when the run stopped checks and nothing failed, saying how many and why', () => {
    const report = buildReport(config, { targetLabel: 't' }, new Date(), [check('contract', 'a', 'passed'), stopped('b'), stopped('c')]);
    expect(report).toMatchObject({
      outcome: 'target-unusable',
      exitCode: 3,
      error: '2 checks could not run: the target answered 3 requests in a row late',
    });
  });

  it('keeps exit 1 when a check failed, whatever else was blocked, and 0 when everything ran and passed', () => {
    const failed = check('contract', 'a', 'failed');
    expect(buildReport(config, { targetLabel: 't' }, new Date(), [failed, stopped('b')])).toMatchObject({ outcome: 'failed', exitCode: 1 });
    const byPrerequisite = check('pagination', 'b', 'blocked', { blockedBy: 'contract/a', note: 'blocked: the prerequisite failed' });
    expect(buildReport(config, { targetLabel: 't' }, new Date(), [failed, byPrerequisite])).toMatchObject({
      outcome: 'failed',
      exitCode: 1,
    });
    expect(buildReport(config, { targetLabel: 't' }, new Date(), [check('contract', 'a', 'passed')])).toMatchObject({
      outcome: 'passed',
      exitCode: 0,
    });
  });
});

describe('promises', () => {
  it('Markdown has the promise | source | checks | verdict table, one row per promise', () => {
    const md = markdownFormat.render(REPORT);
    expect(md).toContain('## Promises\n\n1 kept, 1 broken, 1 untested.\n\n| Promise | Source | Checks | Verdict |');
    const rows = md
      .slice(md.indexOf('## Promises'))
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'));
    expect(rows).toHaveLength(4);
    // Cells split on unescaped pipes only: a pipe in a promise stays inside its cell.
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length - 2).toBe(4);
    expect(rows[1]).toBe(
      '| Returns the created client, as the schema describes it. | seed 000, client.create (`createClient`) | ' +
        '`contract/list-clients-matches-schema` passed, `contract/create-client-matches-schema` failed | **broken** |',
    );
    expect(rows[3]).toContain('A deleted client \\| can be \\*restored\\* \\<b\\>within\\</b\\> 30 days.');
  });

  it('HTML has the same table, escaped', () => {
    const html = htmlFormat.render(REPORT);
    expect(html).toContain('<h2>Promises</h2>\n<p>1 kept, 1 broken, 1 untested.</p>');
    expect(html).toContain('<thead><tr><th>Promise</th><th>Source</th><th>Checks</th><th>Verdict</th></tr></thead>');
    expect(html.match(/<td class="verdict verdict-(kept|broken|untested)">/g)).toEqual([
      '<td class="verdict verdict-broken">',
      '<td class="verdict verdict-kept">',
      '<td class="verdict verdict-untested">',
    ]);
    expect(html).toContain('A deleted client | can be *restored* &lt;b&gt;within&lt;/b&gt; 30 days.');
  });

  it('the console has one line, JSON the rows', () => {
    expect(renderSummary(REPORT).split('\n')).toContain('promises: 1 kept, 1 broken, 1 untested');
    expect((JSON.parse(jsonFormat.render(REPORT)) as RunReport).promises).toEqual(PROMISES);
    const none = { ...REPORT, promises: [] };
    expect(markdownFormat.render(none)).toContain('## Promises\n\nNo documented promises recorded for this API.');
    expect(renderSummary(none)).toContain('promises: none recorded');
  });
});

describe('the failing response', () => {
  const response = CHECKS[1]!.failure!.response!;

  it('Markdown shows status, content type, headers and the body, marked truncated, before the reproduction', () => {
    const md = markdownFormat.render(REPORT);
    const section = md.slice(md.indexOf('### Failed: contract'), md.indexOf('### Failed: pagination'));
    expect(section).toContain('**Response**\n\n- **Status:** `201`\n- **Content type:** `application/json; charset=utf-8`');
    expect(section.indexOf('**Response**')).toBeLessThan(section.indexOf('**Reproduction**'));
    expect(section).toContain(`Body (truncated: the first ${response.body.length} characters):`);
    const blocks = fencedBlocks(md);
    expect(blocks.find((b) => b.content === visible(response.body))?.info).toBe('json');
    expect(
      blocks.find((b) => b.info === 'http' && b.content.startsWith('content-type: application/json; charset=utf-8\nlocation: ')),
    ).toBeDefined();
  });

  it('HTML shows the same', () => {
    const html = htmlFormat.render(REPORT);
    expect(html).toContain('<h4>Response</h4>\n<p class="status-line">HTTP 201, application/json; charset=utf-8</p>');
    expect(html).toContain(
      `<span class="label">Body (truncated: the first ${response.body.length} characters)</span></div>\n<pre><code class="language-json">{&quot;client&quot;`,
    );
    expect(html.indexOf('<h4>Response</h4>')).toBeLessThan(html.indexOf('<h4>Reproduction</h4>'));
  });

  it('JUnit shows the same in the failure text', () => {
    const text = unescapeXml(/<failure\b[^>]*>([^<]*)<\/failure>/.exec(junitFormat.render(REPORT))![1]!);
    expect(text).toContain(
      'response: HTTP 201, application/json; charset=utf-8\n  content-type: application/json; charset=utf-8\n  location: /clients/9?x=`</pre>]]><script>',
    );
    expect(text).toContain(`body (truncated: the first ${response.body.length} characters):\n  {"client":{"email":"<not an email> & more"`);
    expect(text.indexOf('response: ')).toBeLessThan(text.indexOf('reproduction:'));
  });

  it('says when no answer came, and shows a JSON-RPC error code', () => {
    const report = hostileReport();
    const md = markdownFormat.render(report);
    expect(md).toContain('- **Transport error:** ````socket hang up ``` </pre> ]]> <script>x</script> <!--````');
    expect(md).toContain('- **JSON-RPC error code:** `-32005`');
    const html = htmlFormat.render(report);
    expect(html).toContain(
      '<p class="status-line">transport error: socket hang up ``` &lt;/pre&gt; ]]&gt; &lt;script&gt;x&lt;/script&gt; &lt;!--</p>',
    );
    expect(html).toContain('<p class="status-line">JSON-RPC error -32005</p>');
    const xml = unescapeXml(junitFormat.render(report));
    expect(xml).toContain('response: transport error: socket hang up ``` </pre> ]]> <script>x</script> <!--');
    expect(xml).toContain('response: JSON-RPC error -32005');
  });
});

describe('hostile response text cannot break any format', () => {
  const report = hostileReport();

  it('Markdown: every fence closes, the body stays verbatim, and no markup escapes the code', () => {
    const md = markdownFormat.render(report);
    const blocks = fencedBlocks(md);
    expect(blocks.filter((b) => b.content === visible(HOSTILE))).toHaveLength(2);
    const markup = markupOutsideCode(md);
    expect(markup).not.toMatch(/<script|<\/pre|<!--|<x>|\]\]>/i);
    expect(markup).not.toContain('alert(1)');
  });

  it('HTML: every value escaped, no element or comment injected', () => {
    const html = htmlFormat.render(report);
    expect(withoutOwnScript(html)).not.toMatch(/<script|<!--|<x>|\]\]>/i);
    expect(html.match(/<pre\b/g)?.length).toBe(html.match(/<\/pre>/g)?.length);
    expect(html.match(/<code\b/g)?.length).toBe(html.match(/<\/code>/g)?.length);
    expect(html).not.toContain('\u0007');
    expect(html).toContain('&lt;/pre&gt;&lt;/code&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('JUnit: well-formed, no CDATA end or tag injected, the text survives', () => {
    const xml = junitFormat.render(report);
    assertWellFormedXml(xml);
    expect(xml).not.toMatch(/<script|<!--|<x>|\]\]>|<\/system-out><x>/);
    expect(xml).not.toMatch(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
    expect(xml.match(/<system-out>/g)).toHaveLength(2);
    expect(xml.match(/<\/system-out>/g)).toHaveLength(2);
    const failure = unescapeXml(/<failure\b[^>]*>([^<]*)<\/failure>/.exec(xml)![1]!);
    expect(failure).toContain('</pre></code><script>alert(1)</script>');
    expect(failure).toContain('boundary: update to ``` </pre> ]]> <script>');
    expect(failure).toContain('retry-after: 1 ``` </pre> ]]>');
  });

  it('JSON: round-trips exactly to the visible form and validates', () => {
    const json = JSON.parse(jsonFormat.render(report)) as unknown;
    expect(json).toEqual(JSON.parse(JSON.stringify(mapStrings(report, visible))));
    expect(compileSchema()(json)).toBe(true);
  });

  it('console: short plain lines, nothing of the body', () => {
    const summary = renderSummary(report);
    expect(summary.split('\n').every((line) => [...line].length <= 160)).toBe(true);
    expect(summary).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
    expect(summary).not.toContain('<script>alert(1)');
  });
});

describe('report.schema.json: the new fields', () => {
  const validate = compileSchema();
  type Loose = { checks: Record<string, unknown>[] } & Record<string, unknown>;
  const loose = (): Loose => structuredClone(REPORT) as unknown as Loose;
  const failureOf = (report: Loose, index: number) => report.checks[index]!.failure as Record<string, unknown>;

  it('accepts a report using every new field', () => {
    const full = structuredClone(hostileReport()) as unknown as Loose;
    full.checks.push(...(structuredClone(CHECKS) as unknown as Loose['checks']));
    full.promises = structuredClone(PROMISES);
    full.fixFirst = ['contract/create-client-matches-schema'];
    full.strict = true;
    const ok = validate(full);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    const used = JSON.stringify(full);
    for (const key of [
      'strict',
      'promises',
      'fixFirst',
      'warnings',
      'blockedBy',
      'rules',
      'basisRule',
      'severity',
      'basis',
      'boundary',
      'response',
      'rpcErrorCode',
      'transportError',
      'truncated',
      'verdict',
    ]) {
      expect(used, key).toContain(`"${key}":`);
    }
  });

  it('requires strict, promises, severity, basis, basisRule and the warned and blocked counts', () => {
    for (const key of ['strict', 'promises']) {
      const report = loose();
      delete report[key];
      expect(validate(report), key).toBe(false);
    }
    for (const key of ['severity', 'basis', 'basisRule']) {
      const report = loose();
      delete failureOf(report, 1)[key];
      expect(validate(report), key).toBe(false);
      expect(validate.errors?.some((e) => e.keyword === 'required' && e.params.missingProperty === key)).toBe(true);
    }
    for (const key of ['warned', 'blocked']) {
      const report = loose();
      delete (report.summary as { total: Record<string, number> }).total[key];
      expect(validate(report), key).toBe(false);
    }
  });

  it('rejects unknown statuses, severities, basis kinds, verdicts and keys', () => {
    const status = loose();
    status.checks[8]!.status = 'flaky';
    expect(validate(status)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'enum' && e.instancePath === '/checks/8/status')).toBe(true);

    const severity = loose();
    failureOf(severity, 1).severity = 'info';
    expect(validate(severity)).toBe(false);

    const kind = loose();
    failureOf(kind, 1).basis = { ...PROMISE, kind: 'rumour' };
    expect(validate(kind)).toBe(false);

    const verdict = loose();
    (verdict.promises as Record<string, unknown>[])[0]!.verdict = 'maybe';
    expect(validate(verdict)).toBe(false);

    const promiseStatus = loose();
    (promiseStatus.promises as { checks: Record<string, unknown>[] }[])[0]!.checks[0]!.status = 'flaky';
    expect(validate(promiseStatus)).toBe(false);

    const responseKey = loose();
    (failureOf(responseKey, 1).response as Record<string, unknown>).cookies = 'x';
    expect(validate(responseKey)).toBe(false);

    const basisKey = loose();
    failureOf(basisKey, 1).basis = { ...PROMISE, confidence: 1 };
    expect(validate(basisKey)).toBe(false);
  });

  it('ties warned to a warning and blocked to its blocker', () => {
    const noFailure = loose();
    delete noFailure.checks[8]!.failure;
    expect(validate(noFailure)).toBe(false);

    const wrongSeverity = loose();
    failureOf(wrongSeverity, 8).severity = 'failure';
    expect(validate(wrongSeverity)).toBe(false);

    const noBlocker = loose();
    delete noBlocker.checks[9]!.blockedBy;
    expect(validate(noBlocker)).toBe(false);
  });
});
