/**
 * The console of runs that go side by side (`npm start`'s embedded targets), printed in turn: the first
 * run's output goes straight through; each later one's is held, in order, until every run before it is
 * done, then written and let through. The console reads as if the runs had gone one after the other:
 * the same lines in the same order (a terminal's live progress included: its redraws are replayed).
 */
import type { Io } from './io.js';

type Held = { readonly to: 'out' | 'err'; readonly line: string } | { readonly to: 'progress'; readonly chunk: string };

export class InTurnIo implements Io {
  private held: Held[] = [];
  private through = false;
  readonly progress?: NodeJS.WriteStream;

  constructor(private readonly target: Io) {
    const real = target.progress;
    // What a view asks of its stream (a terminal? how wide, how high?) is the real stream's answer.
    const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      if (this.through) return real!.write(chunk, ...(rest as []));
      this.held.push({ to: 'progress', chunk: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString() });
      (rest.find((arg) => typeof arg === 'function') as (() => void) | undefined)?.();
      return true;
    };
    this.progress =
      real &&
      ({
        get isTTY() {
          return real.isTTY;
        },
        get columns() {
          return real.columns;
        },
        get rows() {
          return real.rows;
        },
        write,
      } as unknown as NodeJS.WriteStream);
  }

  out(line: string): void {
    if (this.through) this.target.out(line);
    else this.held.push({ to: 'out', line });
  }

  err(line: string): void {
    if (this.through) this.target.err(line);
    else this.held.push({ to: 'err', line });
  }

  /** Its turn: what was held is written, in order, and from now on everything goes straight through. */
  release(): void {
    for (const held of this.held) {
      if (held.to === 'progress') this.target.progress?.write(held.chunk);
      else this.target[held.to](held.line);
    }
    this.held = [];
    this.through = true;
  }
}
