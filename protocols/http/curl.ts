import type { Auth, WireRequest } from '../../engine/exchange.js';
import { redactHeaders } from '../../engine/redact.js';
import type { CredentialResolver, ShellValue } from '../../engine/transport.js';

/** Single quotes for shell text (double quotes where a variable must expand are `inDoubleQuotes`'s). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
/** Text inside double quotes, so that only the variables we place there expand. */
function inDoubleQuotes(text: string): string {
  return text.replace(/(["\\`$])/g, '\\$1');
}
function shellPart(value: ShellValue): string {
  return 'variable' in value ? `$${value.variable}` : inDoubleQuotes(value.text);
}

/** The credential as curl options: the secret named by its environment variable, so the line replays as written. */
function authOptions(auth: Auth, credentials: CredentialResolver): string[] {
  if (auth.scheme === 'bearer') return ['-H', `"Authorization: Bearer ${shellPart(credentials.forShell(auth.token))}"`];
  return ['-u', `"${shellPart(credentials.forShell(auth.user))}:${inDoubleQuotes(auth.password)}"`];
}

/** A one-line curl command that replays the request; no credential is ever written, only its variable's name. */
export function toCurl(request: WireRequest, credentials?: CredentialResolver): string {
  const parts = ['curl', '-X', request.method, shellQuote(request.url ?? '')];
  for (const [name, value] of Object.entries(redactHeaders(request.headers ?? {}))) parts.push('-H', shellQuote(`${name}: ${value}`));
  if (request.auth && credentials) parts.push(...authOptions(request.auth, credentials));
  if (request.body !== undefined) parts.push('--data-raw', shellQuote(request.body));
  return parts.join(' ');
}
