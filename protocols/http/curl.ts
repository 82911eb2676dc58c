import type { WireRequest } from '../../engine/exchange.js';
import { redactHeaders } from '../../engine/redact.js';

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A one-line curl command that replays the request, credentials redacted. */
export function toCurl(request: WireRequest): string {
  const parts = ['curl', '-X', request.method, quote(request.url)];
  for (const [name, value] of Object.entries(redactHeaders(request.headers))) {
    parts.push('-H', quote(`${name}: ${value}`));
  }
  if (request.body !== undefined) parts.push('--data-raw', quote(request.body));
  return parts.join(' ');
}
