/** Counted nouns for messages: `1 client`, `3 clients`; `many` for nouns that do not just take an s. */
export function plural(count: number, noun: string, many = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : many}`;
}

/** The form that agrees with a count: `oneOrMany(n, 'differs', 'differ')`. */
export function oneOrMany(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}
