import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunReport } from './model.js';
import { htmlFormat, escapeHtml } from './formats/html.js';
import { jsonFormat } from './formats/json.js';
import { junitFormat, escapeXml, escapeXmlAttribute } from './formats/junit.js';
import { markdownFormat, escapeMarkdown } from './formats/markdown.js';

export interface ReportFormat {
  readonly fileName: string;
  render(report: Readonly<RunReport>): string;
}

export const REPORT_FORMATS: readonly ReportFormat[] = [jsonFormat, junitFormat, markdownFormat, htmlFormat];

export const REDACTED = '[REDACTED]';

/** Shorter secrets would match inside ordinary words and mangle the report. */
const MIN_SECRET_LENGTH = 4;

// A quote as it may appear around a header value once rendered: raw, JSON-escaped, or as an XML/HTML entity.
const QUOTE = String.raw`(?:\\?["']|&quot;|&apos;|&#0*3[49];|&#x0*2[27];)`;
// The credential ends at whitespace or at the first character that starts a quote or escape in any format.
const AUTHORIZATION = new RegExp(
  String.raw`(authorization${QUOTE}?\s*[:=]\s*${QUOTE}?\s*(?:bearer|basic)\s+)[^\s'"\\<>&]+`,
  'gi',
);
const BASIC_CREDENTIALS = /\b(basic\s+)([A-Za-z0-9+/_-]{4,}={0,2})/gi;

function base64(text: string): string {
  // Unpadded, so the form matches whether or not the text that holds it kept the padding.
  return Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '');
}

/** Every way a secret can appear in a rendered report: raw, escaped by one of the formats, or encoded. */
function secretForms(secret: string): string[] {
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    escapeXml(secret),
    escapeXmlAttribute(secret),
    escapeHtml(secret),
    escapeMarkdown(secret),
    encodeURIComponent(secret),
    base64(secret),
    // Basic credentials built from a token: `secret:`, `secret:X` (FreshBooks classic), `user:secret`.
    base64(`${secret}:`),
    base64(`${secret}:X`),
    base64(`:${secret}`),
  ];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Removes every secret from rendered text; see `writeReports`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const usable = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);

  // Header values go whatever the secrets list says: a credential never belongs in a report.
  let out = text.replace(AUTHORIZATION, `$1${REDACTED}`);

  // `Basic <base64>` outside a header line: decode and drop it when it carries a secret.
  out = out.replace(BASIC_CREDENTIALS, (match, prefix: string, encoded: string) => {
    const decoded = Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    return usable.some((secret) => decoded.includes(secret)) ? `${prefix}${REDACTED}` : match;
  });

  if (usable.length === 0) return out;
  const forms = new Set(usable.flatMap(secretForms).filter((form) => form.length >= MIN_SECRET_LENGTH));
  // Longest first, so a form that contains another is replaced whole.
  const pattern = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
  return out.replace(new RegExp(pattern, 'g'), REDACTED);
}

/**
 * Writes every format into `dir` (created if missing) and returns the written paths. Each rendered text
 * goes through `redactSecrets` first: the engine already redacts, this pass makes sure no secret ever
 * reaches a file even if something upstream slipped.
 */
export async function writeReports(
  dir: string,
  report: Readonly<RunReport>,
  secrets: readonly string[],
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const format of REPORT_FORMATS) {
    const path = join(dir, format.fileName);
    await writeFile(path, redactSecrets(format.render(report), secrets), 'utf8');
    written.push(path);
  }
  return written;
}
