import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redactor } from '../engine/redact.js';
import type { ReportFormat } from './format.js';
import { htmlFormat } from './formats/html.js';
import { jsonFormat } from './formats/json.js';
import { junitFormat } from './formats/junit.js';
import { markdownFormat } from './formats/markdown.js';
import type { RunReport } from './model.js';
import { mapStrings } from './render.js';

export const REPORT_FORMATS: readonly ReportFormat[] = [jsonFormat, junitFormat, markdownFormat, htmlFormat];

/**
 * Writes every format into `dir` (created if missing) and returns the written paths. The session already
 * redacted what it recorded; here the engine's redactor runs twice more, so no secret ever reaches a file
 * even if something upstream slipped: over the report's strings before rendering (each format then quotes
 * and escapes `[REDACTED]` like any text, so a cut can never break its syntax), and over each rendered text.
 */
export async function writeReports(dir: string, report: Readonly<RunReport>, secrets: readonly string[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const redactor = new Redactor(secrets);
  const redacted = mapStrings(report, (text) => redactor.text(text));
  const written: string[] = [];
  for (const format of REPORT_FORMATS) {
    const path = join(dir, format.fileName);
    await writeFile(path, redactor.text(format.render(redacted)), 'utf8');
    written.push(path);
  }
  return written;
}
