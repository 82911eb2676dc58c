/**
 * The HTML report in headless Chromium, served from 127.0.0.1: the filters hide and show the right
 * checks, a copy button copies exactly its block, nothing is cut off at laptop widths or in print, the
 * page loads nothing but itself and logs no error, and, for a realistic run, the layout's measures: the
 * failure on the first screen, the page within three screens, tables whose heads read at 1024 px.
 * Without a browser the tests are skipped, unless CLIENTELE_REQUIRE_BROWSER is set: then that is a failure.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlFormat } from '../reports/formats/html.js';
import type { CheckResult, Family, FailureRecord, KillMatrix, PromiseRow, RunReport } from '../reports/model.js';
import { CHROMIUM_PATH, launchChromium } from '../scripts/screenshot.js';
import { failedReport, summarize } from './support/reports.js';

const BROWSER_FOUND = existsSync(CHROMIUM_PATH);
const BROWSER_REQUIRED = Boolean(process.env.CLIENTELE_REQUIRE_BROWSER);
const NO_BROWSER = `no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`;

// Long unbroken text: a 600-character URL, a 3 KiB one-line JSON body, a long one-line expected value.
const LONG_URL = `https://api.example.test/accounting/account/ABC123/users/clients?${'search%5Bnote_like%5D=x'.repeat(30)}`.slice(0, 600);
const LONG_BODY = JSON.stringify({
  response: { result: { client: Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`field_${i}`, `value-${i}-abcdefgh`])) } },
}).slice(0, 3072);
const STEPS = [
  {
    kind: 'curl' as const,
    command: `curl -X POST '${LONG_URL}' -H 'Content-Type: application/json' -H "Authorization: Bearer $CLIENTELE_TOKEN" --data-raw '{"note":"a & b <c>"}'`,
    body: '{"note":"a & b <c>"}',
    language: 'json' as const,
  },
  { kind: 'curl' as const, command: `curl -X GET '${LONG_URL}&page=2' -H "Authorization: Bearer $CLIENTELE_TOKEN"` },
];
const REPLAY = 'npx clientele run --api freshbooks-rest --seed 20261124 --only \'partial-update\' # "quoted" & <angled>';

function check(family: Family, slug: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult {
  return { id: `${family}/${slug}`, family, name: slug.replace(/-/g, ' '), status, durationMs: 9, requests: 2, ...extra };
}

function failure(severity: FailureRecord['severity']): FailureRecord {
  return {
    rule: 'partial-update/applied',
    basisRule: 'partial-update/applied',
    severity,
    basis:
      severity === 'failure'
        ? { grade: 'stated', says: 'Any fields not referenced in the request will remain unchanged.', source: 'seed 000, client.update' }
        : { grade: 'open', says: 'A restore keeps the fields.', source: 'openapi.yaml' },
    operation: 'updateClient',
    message: `the update did not store lastName at ${LONG_URL}`,
    expected: `{"firstName":"Ada","lastName":"Q6","note":"${'n'.repeat(400)}"}`,
    actual: `{"firstName":"Ada","lastName":"fqKWtD","note":"${'n'.repeat(380)}"}`,
    seed: 20261124,
    counterexample: `["${'z'.repeat(500)}"]`,
    response: {
      httpStatus: 200,
      contentType: 'application/json',
      headers: { 'content-type': 'application/json', location: LONG_URL },
      body: LONG_BODY,
      truncated: true,
      serverLog: 'x'.repeat(700),
    },
    reproduction: { steps: STEPS, replay: REPLAY },
  };
}

const CHECKS: CheckResult[] = [
  check('partial-update', 'an-update-changes-exactly-the-fields-it-names', 'failed', { failure: failure('failure') }),
  check('contract', 'create-matches-schema', 'failed', { failure: failure('failure'), expectedFailure: true }),
  check('stateful', 'random-sequences-agree-with-the-model', 'warned', { failure: failure('warning') }),
  check('filtering', 'like-filter', 'warned', { failure: failure('warning') }),
  check('deletion', 'restore-brings-back', 'blocked', {
    blockedBy: 'partial-update/update-changes-exactly-what-it-names',
    note: `blocked: ${LONG_URL}`,
  }),
  check('deletion', 'hard-delete-gone', 'skipped', { note: 'the API documents a soft delete' }),
  check('contract', 'handshake', 'skipped', { note: 'the protocol has no handshake' }),
  ...Array.from({ length: 6 }, (_, i) => check(i % 2 ? 'pagination' : 'contract', `passes-${i}`, 'passed')),
];

const MUTANT_IDS = Array.from({ length: 40 }, (_, i) => `mutant-number-${i}-with-a-long-descriptive-id`);
const KILL_MATRIX: KillMatrix = {
  api: 'freshbooks-rest',
  seed: 20261124,
  runs: 5,
  families: ['contract', 'pagination', 'partial-update'],
  reference: { passed: 6, failed: 0, warned: 0, errored: 0 },
  mutants: MUTANT_IDS.map((id, i) => ({
    id,
    description: `Mutant ${i} breaks ${LONG_URL.slice(0, 200)}`,
    global: i === 0,
    open: i % 5 === 1,
    boundaryOnly: i % 7 === 2,
    failedChecks: i % 5 === 1 ? [] : CHECKS.filter((_, j) => (i + j) % 3 === 0).map((c) => c.id),
    warnedChecks: i % 5 === 1 ? [CHECKS[i % CHECKS.length]!.id] : [],
    killedBy: ['contract'],
    kills: [],
    erroredChecks: 0,
  })),
  evidence: CHECKS.filter((c) => c.status === 'passed').map((c, i) => ({
    check: c.id,
    killers: i === 0 ? [] : MUTANT_IDS.slice(i, i + 2),
    ...(i === 0 ? { allowed: 'no non-global mutant can reach it' } : {}),
  })),
};

const REPORT: RunReport = failedReport(CHECKS, {
  target: LONG_URL,
  promises: [
    {
      grade: 'stated',
      says: 'Any fields not referenced in the request will remain unchanged.',
      source: 'seed 000, client.update',
      rules: ['partial-update/applied'],
      checks: [{ id: CHECKS[0]!.id, status: 'failed' }],
      verdict: 'broken',
    },
  ],
  fixFirst: [CHECKS[0]!.id],
  baseline: {
    file: '.clientele-baseline.yaml',
    expected: [CHECKS[1]!.id],
    unexpected: [CHECKS[0]!.id],
    stale: [{ check: 'contract/passes-0', reason: LONG_URL }],
  },
  killMatrix: KILL_MATRIX,
});

// A run as a real one reads, for the layout's measures: one failure, 44 other checks passed or skipped, 55 promises.

/**
 * The checks of a real run (Grow CRM's reference): family, title, claim, then requests and ms, or the
 * reason it was skipped.
 */
