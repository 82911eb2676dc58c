import type { Exchange } from './exchange.js';

/**
 * The exchanges of the check that is running. Property runs `clear()` it before replaying the shrunk
 * counterexample, so a failure's reproduction holds just the requests of that minimal case.
 */
export class ExchangeLog {
  private entries: Exchange[] = [];
  total = 0;
  /** Bounded: a long property run must not grow memory without limit. */
  constructor(private readonly capacity = 2_000) {}

  add(exchange: Exchange): void {
    this.total++;
    this.entries.push(exchange);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  last(): Exchange | undefined {
    return this.entries.at(-1);
  }

  clear(): void {
    this.entries = [];
  }

  snapshot(): readonly Exchange[] {
    return [...this.entries];
  }
}
