/** Credentials never leave the process: every header or text that reaches a report passes through here. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);
export const REDACTED = '[REDACTED]';

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

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first: a secret that starts another must not leave the other's tail behind.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** The credentials of a run that must never be written: the token and, where given, the staff token. */
export function secretsOf(credentials: { readonly token?: string; readonly staffToken?: string }): string[] {
  return [credentials.token, credentials.staffToken].filter((secret): secret is string => !!secret);
}
