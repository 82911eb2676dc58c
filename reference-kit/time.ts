/** The timestamp formats of the FreshBooks APIs, and the clock the reference targets keep them with. */

/** UTC `YYYY-MM-DD HH:MM:SS`; such strings sort in time order, so filters compare them as text. */
export function timestampOf(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

export function timestampNow(): string {
  return timestampOf(new Date());
}

/** ISO 8601 in UTC to the second (`2024-01-15T10:00:00Z`). */
export function isoSecondOf(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/**
 * A reference target's clock for timestamps kept to the second: it reads the real time, but every
 * reading is at least a second after the one before, so every write is stamped later than the last.
 * A run then judges what timestamps show (a creation time rewritten, an order by update time) the
 * same way however fast it goes, and a mutant that breaks them is killed by the same checks every time.
 */
export class WriteClock {
  private last = 0;

  next(): Date {
    this.last = Math.max(Date.now(), this.last + 1_000);
    return new Date(this.last);
  }
}
