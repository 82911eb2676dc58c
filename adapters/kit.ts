/** What every adapter repeats: the ids it created (for cleanup), the scope tag, and the envelope guard. */
import type { Session } from '../engine/session.js';

/** The ids of the clients an adapter created, so cleanup touches only those. */
export class CreatedClients {
  private readonly ids = new Set<string>();

  add(id: string): void {
    this.ids.add(id);
  }

  forget(id: string): void {
    this.ids.delete(id);
  }

  /** Hands over every id and forgets them. */
  drain(): string[] {
    const all = [...this.ids];
    this.ids.clear();
    return all;
  }
}

/**
 * The text a scoped client carries (REST `note`, Classic `notes`): the run tag makes the client this
 * run's, the scope confines a list to one check or property case on a shared target.
 */
export function scopeTag(runTag: string, scope: string): string {
  return `clientele-${runTag}-${scope}-`;
}

type Json = Record<string, unknown>;

/** Walks a decoded JSON answer; the schema was checked already, so a gap is a failure (`envelope`), never a crash. */
export function dig(session: Session, operation: string, json: unknown, path: readonly string[]): Json {
  let node = json;
  for (const key of path) node = node && typeof node === 'object' ? (node as Json)[key] : undefined;
  if (!node || typeof node !== 'object') throw session.envelopeGap(operation, path.join('.'), json);
  return node as Json;
}