const REAL_RUN: readonly (readonly [Family, string, string, number, number] | readonly [Family, string, string, string])[] = [
  ['contract', 'scoped list holds exactly its clients', 'a list confined to one scope holds exactly the clients created in it', 3, 31],
  ['contract', 'list answers as documented', 'list answers with the documented status, envelope and schema', 1, 2],
  ['contract', 'empty list page count', 'an empty list has the documented page count', 1, 6],
  ['contract', 'get answers as documented', 'get answers with the documented status, envelope and schema', 2, 6],
  ['contract', 'create stores every field sent', 'create stores and returns every field sent', 60, 102],
  ['contract', 'create defaults', 'keys a create leaves out take their documented defaults', 40, 46],
  ['contract', 'create without a required field refused', 'a create without a field the docs require is refused, naming it', 3, 4],
  [
    'contract',
    'create with a taken unique value refused',
    'a create with a value another client holds in a unique field is refused, naming it',
    40,
    41,
  ],
  ['contract', 'missing custom fields refused', 'a create or update without the required custom fields is refused, naming them', 3, 4],
  ['contract', 'update, delete, restore answer as documented', 'update, delete and restore answer with the documented envelopes', 3, 4],
  ['contract', 'unknown id on get', 'an unknown id is answered with the documented error (get)', 1, 2],
  ['contract', 'unknown id on update', 'an unknown id is answered with the documented error (update)', 1, 1],
  [
    'contract',
    'other documented errors',
    'every other documented error condition is answered with its documented error',
    'the documents name no error condition beyond the unknown id, auth and a wrongly typed body',
  ],
  [
    'contract',
    'handshake',
    'the handshake offers a supported protocol version and the capabilities the API needs',
    'the protocol has no handshake',
  ],
  [
    'contract',
    'operations described as documented',
    'the server describes every documented operation as documented, parameter by parameter',
    'the protocol has no self-description',
  ],
  [
    'contract',
    'unknown operation refused',
    'an unknown operation is refused',
    'the protocol names operations by URL and method: an unknown one is a 404 of the HTTP layer',
  ],
  [
    'contract',
    'no credentials, no calls',
    'a server without credentials refuses every call',
    'each request carries its credential: the token checks below cover it',
  ],
  ['contract', 'missing token refused', 'a request without a token is refused', 3, 3],
  ['contract', 'wrong token refused', 'a request with a wrong token is refused', 3, 3],
  ['contract', 'wrongly typed body refused', 'a body with a wrongly typed field is rejected', 20, 22],
  ['pagination', 'counters agree with the pages', 'total, per_page, pages and page sizes agree with the clients listed', 165, 164],
  [
    'pagination',
    'each client once across pages',
    'walking every page yields each client exactly once, and the page past the end is empty',
    174,
    174,
  ],
  [
    'pagination',
    'pages around the largest size',
    'a list larger than the largest page pages like any other, at page sizes around the maximum',
    106,
    143,
  ],
  ['pagination', 'out-of-range pages', 'pages 0, -1 and far past the end are refused or answered within per_page', 6, 9],
  ['pagination', 'default page size', 'a list without per_page uses the documented default page size', 'the docs name no default per_page'],
  ['pagination', 'documented order across pages', 'a list comes in the documented order, across pages too', 'the docs name no list order'],
  ['pagination', 'per_page above the maximum', 'per_page above the maximum is capped or rejected', 21, 157],
  [
    'ordering',
    'sorted lists come in order',
    'a list sorted by any documented column comes in that order (the default one without order), across pages',
    266,
    271,
  ],
  ['filtering', 'like filters match substrings only', 'like filters match substrings, and only those', 101, 97],
  [
    'filtering',
    'equality filters match whole values',
    'equality filters match the whole value, not a part of it',
    'the API documents no equality filter on a text field',
  ],
  [
    'filtering',
    'filtered pages hold each match once',
    'a filtered list pages like any other: every match exactly once across pages',
    134,
    111,
  ],
  ['filtering', 'id filter lists exactly its ids', 'an id filter lists exactly the ids asked for', 'the API documents no id filter'],
  [
    'filtering',
    'state and reference filters',
    'an equality filter on a state or a reference lists exactly the clients that have it',
    203,
    149,
  ],
  ['partial-update', 'update changes exactly what it names', 'an update changes exactly the fields it names', 135, 114],
  ['partial-update', 'repeated updates leave the rest alone', 'repeated updates of one field leave the others alone', 79, 66],
  [
    'partial-update',
    'update without a required field refused',
    'an update without a field the docs require is refused and changes nothing',
    80,
    56,
  ],
  [
    'actions',
    'set action replaces the set',
    'a set action replaces the whole set, an empty one clears it, and a set given on create is kept',
    122,
    85,
  ],
  [
    'actions',
    'enum action takes documented values only',
    'an enum action takes each documented value and refuses any other, which changes nothing',
    150,
    107,
  ],
  [
    'actions',
    'reference action takes only own values',
    "an action on a reference that must belong to the client accepts the client's own and refuses another client's",
    160,
    98,
  ],
  [
    'deletion',
    'soft delete keeps the client',
    'a soft-deleted client is kept, shown as deleted, with its fields intact',
    'the API documents a hard delete',
  ],
  [
    'deletion',
    'deleted clients leave the active list',
    'deleted clients leave the active list (and appear in the deleted list, for a soft delete)',
    106,
    77,
  ],
  [
    'deletion',
    'restore brings the client back',
    'a restore brings a deleted client back as it was before the delete',
    'the API documents a hard delete',
  ],
  [
    'deletion',
    'hard-deleted client is gone',
    'a hard-deleted client is gone: get, update, actions and a second delete answer not found',
    140,
    59,
  ],
  ['deletion', 'deleted ids are not reused', 'no later create reuses the id of a hard-deleted client', 135, 79],
  ['stateful', 'random sequences agree with the model', 'random sequences of the documented operations agree with the model', 122, 108],
];
/** A check's id from its title, as the suites make it. */
const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

