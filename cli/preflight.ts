/**
 * Before the families, against a target the user named: a few requests establish that it is the API
 * (the credential accepted, the base path right, no HTML where the docs give data) and that a create
 * does not need a custom field the run was not given. That create sends no field: an API that requires
 * some (Grow CRM: names and email) refuses it, and the refusal is read only for a custom field it names
 * (Laravel-style validation names every missing field at once) and for the same causes as the list.
 * A target that is not gives one diagnosis naming the cause and the fix (exit 2: a configuration the
 * user must change), instead of a column of failures whose cause only the report's bodies show.
 */
import { cpus } from 'node:os';
import type { ApiDescriptor } from '../apis/descriptor.js';
import type { RunConfig } from '../engine/config.js';
import type { Exchange } from '../engine/exchange.js';
import { ConfigError } from '../engine/failures.js';
import type { Session } from '../engine/session.js';
import { openClientSession } from '../apis/open.js';
import { EVERY_SCOPE } from '../model/client.js';
import { RunContext } from '../engine/run-context.js';

/** A page of HTML: what a web app, a proxy's error page or a wrong path serves, never one of these APIs. */
const HTML = /^\s*(<!doctype html|<html[\s>])/i;
/** A required custom field a refusal names (Grow CRM's `client_custom_field_N`). */
const CUSTOM_FIELD = /\b(client_custom_field_\d+)\b/;

/** Why the answer shows the target is not the API as configured, or undefined when nothing shows it. */
export function diagnose(exchange: Exchange | undefined, api: ApiDescriptor, config: RunConfig): string | undefined {
  const response = exchange?.response;
  if (!response || response.httpStatus === undefined) return undefined;
  const status = response.httpStatus;
  const where = new URL(exchange.request.url || 'http://target/', 'http://target/').pathname;
  if (status === 401 || status === 403) {
    const secret = api.credentials.find((option) => option.secret && option.required);
    const given = secret ? `--${secret.flag}${secret.env ? ` (or ${secret.env})` : ''}` : 'the credential';
    return `the target refused the credential (${status} at ${where}): check ${given}`;
  }
  if ([301, 302, 303, 307, 308].includes(status)) {
    const location = response.headers?.location;
    return `the target redirects the client list (${status} at ${where}${location ? ` to ${location}` : ''}): is --target the API's base URL? (${api.targetHelp})`;
  }
  const contentType = response.headers?.['content-type'] ?? '';
  if (/text\/html/i.test(contentType) || HTML.test(response.body.slice(0, 200)))
    return `the target answers with an HTML page (${status} at ${where}): is --target the API's base URL? (${api.targetHelp})`;
  if (status === 404 && config.target.kind === 'url')
    return `the client list is not found at ${where} (404): is --target the API's base URL? (${api.targetHelp})`;
  return undefined;
}

/** A create refused for want of a custom field the target requires: the option that supplies it. */
export function missingCustomField(exchange: Exchange | undefined): string | undefined {
  const response = exchange?.response;
  if (!response || response.httpStatus === undefined || response.httpStatus < 400 || response.httpStatus >= 500) return undefined;
  const field = CUSTOM_FIELD.exec(response.body)?.[1];
  return field ? `the target requires ${field} on a create: pass --custom-field ${field}=VALUE` : undefined;
}

async function attempt(session: Session, work: () => Promise<unknown>): Promise<Exchange | undefined> {
  try {
    await work();
  } catch {
    // judged below from the answer itself; the checks judge everything else
  }
  return session.log.snapshot().at(-1);
}

/**
 * What the preflight saw of the target beyond its verdict: how long its fastest answer took, the
 * distance to it (every answer crosses it; the first may be slow for reasons of its own, a cold server),
 * and how busy the other processes of this machine kept its cores meanwhile. An answer slow while they
 * idle crossed a distance; one slow while they were busy waited for a core (a server on a loaded CI
 * machine), and more requests in flight would only queue there.
 */
export interface PreflightSeen {
  readonly fastestAnswerMs: number;
  /** The share (0 to 1) of all cores' time that other processes used; undefined when the counters did not move. */
  readonly othersBusyShare: number | undefined;
}

/** An answer this slow may have crossed a distance: below it, the target is on this machine or next to it. */
const DISTANT_ANSWER_MS = 5;

/** Whether the fastest answer seen took long enough to have crossed a distance (none seen: it did not). */
export function slowEnoughForDistance(fastestAnswerMs: number): boolean {
  return fastestAnswerMs >= DISTANT_ANSWER_MS && Number.isFinite(fastestAnswerMs);
}
/**
 * When every answer was that slow, the cores are watched at least this long, as far as a few more cheap
 * lists go: their counters move in 10 ms ticks.
 */
const WATCH_MS = 100;
const MAX_MORE_LISTS = 4;

/** The cores' time (all of them, ms) and this process's own, from a first reading on. */
function machineWatch(): { elapsedMs: () => number; othersBusyShare: () => number | undefined } {
  const machine = () => {
    let idle = 0;
    let total = 0;
    for (const { times } of cpus()) {
      idle += times.idle;
      total += times.user + times.nice + times.sys + times.idle + times.irq;
    }
    return { idle, total };
  };
  const started = performance.now();
  const before = machine();
  const ownBefore = process.cpuUsage();
  return {
    elapsedMs: () => performance.now() - started,
    othersBusyShare: () => {
      const now = machine();
      const total = now.total - before.total;
      if (total <= 0) return undefined;
      const own = process.cpuUsage(ownBefore);
      const busy = total - (now.idle - before.idle) - (own.user + own.system) / 1000;
      return Math.min(1, Math.max(0, busy / total));
    },
  };
}

/** Throws a ConfigError with the diagnosis when the target is not the API as configured; `stopped`: a signal came. */
export async function preflight(config: RunConfig, api: ApiDescriptor, stopped: () => boolean): Promise<PreflightSeen> {
  // Its own context: the preflight's requests count against no check, and what it opens closes with it.
  const context = new RunContext(config);
  const { api: client, session } = await openClientSession(context, config);
  const watch = machineWatch();
  try {
    const visibility = client.capabilities.deletion.kind === 'soft' ? ('active' as const) : undefined;
    const list = () => attempt(session, () => client.list({ scope: EVERY_SCOPE, filters: [], visibility, page: 1, perPage: 1 }));
    const wrong = diagnose(await list(), api, config);
    if (wrong) throw new ConfigError(wrong);
    const fastest = () => Math.min(...session.log.snapshot().map((exchange) => exchange.elapsedMs), Infinity);
    const seen = async (): Promise<PreflightSeen> => {
      for (let more = 0; more < MAX_MORE_LISTS && slowEnoughForDistance(fastest()) && watch.elapsedMs() < WATCH_MS && !stopped(); more++)
        await list();
      return { fastestAnswerMs: fastest(), othersBusyShare: watch.othersBusyShare() };
    };
    if (config.readOnly || stopped()) return await seen();
    const created = await attempt(session, () => client.create({}, EVERY_SCOPE));
    const missing = missingCustomField(created) ?? diagnose(created, api, config);
    if (missing) throw new ConfigError(missing);
    return await seen();
  } finally {
    await client.cleanup().catch(() => undefined);
    await client.close().catch(() => undefined);
    await context.close();
  }
}
