/**
 * The HTML report in headless Chromium, served from 127.0.0.1: the filters hide and show the right
 * checks, a copy button copies exactly its block, nothing is cut off at laptop widths or in print, and
 * the page loads nothing but itself and logs no error. Without a browser the tests are skipped, unless
 * CLIENTELE_REQUIRE_BROWSER is set: then that is a failure.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlFormat } from '../reports/formats/html.js';
import type { CheckResult, Family, FailureRecord, KillMatrix, RunReport } from '../reports/model.js';
import { CHROMIUM_PATH, launchChromium } from '../scripts/screenshot.js';
import { failedReport } from './support/reports.js';

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
    blockedBy: 'partial-update/an-update-changes-exactly-the-fields-it-names',
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
      const html = htmlFormat.render(REPORT);
      server = createServer((request, response) => {
        served.push(request.url ?? '');
        if (request.url === '/report.html') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
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

    /** A fresh tab on the report, recording its requests and console errors. */
    async function open(width: number, height = 900): Promise<{ page: Page; requests: string[]; errors: string[] }> {
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
      await page.goto(`${origin}/report.html`, { waitUntil: 'load' });
      return { page, requests, errors };
    }

    /** Ids of the checks a reader sees, and the shown count the page states. */
    async function shownChecks(page: Page): Promise<{ ids: string[]; count: string }> {
      return page.evaluate(() => ({
        ids: Array.from(document.querySelectorAll<HTMLElement>('.check[data-status]'))
          .filter((element) => element.checkVisibility())
          .map((element) => element.querySelector('.check-meta code')!.textContent!),
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
          if (box.width === 0 && box.height === 0) continue;
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

      await page.click('input[data-filter="status"][value="passed"]');
      let shown = await shownChecks(page);
      expect(shown.ids.sort()).toEqual(idsWhere((c) => c.status !== 'passed'));
      expect(shown.count).toBe(String(shown.ids.length));
      expect(await page.$eval('#passed', (group) => (group as HTMLElement).checkVisibility())).toBe(false);

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
      run(`nothing is cut off at ${width} px, with every check open`, async () => {
        const { page, errors } = await open(width);
        await page.click('button[data-action="expand"]');
        expect(await page.$$eval('details.check:not([open])', (closed) => closed.length)).toBe(0);
        const result = await overflow(page);
        expect(result.scrollWidth).toBeLessThanOrEqual(result.innerWidth);
        expect(result.offenders).toEqual([]);
        // The kill matrix is wider than the page: its own container scrolls rather than cuts. The mutants
        // table scrolls too should it ever be wider (it is not, here).
        expect(result.scrollers).toEqual([
          { name: 'Mutants', overflowX: 'auto', wider: false, reached: false },
          { name: 'Kill matrix', overflowX: 'auto', wider: true, reached: true },
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
      // After printing, the checks that were folded fold again.
      await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
      expect(await page.$$eval('details.check.st-warned[open]', (open) => open.length)).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    });

    run('loads nothing but the page itself and logs no error', async () => {
      const { page, requests, errors } = await open(1280);
      await page.waitForNetworkIdle({ idleTime: 300, timeout: 10_000 });
      await page.click('button[data-action="collapse"]');
      await page.click('button[data-action="expand"]');
      expect(requests).toEqual([`${origin}/report.html`]);
      expect(served.every((path) => path === '/report.html')).toBe(true);
      expect(errors).toEqual([]);
      await page.close();
    });
  },
);
