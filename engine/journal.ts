/**
 * The journal of a run against an external target: which client ids it created and has not yet
 * cleaned up, appended as it goes (one JSON object per line), so `clientele cleanup --journal FILE`
 * can finish the job after a crash, a kill -9 or a target that stopped answering.
 */
import { appendFileSync, existsSync, readFileSync, unlinkSync } from 'node:fs';
import type { TargetAddress } from './config.js';

export interface JournalHeader {
  readonly journal: 1;
  readonly api: string;
  readonly target: string;
  /** The server as data, for `clientele cleanup` (journals written before it was kept have only the label). */
  readonly address?: TargetAddress;
  readonly runTag: string;
  /** The run's options that are no secret (an account id); secrets come from the environment again. */
  readonly settings: Readonly<Record<string, string>>;
  readonly startedAt: string;
}

type Line = JournalHeader | { readonly created: string } | { readonly deleted: string };

export function startJournal(path: string, header: JournalHeader, redact: (text: string) => string): void {
  appendFileSync(path, `${redact(JSON.stringify(header))}\n`);
}

/** Every line goes through `redact` (the run's redactor), as every file clientele writes does. */
export function journalCreated(path: string | undefined, id: string, redact: (text: string) => string): void {
  if (path) appendFileSync(path, `${redact(JSON.stringify({ created: id }))}\n`);
}

export function journalDeleted(path: string | undefined, id: string, redact: (text: string) => string): void {
  if (path) appendFileSync(path, `${redact(JSON.stringify({ deleted: id }))}\n`);
}

/** The header and the ids created and not deleted, in creation order. A torn last line (a kill mid-write) is ignored. */
export function readJournal(path: string): { header: JournalHeader; outstanding: string[] } {
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const parsed: Line[] = [];
  for (const line of lines) {
    try {
      parsed.push(JSON.parse(line) as Line);
    } catch {
      // the write a kill interrupted
    }
  }
  const header = parsed[0];
  if (!header || !('journal' in header)) throw new Error(`${path} is not a clientele journal`);
  const open = new Set<string>();
  for (const line of parsed.slice(1)) {
    if ('created' in line) open.add(line.created);
    else if ('deleted' in line) open.delete(line.deleted);
  }
  return { header, outstanding: [...open] };
}

/** Removes a journal with nothing outstanding; returns the ids still outstanding. */
export function settleJournal(path: string | undefined): string[] {
  if (!path || !existsSync(path)) return [];
  const { outstanding } = readJournal(path);
  if (outstanding.length === 0) unlinkSync(path);
  return outstanding;
}