/** The client the failing update changed; expected and actual are it, whole, as the check records them. */
const REAL_CLIENT = {
  id: 4127,
  company_name: 'Harbour & Finch Ltd',
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada@harbour-finch.example',
  phone: '+44 20 7946 0958',
  website: 'https://harbour-finch.example',
  status: 'active',
  category_id: 3,
  billing_street: '12 Wharf Road',
  billing_city: 'London',
  billing_zip: 'N1 7GU',
  billing_country: 'United Kingdom',
  notes: 'Prefers invoices by email; net 30.',
  created_at: '2026-11-24T10:00:01Z',
  updated_at: '2026-11-24T10:00:02Z',
};
const REAL_FAILED = 'partial-update/update-changes-exactly-what-it-names';
const REAL_URL = 'https://crm.example.test/api/clients/4127';
const REAL_FAILURE: FailureRecord = {
  rule: 'partial-update/applied',
  basisRule: 'partial-update/applied',
  severity: 'failure',
  basis: {
    grade: 'stated',
    says: 'Only the fields present in the request body are changed; every other field keeps its value.',
    source: 'shared/reference/crm-docs/clients.md, Update a client (PATCH /api/clients/{id})',
  },
  operation: 'updateClient',
  message: 'PATCH /api/clients/4127 with {"phone":"+44 20 7946 0000"} also changed billing_city: a later GET shows "" where "London" was',
  expected: JSON.stringify({ ...REAL_CLIENT, phone: '+44 20 7946 0000' }),
  actual: JSON.stringify({ ...REAL_CLIENT, phone: '+44 20 7946 0000', billing_city: '', updated_at: '2026-11-24T10:00:03Z' }),
  seed: 20261124,
  path: '3:1:0',
  counterexample: '[{"phone":"+44 20 7946 0000"}]',
  response: {
    httpStatus: 200,
    contentType: 'application/json; charset=utf-8',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': 'b1f0c6de-52a4-4c1e-9d0a-6f3f1e2d7a90',
      'cache-control': 'no-store',
    },
    body: JSON.stringify({
      data: {
        ...REAL_CLIENT,
        phone: '+44 20 7946 0000',
        billing_city: '',
        updated_at: '2026-11-24T10:00:03Z',
        tags: ['wholesale', 'priority'],
      },
      message: 'Client retrieved successfully.',
    }),
    truncated: false,
  },
  reproduction: {
    steps: [
      {
        kind: 'curl',
        command: `curl -X PATCH '${REAL_URL}' -H 'Content-Type: application/json' -H "Authorization: Bearer $CLIENTELE_TOKEN" --data-binary @body-1.json`,
        body: '{"phone":"+44 20 7946 0000"}',
        language: 'json',
      },
      { kind: 'curl', command: `curl -X GET '${REAL_URL}' -H "Authorization: Bearer $CLIENTELE_TOKEN"` },
    ],
    replay: "npx clientele run --api growcrm --seed 20261124 --only 'partial-update/update-changes-exactly-what-it-names'",
  },
};

