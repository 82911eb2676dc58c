/**
 * A bounded memory of a pure function's results by a text key: a run meets the same short answers
 * over and over (every delete's `<response status="ok"/>`), and parsing one again tells nothing new.
 * Only keys up to `longest` characters are kept, so it holds at most `limit` x `longest` of text; when
 * full it forgets everything at once: cheaper than tracking use, and a run's repeats come back.
 */
export class TextMemo<T> {
  private readonly known = new Map<string, T>();

  constructor(
    private readonly limit: number,
    private readonly longest: number,
  ) {}

  get(key: string, make: () => T): T {
    if (key.length > this.longest) return make();
    let value = this.known.get(key);
    if (value === undefined) {
      value = make();
      if (this.known.size >= this.limit) this.known.clear();
      this.known.set(key, value);
    }
    return value;
  }
}

/** Work done once per key: the first caller starts it, every later one waits for the same promise. */
export class Once {
  private readonly made = new Map<string, Promise<unknown>>();

  get<T>(key: string, make: () => Promise<T>): Promise<T> {
    let made = this.made.get(key) as Promise<T> | undefined;
    if (!made) {
      made = make();
      this.made.set(key, made);
    }
    return made;
  }
}
