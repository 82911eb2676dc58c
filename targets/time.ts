/** The timestamp format both FreshBooks APIs use for `updated` (and REST for `signup_date`). */

/** UTC `YYYY-MM-DD HH:MM:SS`; such strings sort in time order, so filters compare them as text. */
export function timestampNow(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
