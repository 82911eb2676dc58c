/**
 * `clientele cleanup --journal FILE`, and the cleanup an interrupted run owes: what a run created on a
 * server someone else runs, deleted through the API's own adapter, from the journal it kept.
 */
import { resolve } from 'node:path';
import { findApi } from '../apis/registry.js';
import type { RunConfig, TargetAddress } from '../engine/config.js';
import { EXIT, UsageError, describeError } from '../engine/failures.js';
import { readJournal, settleJournal, type JournalHeader } from '../engine/journal.js';
import { plural } from '../engine/words.js';
import { EVERY_SCOPE } from '../model/client.js';
import type { ClientApi } from '../port/port.js';
import type { CliOptions } from './args.js';
import type { Io } from './io.js';
import { externalConfig } from './run-config.js';

/** A journal's server: the address it keeps, or, in one written before it kept one, its label read back. */
function journalAddress(header: JournalHeader): TargetAddress {
  if (header.address) return header.address;
  const command = 'command: ';
  return header.target.startsWith(command)
    ? { kind: 'command', command: header.target.slice(command.length) }
    : { kind: 'url', url: header.target };
}

/** Deletes a journal's outstanding ids through the API's own adapter, within `withinMs`. */
export async function cleanupJournal(config: RunConfig, journal: string, withinMs: number): Promise<string[]> {
  const { outstanding } = readJournal(journal);
  const { openClientApi } = await import('../apis/open.js');
  const { RunContext } = await import('../engine/run-context.js');
  const cleanupConfig = { ...config, journal, deadline: Date.now() + withinMs };
  const context = new RunContext(cleanupConfig);
  const api = await openClientApi(context, cleanupConfig);
  api.adopt(outstanding);
  // A kill between the target's answer and the journal's line leaves a client the journal never saw:
  // the run's tag finds it.
  await runClients(api).then(
    (ids) => api.adopt(ids),
    () => undefined,
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([api.cleanup(), new Promise((resolve) => (timer = setTimeout(resolve, withinMs)))]);
  } finally {
    clearTimeout(timer);
    await api.close().catch(() => undefined);
    await context.close();
  }
  return readJournal(journal).outstanding;
}

/** The run's clients still listed by its tag (active ones, where the API keeps deleted clients). */
async function runClients(api: ClientApi): Promise<string[]> {
  const visibility = api.capabilities.deletion.kind === 'soft' ? ('active' as const) : undefined;
  const perPage = api.capabilities.paging.maxPerPage.value;
  const ids: string[] = [];
  for (let page = 1; page <= 50; page++) {
    const listed = await api.list({ scope: EVERY_SCOPE, filters: [], visibility, page, perPage });
    ids.push(...listed.items.map((item) => item.id));
    if (page >= listed.pages || listed.items.length === 0) break;
  }
  return ids;
}

/** `clientele cleanup --journal FILE`: finishes the cleanup of a run that was killed or lost its target. */
export async function cleanupCommand(options: CliOptions, io: Io): Promise<number> {
  const path = resolve(options.journal!);
  let header: JournalHeader;
  try {
    header = readJournal(path).header;
  } catch (error) {
    throw new UsageError(`--journal ${options.journal}: ${describeError(error)}`);
  }
  const api = findApi(header.api);
  const values = { ...header.settings, ...Object.fromEntries(Object.entries(options.credentials).filter(([, v]) => v)) };
  const config = externalConfig({ ...options, credentials: values, allowWrites: true }, api, journalAddress(header));
  const left = await cleanupJournal({ ...config, runTag: header.runTag }, path, options.maxDurationMs);
  if (left.length) {
    io.err(
      `clientele: ${plural(left.length, 'client')} could not be deleted (${left.slice(0, 5).join(', ')}${left.length > 5 ? ', ...' : ''}); the journal keeps them`,
    );
    return EXIT.failures;
  }
  settleJournal(path);
  io.out(`cleanup: every client the run created on ${header.target} is deleted; journal removed`);
  return EXIT.ok;
}