function realisticChecks(): CheckResult[] {
  return REAL_RUN.map(([family, name, claim, ...rest]): CheckResult => {
    const id = `${family}/${slug(name)}`;
    if (id === REAL_FAILED) return { id, family, name, claim, status: 'failed', durationMs: 114, requests: 135, failure: REAL_FAILURE };
    if (typeof rest[0] === 'string') return { id, family, name, claim, status: 'skipped', durationMs: 0, requests: 0, note: rest[0] };
    return { id, family, name, claim, status: 'passed', requests: rest[0]!, durationMs: rest[1]! };
  });
}

/** Promises as the docs word them: short parameter notes, whole sentences, a long example-backed one. */
const REAL_SAYS = [
  'The Grow CRM API is a JSON REST API.',
  'Results per page (max 100).',
  'GET /api/clients is answered `200 OK` with a page of clients under `data`, the counters current_page, per_page, total and last_page under `meta`, and `"message": "Clients retrieved successfully."`.',
  'Filter by client status (active|suspended).',
  'Sort column (whitelisted per resource).',
  'The list example asks `limit=25` and is answered `"per_page": 25`: the per_page of the answer is the limit asked for.',
  'The API key is missing or invalid.',
  'Every request the docs show is answered: the clients page gives each endpoint its answer (an example response, or "Returns the client (`200`) ..."), and errors "return the matching HTTP status with a JSON body".',
  'Successful responses use a consistent envelope',
];

/**
 * 55 promises: one broken (by the failed check), two untested, the rest kept. Broad rules (a JSON body,
 * an answer to every request) are enforced by most checks, as in a real run; the others by one to three.
 */
function realisticPromises(checks: readonly CheckResult[]): PromiseRow[] {
  const ran = checks.filter((c) => c.status === 'passed');
  return Array.from({ length: 55 }, (_, i): PromiseRow => {
    const verdict = i === 8 ? 'broken' : i === 20 || i === 41 ? 'untested' : 'kept';
    const broad = i % 6 === 0;
    const enforcing =
      verdict === 'untested'
        ? []
        : broad
          ? ran.slice(0, 34)
          : ran.slice((i * 5) % (ran.length - 3), ((i * 5) % (ran.length - 3)) + 1 + (i % 3));
    const rows = enforcing.map((c) => ({ id: c.id, status: c.status }));
    if (verdict === 'broken') rows.unshift({ id: REAL_FAILED, status: 'failed' });
    return {
      grade: i % 3 === 1 ? 'shown' : 'stated',
      says: verdict === 'broken' ? REAL_FAILURE.basis.says : REAL_SAYS[i % REAL_SAYS.length]!,
      source:
        verdict === 'broken'
          ? REAL_FAILURE.basis.source
          : `shared/reference/crm-docs/${['clients', 'getting-started', 'authentication'][i % 3]}.md, ${['List / search clients (the limit parameter)', 'Response envelope', 'Errors (the 401 Unauthorized row)'][i % 3]}`,
      ...(i % 4 === 0 ? { operation: ['listClients', 'getClient', 'updateClient'][i % 3] } : {}),
      rules: [`rule-${i}`],
      checks: rows,
      verdict,
    };
  });
}

