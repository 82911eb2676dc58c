import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactSecrets } from '../engine/redact.js';
import type { ReportFormat } from './format.js';
import { htmlFormat } from './formats/html.js';
import { jsonFormat } from './formats/json.js';
import { junitFormat } from './formats/junit.js';
import { markdownFormat } from './formats/markdown.js';
import type { RunReport } from './model.js';

export const REPORT_FORMATS: readonly ReportFormat[] = [jsonFormat, junitFormat, markdownFormat, htmlFormat];

/**
 * Writes every format into `dir` (created if missing) and returns the written paths. Each rendered text
 * goes through the engine's redactor first: the session already redacted what it recorded, this pass
 * makes sure no secret ever reaches a file even if something upstream slipped.
 */
export async function writeReports(dir: string, report: Readonly<RunReport>, secrets: readonly string[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const format of REPORT_FORMATS) {
    const path = join(dir, format.fileName);
    await writeFile(path, redactSecrets(format.render(report), secrets), 'utf8');
    written.push(path);
  }
  return written;
}
