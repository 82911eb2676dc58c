/**
 * `npx tsx scripts/screenshot.ts REPORT_JSON OUT_PNG`: renders a report.json as the HTML report and saves
 * a 1280-px-wide screenshot of it in headless Chromium: the first screen and, below it, the first open
 * failure in full. The browser test launches Chromium the same way (`launchChromium`).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { htmlFormat } from '../reports/formats/html.js';
import type { RunReport } from '../reports/model.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium with a fresh profile and nothing running in the background that would go online. */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'clientele-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    userDataDir,
    timeout: 30_000,
  });
  const close = async () => {
    await browser.close().catch(() => undefined);
    await rm(userDataDir, { recursive: true, force: true });
  };
  return { browser, close };
}

const WIDTH = 1280;
const FIRST_SCREEN = 900;
/** A failure longer than this is shown up to here: the picture is a first impression, not the whole report. */
const MAX_HEIGHT = 3200;

export async function screenshot(reportPath: string, outPath: string): Promise<void> {
  const report = JSON.parse(await readFile(reportPath, 'utf8')) as RunReport;
  const { browser, close } = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: WIDTH, height: FIRST_SCREEN });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await page.setContent(htmlFormat.render(report), { waitUntil: 'load', timeout: 15_000 });
    const failureBottom = await page.evaluate(() => {
      const open = document.querySelector('details.check[open]');
      return open ? open.getBoundingClientRect().bottom + window.scrollY : 0;
    });
    const height = Math.min(MAX_HEIGHT, Math.max(FIRST_SCREEN, Math.ceil(failureBottom + 6)));
    await page.screenshot({ path: outPath as `${string}.png`, clip: { x: 0, y: 0, width: WIDTH, height }, captureBeyondViewport: true });
  } finally {
    await close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [reportPath, outPath] = process.argv.slice(2);
  if (reportPath === undefined || outPath === undefined) {
    process.stderr.write('usage: npx tsx scripts/screenshot.ts REPORT_JSON OUT_PNG\n');
    process.exit(2);
  }
  await screenshot(reportPath, outPath);
  process.stdout.write(`${outPath}\n`);
}