const REAL_CHECKS = realisticChecks();
const REAL_SUMMARY = summarize(REAL_CHECKS);
const REALISTIC: RunReport = failedReport(REAL_CHECKS, {
  // A real summary lists only the families the run covered.
  summary: {
    ...REAL_SUMMARY,
    families: Object.fromEntries(Object.entries(REAL_SUMMARY.families).filter(([, counts]) => Object.values(counts).some((n) => n > 0))),
  },
  api: 'growcrm',
  target: 'https://crm.example.test/api',
  durationMs: 3828,
  promises: realisticPromises(REAL_CHECKS),
});

/** The pages the server holds. */
const PAGES: Record<string, RunReport> = { '/report.html': REPORT, '/realistic.html': REALISTIC };

/** The first screen of a laptop: what a reader sees before scrolling. */
const SCREEN = { width: 1280, height: 800 };

const WAIT = { timeout: 10_000 };

// Without a browser the suite's name says why its tests were skipped.
describe(
  BROWSER_FOUND ? 'the HTML report in Chromium' : `the HTML report in Chromium (${NO_BROWSER}${BROWSER_REQUIRED ? '' : ': skipped'})`,
  () => {
    it.runIf(!BROWSER_FOUND && BROWSER_REQUIRED)('has a browser to run in (CLIENTELE_REQUIRE_BROWSER is set)', () => {
      expect.fail(`CLIENTELE_REQUIRE_BROWSER is set, but there is ${NO_BROWSER}`);
    });

    const run = it.skipIf(!BROWSER_FOUND);
    let server: Server | undefined;
    let browser: Browser | undefined;
    let closeBrowser: (() => Promise<void>) | undefined;
    let origin = '';
    const served: string[] = [];

    beforeAll(async () => {
      if (!BROWSER_FOUND) return;
      const html = new Map(Object.entries(PAGES).map(([path, report]) => [path, htmlFormat.render(report)]));
      server = createServer((request, response) => {
        served.push(request.url ?? '');
        const page = html.get(request.url ?? '');
        if (page !== undefined) response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
        else response.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      ({ browser, close: closeBrowser } = await launchChromium());
      await browser.defaultBrowserContext().overridePermissions(origin, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
    }, 60_000);

    afterAll(async () => {
      await closeBrowser?.();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
    });

    /** A fresh tab on a report, recording its requests and console errors. */
    async function open(width: number, height = 900, path = '/report.html'): Promise<{ page: Page; requests: string[]; errors: string[] }> {
      const page = await browser!.newPage();
      page.setDefaultTimeout(10_000);
      page.setDefaultNavigationTimeout(15_000);
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.setViewport({ width, height });
      await page.goto(`${origin}${path}`, { waitUntil: 'load' });
      return { page, requests, errors };
    }

    /** Ids of the checks a reader sees (a card shows its id, a line of the list has it as `data-id`), and the shown count the page states. */
    async function shownChecks(page: Page): Promise<{ ids: string[]; count: string }> {
      return page.evaluate(() => ({
        ids: Array.from(document.querySelectorAll<HTMLElement>('.check[data-status]'))
          .filter((element) => element.checkVisibility())
          .map((element) => element.dataset.id ?? element.querySelector('.check-meta code')!.textContent!),
        count: document.getElementById('shown-count')!.textContent!,
      }));
    }

    const idsWhere = (keep: (check: CheckResult) => boolean) =>
      CHECKS.filter(keep)
        .map((c) => c.id)
        .sort();

    /**
     * Everything that sticks out: an element whose right edge passes the viewport or whose content spills
     * out of its own box. Inside a `.scroll` container only the container counts, and it must scroll.
     */
    async function overflow(page: Page) {
      return page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const offenders: string[] = [];
        for (const element of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
          if (element.parentElement?.closest('.scroll')) continue;
          const box = element.getBoundingClientRect();
          // What a reader cannot see cannot stick out: a filtered check, the inside of a closed fold.
          if ((box.width === 0 && box.height === 0) || !element.checkVisibility()) continue;
          const style = getComputedStyle(element);
          const spills = element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1 && !/auto|scroll/.test(style.overflowX);
          if (box.right > width + 0.5 || box.left < -0.5 || spills)
            offenders.push(
              `${element.tagName.toLowerCase()}.${element.className} right=${Math.round(box.right)} scroll=${element.scrollWidth}/${element.clientWidth}`,
            );
        }
        // A scroll container must really scroll: scrolled to its end, its last column comes into view.
        const scrollers = Array.from(document.querySelectorAll<HTMLElement>('.scroll')).map((element) => {
          const wider = element.scrollWidth > element.clientWidth;
          element.scrollLeft = element.scrollWidth;
          const lastHead = element.querySelector('thead th:last-child')!.getBoundingClientRect();
          const reached = element.scrollLeft > 0 && lastHead.right <= element.getBoundingClientRect().right + 1;
          element.scrollLeft = 0;
          return { name: element.getAttribute('aria-label'), overflowX: getComputedStyle(element).overflowX, wider, reached };
        });
        return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, offenders, scrollers };
      });
    }

    run('filters hide and show the right checks, and the shown count follows', async () => {
      const { page, errors } = await open(1280);
      expect(await shownChecks(page)).toEqual({ ids: expect.arrayContaining(idsWhere(() => true)), count: String(CHECKS.length) });

      // Passed and skipped checks share one list: it stays while it shows one, and goes when it shows none.
      const listShown = () => page.$eval('#passed-skipped', (group) => (group as HTMLElement).checkVisibility());
      await page.click('input[data-filter="status"][value="passed"]');
      let shown = await shownChecks(page);
      expect(shown.ids.sort()).toEqual(idsWhere((c) => c.status !== 'passed'));
      expect(shown.count).toBe(String(shown.ids.length));
      expect(await listShown()).toBe(true);
      await page.click('input[data-filter="status"][value="skipped"]');
      shown = await shownChecks(page);
      expect(shown.ids.sort()).toEqual(idsWhere((c) => c.status !== 'passed' && c.status !== 'skipped'));
      expect(shown.count).toBe(String(shown.ids.length));
      expect(await listShown()).toBe(false);
      await page.click('input[data-filter="status"][value="skipped"]');
      expect(await listShown()).toBe(true);

      await page.click('input[data-filter="family"][value="contract"]');
      shown = await shownChecks(page);
      expect(shown.ids.sort()).toEqual(idsWhere((c) => c.status !== 'passed' && c.family !== 'contract'));
      expect(shown.count).toBe(String(shown.ids.length));

      await page.click('input[data-filter="severity"][value="none"]');
      shown = await shownChecks(page);
      expect(shown.ids.sort()).toEqual(idsWhere((c) => c.status !== 'passed' && c.family !== 'contract' && c.failure !== undefined));

      await page.click('input[data-filter="severity"][value="warning"]');
      await page.click('input[data-filter="severity"][value="failure"]');
      expect(await shownChecks(page)).toEqual({ ids: [], count: '0' });
      expect(await page.$eval('.no-match', (element) => (element as HTMLElement).checkVisibility())).toBe(true);

      await page.click('button[data-action="show-all"]');
      expect((await shownChecks(page)).count).toBe(String(CHECKS.length));
      expect(await page.$eval('.no-match', (element) => (element as HTMLElement).checkVisibility())).toBe(false);
      expect(errors).toEqual([]);
      await page.close();
    });

    run('a copy button puts exactly its block’s text on the clipboard', async () => {
      const { page, errors } = await open(1280);
      await page.bringToFront();
      const buttons = await page.$$('details.check[open] .reproduction button[data-copy]');
      expect(buttons.length).toBeGreaterThanOrEqual(3);
      const expected = [STEPS.map((step) => step.command).join('\n'), STEPS[0]!.body, REPLAY];
      for (const [index, text] of expected.entries()) {
        await buttons[index]!.click();
        await page.waitForFunction((button) => button.textContent === 'Copied', WAIT, buttons[index]!);
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
      }
      expect(errors).toEqual([]);
      await page.close();
    });

    for (const width of [1280, 1024]) {
      run(`nothing is cut off at ${width} px, with every check and every fold open`, async () => {
        const { page, errors } = await open(width);
        await page.click('button[data-action="expand"]');
        expect(await page.$$eval('details.check:not([open])', (closed) => closed.length)).toBe(0);
        // The folds (the kill matrix, the promises, the run's facts, a diff's unchanged lines, headers) open too: all is measured.
        await page.$$eval('details', (all) => all.forEach((details) => ((details as HTMLDetailsElement).open = true)));
        const result = await overflow(page);
        expect(result.scrollWidth).toBeLessThanOrEqual(result.innerWidth);
        expect(result.offenders).toEqual([]);
        // The kill matrix is wider than the page: its own container scrolls rather than cuts. The mutants
        // table and the promises scroll too should they ever be wider (they are not, here).
        expect(result.scrollers).toEqual([
          { name: 'Mutants', overflowX: 'auto', wider: false, reached: false },
          { name: 'Kill matrix', overflowX: 'auto', wider: true, reached: true },
          { name: 'Promises', overflowX: 'auto', wider: false, reached: false },
        ]);
        expect(errors).toEqual([]);
        await page.close();
      });
    }

    run('printing opens every check, hides the controls, stays light and fits the page', async () => {
      const { page, errors } = await open(1024);
      // Chromium prints in its light scheme whatever the screen's (a dark preference cannot be emulated in
      // print); the style sheet's own light print palette, for browsers that do not, is checked in html-report.test.ts.
      await page.emulateMediaType('print');
      await page.setViewport({ width: 720, height: 1000 });
      await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
      expect(await page.$$eval('details', (all) => all.filter((details) => !(details as HTMLDetailsElement).open).length)).toBe(0);
      expect(
        await page.$$eval(
          '.filters, button',
          (controls) => controls.filter((element) => (element as HTMLElement).checkVisibility()).length,
        ),
      ).toBe(0);
      const dark = await page.evaluate(() => {
        const found: string[] = [];
        for (const element of [document.documentElement, ...Array.from(document.querySelectorAll<HTMLElement>('body *'))]) {
          // Status marks (badges, bar segments, matrix cells) keep their colours; nothing else may be dark.
          if (element.closest('.badge, .outcome, .seg, .kill')) continue;
          const match = /rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)/.exec(getComputedStyle(element).backgroundColor);
          if (!match || Number(match[4] ?? 1) === 0) continue;
          const [r, g, b] = [Number(match[1]), Number(match[2]), Number(match[3])];
          if (0.2126 * r + 0.7152 * g + 0.0722 * b < 160) found.push(`${element.tagName.toLowerCase()}.${element.className}`);
        }
        return found;
      });
      expect(dark).toEqual([]);
      const result = await overflow(page);
      expect(result.scrollWidth).toBeLessThanOrEqual(result.innerWidth);
      expect(result.offenders).toEqual([]);
      // On paper nothing scrolls: the mutants table fits; only a matrix of forty mutants may not.
      expect(result.scrollers.find((scroller) => scroller.name === 'Mutants')?.wider).toBe(false);
      // After printing, the checks and the folds that were folded fold again.
      await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
      expect(await page.$$eval('details.check.st-warned[open]', (open) => open.length)).toBe(0);
      expect(await page.$$eval('details.fold[open]', (open) => open.length)).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    });

    run('a realistic run opens on its failure and fits in three screens, its folds closed', async () => {
      const { page, errors } = await open(SCREEN.width, SCREEN.height, '/realistic.html');
      const measured = await page.evaluate(() => {
        const box = (element: Element | null) => element!.getBoundingClientRect();
        const card = document.querySelector('details.check.st-failed');
        const rows = Array.from(document.querySelectorAll<HTMLElement>('li.check-row'));
        const lineHeight = rows.length > 0 ? parseFloat(getComputedStyle(rows[0]!).lineHeight) : 0;
        return {
          scrollHeight: document.documentElement.scrollHeight,
          verdict: box(document.querySelector('.outcome')).bottom,
          totals: box(document.querySelector('.totals-line')).bottom,
          brokenPromises: box(document.querySelector('.broken-promises')).bottom,
          card: box(card).top,
          message: box(card!.querySelector('.message')).bottom,
          basis: box(card!.querySelector('.basis')).bottom,
          response: box(card!.querySelector('.response pre')).top,
          responseLine: parseFloat(getComputedStyle(card!.querySelector('.response pre')!).lineHeight),
          cards: document.querySelectorAll('details.check').length,
          rows: rows.map((row) => ({ status: row.dataset.status, lines: Math.round((row.clientHeight - 2) / lineHeight) })),
          folds: Array.from(document.querySelectorAll<HTMLDetailsElement>('details.fold')).map((fold) => [fold.id, fold.open]),
          table: document.querySelector('table.promises')!.checkVisibility(),
        };
      });
      // The first screen: the verdict and its counts, the broken promise, the failure's card with its message, its
      // basis and the start of the response it got.
      expect(measured.verdict).toBeLessThanOrEqual(SCREEN.height);
      expect(measured.totals).toBeLessThanOrEqual(SCREEN.height);
      expect(measured.brokenPromises).toBeLessThanOrEqual(measured.card);
      expect(measured.card).toBeLessThan(SCREEN.height);
      expect(measured.message).toBeLessThanOrEqual(SCREEN.height);
      expect(measured.basis).toBeLessThanOrEqual(SCREEN.height);
      expect(measured.response + 2 * measured.responseLine).toBeLessThanOrEqual(SCREEN.height);
      // One card, for the failure; the 44 other checks a short line each (a long name or reason may wrap once or twice).
      expect(measured.cards).toBe(1);
      expect(measured.rows).toHaveLength(REAL_CHECKS.length - 1);
      for (const row of measured.rows) expect(row.lines).toBeLessThanOrEqual(row.status === 'passed' ? 2 : 3);
      // The promises table and the run's details stay folded, and the whole page is three screens at most.
      expect(measured.folds).toEqual([
        ['run-details', false],
        ['promises-table', false],
      ]);
      expect(measured.table).toBe(false);
      expect(measured.scrollHeight).toBeLessThanOrEqual(3 * SCREEN.height);
      expect(errors).toEqual([]);
      await page.close();
    });

    /**
     * Whether a table's head cells read, once their fold is open: none broken inside a word (a line
     * may end only at a space, a hyphen or a slash), none over two lines, none spilling out of its cell,
     * none narrower than four characters along its text. Vertical heads (the kill matrix's) count their
     * lines across and their length down.
     */
    async function unreadableHeads(page: Page, tables: readonly string[]): Promise<string[]> {
      return page.$$eval(tables.map((table) => `${table} thead th`).join(', '), (heads) => {
        const found: string[] = [];
        for (const head of heads as HTMLElement[]) {
          const name = `${head.closest('table')!.className} th "${head.textContent}"`;
          if (!head.checkVisibility()) {
            found.push(`${name}: not shown`);
            continue;
          }
          const probe = document.createElement('span');
          probe.textContent = '0000';
          (head.firstElementChild ?? head).append(probe);
          const vertical = getComputedStyle(probe).writingMode.startsWith('vertical');
          const fourChars = vertical ? probe.getBoundingClientRect().height : probe.getBoundingClientRect().width;
          probe.remove();
          const lines = new Set<number>();
          let previous: { char: string; line: number } | undefined;
          const walker = document.createTreeWalker(head, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
            for (let i = 0; i < node.length; i++) {
              const range = document.createRange();
              range.setStart(node, i);
              range.setEnd(node, i + 1);
              const box = range.getBoundingClientRect();
              const char = node.data[i]!;
              // A space at a line's end collapses to nothing: it still ends the word before it.
              if (box.width === 0 || box.height === 0) {
                if (previous) previous = { char, line: previous.line };
                continue;
              }
              const line = Math.round(vertical ? box.left : box.top);
              if (previous && /\S/.test(char) && /[^\s/-]/.test(previous.char) && Math.abs(line - previous.line) > 2)
                found.push(`${name}: broken inside a word, before "${char}"`);
              if (![...lines].some((seen) => Math.abs(seen - line) <= 2)) lines.add(line);
              previous = { char, line };
            }
          }
          if (lines.size > 2) found.push(`${name}: ${lines.size} lines`);
          if (head.scrollWidth > head.clientWidth + 1) found.push(`${name}: spills (${head.scrollWidth}/${head.clientWidth})`);
          const length = vertical ? head.clientHeight : head.clientWidth;
          if (length < fourChars) found.push(`${name}: ${Math.round(length)} px, under four characters (${Math.round(fourChars)} px)`);
        }
        return found;
      });
    }

    for (const [path, folds, tables] of [
      ['/realistic.html', ['#promises-table'], ['table.promises']],
      ['/report.html', ['#kill-matrix-tables', '#promises-table'], ['table.mutants', 'table.matrix', 'table.promises']],
    ] as const) {
      run(`at 1024 px the folded tables of ${path} open readable, and the page does not scroll sideways`, async () => {
        const { page, errors } = await open(1024, SCREEN.height, path);
        for (const fold of folds) {
          await page.click(`${fold} > summary`);
          expect(await page.$eval(fold, (details) => (details as HTMLDetailsElement).open)).toBe(true);
        }
        expect(await unreadableHeads(page, tables)).toEqual([]);
        const result = await overflow(page);
        expect(result.scrollWidth).toBeLessThanOrEqual(result.innerWidth);
        expect(result.offenders).toEqual([]);
        // The promises' columns are wide enough for their words: the table fits, it does not scroll.
        expect(result.scrollers.find((scroller) => scroller.name === 'Promises')).toMatchObject({ wider: false });
        expect(errors).toEqual([]);
        await page.close();
      });
    }

    run('a link into a fold opens it: the promises line to the table, a broken promise to its failed check', async () => {
      const { page, errors } = await open(SCREEN.width, SCREEN.height, '/realistic.html');
      await page.click('.promises-line a');
      expect(await page.$eval('#promises-table', (details) => (details as HTMLDetailsElement).open)).toBe(true);
      expect(await page.$eval('table.promises', (table) => table.checkVisibility())).toBe(true);
      await page.click('.broken-promises a');
      await page.waitForFunction(() => location.hash !== '' && location.hash !== '#promises-table', WAIT);
      const target = await page.evaluate(() => {
        const summary = document.getElementById(location.hash.slice(1))!;
        const top = summary.getBoundingClientRect().top;
        return {
          check: summary.closest<HTMLElement>('.check')!.dataset.status,
          top,
          open: (summary.parentElement as HTMLDetailsElement).open,
        };
      });
      expect(target).toMatchObject({ check: 'failed', open: true });
      expect(target.top).toBeGreaterThanOrEqual(-1);
      expect(target.top).toBeLessThan(SCREEN.height);
      expect(errors).toEqual([]);
      await page.close();
    });

    run('loads nothing but the page itself and logs no error', async () => {
      const { page, requests, errors } = await open(1280);
      await page.waitForNetworkIdle({ idleTime: 300, timeout: 10_000 });
      await page.click('button[data-action="collapse"]');
      await page.click('button[data-action="expand"]');
      expect(requests).toEqual([`${origin}/report.html`]);
      expect(served.every((path) => path in PAGES)).toBe(true);
      expect(errors).toEqual([]);
      await page.close();
    });
  },
);
