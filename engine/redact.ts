/**
 * The one redactor. Credentials never leave the process: the session passes every exchange through it,
 * the suites every failure text, and the report writer and console every rendered line, as a last pass.
 */
export const REDACTED = '[REDACTED]';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** Shorter secrets would match inside ordinary words and mangle the report. */
const MIN_SECRET_LENGTH = 4;

export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) out[name] = value;
    else {
      // Keep the scheme (Bearer/Basic): it tells the reader which kind of credential was sent.
      const scheme = /^(\w+)\s/.exec(value)?.[1];
      out[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
    }
  }
  return out;
}

// A quote as it may appear around a header value once rendered: raw, JSON-escaped, or as an XML/HTML entity.
const QUOTE = String.raw`(?:\\?["']|&quot;|&apos;|&#0*3[49];|&#x0*2[27];)`;
// The credential ends at whitespace or at the first character that starts a quote or escape in any format.
const AUTHORIZATION = new RegExp(String.raw`(authorization${QUOTE}?\s*[:=]\s*${QUOTE}?\s*(?:bearer|basic)\s+)[^\s'"\\<>&$]+`, 'gi');
const BASIC_CREDENTIALS = /\b(basic\s+)([A-Za-z0-9+/_-]{4,}={0,2})/gi;

function base64(text: string): string {
  // Unpadded, so the form matches whether or not the text that holds it kept the padding.
  return Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '');
}

const escapeEntities = (text: string, apostrophe: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, apostrophe);

/** Every way a secret can appear in rendered text: raw, escaped by one of the report formats, or encoded. */
function secretForms(secret: string): string[] {
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    escapeEntities(secret, '&apos;'),
    escapeEntities(secret, '&#39;'),
    escapeEntities(secret, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;'),
    secret.replace(/[\\`*_[\]<>|~&#!]/g, '\\$&'),
    encodeURIComponent(secret),
    base64(secret),
    // Basic credentials built from a token: `secret:`, `secret:X` (FreshBooks Classic), `user:secret`.
    base64(`${secret}:`),
    base64(`${secret}:X`),
    base64(`:${secret}`),
  ];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Removes every secret, in every form, and any credential in an Authorization header line, from a text. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return new Redactor(secrets).text(text);
}

/** A redactor bound to one run's secrets; the pattern of every form is built once. */
export class Redactor {
  private readonly usable: readonly string[];
  private readonly forms?: RegExp;

  constructor(readonly secrets: readonly string[]) {
    this.usable = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
    const forms = new Set(this.usable.flatMap(secretForms).filter((form) => form.length >= MIN_SECRET_LENGTH));
    // Longest first, so a form that contains another is replaced whole.
    if (forms.size > 0) this.forms = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  }

  text(text: string): string {
    // Header values go whatever the secrets list says: a credential never belongs in a report.
    let out = text.replace(AUTHORIZATION, `$1${REDACTED}`);
    // `Basic <base64>` outside a header line: decode and drop it when it carries a secret.
    out = out.replace(BASIC_CREDENTIALS, (match, prefix: string, encoded: string) => {
      const decoded = Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
      return this.usable.some((secret) => decoded.includes(secret)) ? `${prefix}${REDACTED}` : match;
    });
    return this.forms ? out.replace(this.forms, REDACTED) : out;
  }

  optional(text: string | undefined): string | undefined {
    return text === undefined ? undefined : this.text(text);
  }
}
