/**
 * The console's view of a run in progress: it formats the runner's `RunEvent`s and nothing else.
 *
 * - `live` (a terminal): one block per run, redrawn in place through log-update: a header and one line per
 *   family (state, checks done of total, requests, failures and warnings so far). Redraws are throttled;
 *   the final block stays in the scrollback, one line per family.
 * - `lines` (CI logs, pipes): plain lines, one per run and one per finished check, no escape codes.
 * - `quiet`: nothing; the CLI prints the final summary either way.
 *
 * Every line is target-controlled in part (the target label, failure messages quoting answers), so each
 * goes through `visible()` and the run's `Redactor` before it reaches the stream.
 */
import { createLogUpdate } from 'log-update';
import { Redactor } from '../engine/redact.js';
import type { CheckResult, CheckStatus } from '../reports/model.js';
import { CONSOLE_MARKS, cut, flatten } from '../reports/console.js';
import { blockedLine, checkMessage, formatDuration, visible } from '../reports/render.js';
import type { RunEvent, RunListener } from '../runner/events.js';
import { plural } from '../engine/words.js';

export type ProgressMode = 'live' | 'lines' | 'quiet';

/** What the view writes to: `process.stdout`, or any writable that may say whether it is a terminal and how wide. */
export type ProgressStream = NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };

export interface ProgressOptions {
  readonly mode: ProgressMode;
  readonly stream: ProgressStream;
  /** The run's secrets: never printed, whole or in part, whatever the target put them in. */
  readonly secrets: readonly string[];
}

export interface ProgressModeInput {
  readonly quiet?: boolean;
  readonly isTTY?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * `quiet` wins; a terminal gets the live view unless `CI` is set (CI runners often fake a TTY, and a log
 * full of redraws is unreadable) or `TERM=dumb` (no cursor movement); everything else gets plain lines.
 */
export function progressMode({ quiet = false, isTTY = false, env = process.env }: ProgressModeInput): ProgressMode {
  if (quiet) return 'quiet';
  if (!isTTY || flagSet(env.CI) || env.TERM === 'dumb') return 'lines';
  return 'live';
}

/**
 * Colour on a terminal, off with `NO_COLOR` (no-color.org), in CI and on a dumb terminal; `FORCE_COLOR`
 * turns it on anywhere (a recording, a pager that shows colour).
 */
export function colourWanted({ isTTY = false, env = process.env }: Omit<ProgressModeInput, 'quiet'>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (flagSet(env.FORCE_COLOR)) return true;
  return isTTY && !flagSet(env.CI) && env.TERM !== 'dumb';
}

function flagSet(value: string | undefined): boolean {
  const normalized = value?.trim().toLowerCase();
  return normalized !== undefined && normalized !== '' && normalized !== 'false' && normalized !== '0';
}

/** Redraws at most this often: fast checks would otherwise rewrite the terminal thousands of times. */
export const RENDER_INTERVAL_MS = 100;
const DEFAULT_COLUMNS = 80;
/** A failure message in lines mode is one line of a CI log, not the report: the report has it whole. */
const MESSAGE_MAX = 200;
/** Bounds a lines-mode line as a whole (a hostile target label can be any length). */
const LINE_MAX = 400;

/** The same marks as the final summary, plus the two it does not list. */
const CHECK_MARKS: Readonly<Record<CheckStatus, string>> = {
  passed: '✓',
  skipped: '-',
  failed: CONSOLE_MARKS.failed.trim(),
  errored: CONSOLE_MARKS.errored.trim(),
  warned: CONSOLE_MARKS.warned.trim(),
  blocked: CONSOLE_MARKS.blocked.trim(),
};

/** Makes text safe for one line of a terminal or a log. */
class Sanitizer {
  private readonly redactor: Redactor;

  constructor(secrets: readonly string[]) {
    this.redactor = new Redactor(secrets);
  }

  /**
   * A piece of target text as one line: redacted before and after flattening (a secret split by a line
   * break is whole again once flattened), unsafe characters shown as escapes.
   */
  inline(text: string): string {
    return this.redactor.text(flatten(this.redactor.text(text)));
  }

  /** The last pass over a whole line, then the cut: redacting first means a cut can never leave part of a secret. */
  line(text: string, max: number): string {
    return cut(this.redactor.text(visible(text)), max);
  }
}

interface Sink {
  handle(event: RunEvent): void;
  stop(): void;
}

/** Prints nothing: the CLI prints the summary itself. */
const QUIET: Sink = { handle() {}, stop() {} };

class LinesSink implements Sink {
  constructor(
    private readonly stream: ProgressStream,
    private readonly safe: Sanitizer,
  ) {}

  handle(event: RunEvent): void {
    if (event.type === 'run-started') {
      const families = event.families.map((family) => this.safe.inline(family)).join(', ');
      this.write(`clientele ${this.safe.inline(event.api)} — ${this.safe.inline(event.target)}: ${families}`);
    } else if (event.type === 'check-finished') {
      this.write(this.checkLine(event.check));
    }
  }

  stop(): void {
    // Whole lines only: nothing is ever left half-written.
  }

  private checkLine(check: CheckResult): string {
    const mark = CHECK_MARKS[check.status] ?? '?';
    const head = `${mark} ${this.safe.inline(check.id)} (${plural(check.requests, 'request')}, ${formatDuration(check.durationMs)})`;
    if (check.status === 'passed') return head;
    const message = check.status === 'blocked' && check.note === undefined ? blockedLine(check) : checkMessage(check);
    return `${head} — ${cut(this.safe.inline(message), MESSAGE_MAX)}`;
  }

  private write(line: string): void {
    this.stream.write(`${this.safe.line(line, LINE_MAX)}\n`);
  }
}

interface FamilyProgress {
  /** Already made safe. */
  readonly name: string;
  total?: number;
  done: number;
  requests: number;
  /** Failed and errored checks. */
  failed: number;
  warned: number;
  blocked: number;
  state: 'waiting' | 'running' | 'finished';
}

interface RunProgress {
  readonly header: string;
  readonly families: Map<string, FamilyProgress>;
  /** Set once run-finished came (or the view stopped): families never started read `not run`. */
  over: boolean;
}

class LiveSink implements Sink {
  private readonly log: ReturnType<typeof createLogUpdate>;
  private run?: RunProgress;
  private timer?: NodeJS.Timeout;
  private lastRender = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly stream: ProgressStream,
    private readonly safe: Sanitizer,
  ) {
    // showCursor: hiding it makes log-update write to process.stderr and hook the process's exit signals,
    // which the CLI's interrupt handling owns; a visible cursor below the block costs nothing.
    this.log = createLogUpdate(stream, { showCursor: true, defaultWidth: DEFAULT_COLUMNS });
  }

  handle(event: RunEvent): void {
    switch (event.type) {
      case 'run-started': {
        if (this.run) this.finish(); // the previous run never said it finished: keep its block as it stands
        const families = new Map<string, FamilyProgress>();
        for (const family of event.families) families.set(family, this.family(family));
        this.run = { header: `clientele ${this.safe.inline(event.api)} — ${this.safe.inline(event.target)}`, families, over: false };
        this.render();
        return;
      }
      case 'family-collected': {
        // Every family of a run is collected at once, and they run side by side: a family runs from its first finished check.
        const family = this.familyOf(this.current(), event.family);
        family.total = event.checks;
        if (family.done >= event.checks) family.state = 'finished';
        this.render();
        return;
      }
      case 'check-finished': {
        const { check } = event;
        const family = this.familyOf(this.current(), check.family);
        if (family.state === 'waiting') family.state = 'running';
        family.done++;
        family.requests += check.requests;
        if (check.status === 'failed' || check.status === 'errored') family.failed++;
        else if (check.status === 'warned') family.warned++;
        else if (check.status === 'blocked') family.blocked++;
        if (family.total !== undefined && family.done >= family.total) {
          family.state = 'finished';
          this.render(); // a family's last line is worth showing at once
        } else {
          this.renderSoon();
        }
        return;
      }
      case 'run-finished':
        if (this.run) this.finish();
        return;
    }
  }

  stop(): void {
    this.cancelTimer();
    if (this.run) this.finish();
  }

  private family(name: string): FamilyProgress {
    return { name: this.safe.inline(name), done: 0, requests: 0, failed: 0, warned: 0, blocked: 0, state: 'waiting' };
  }

  /** Events without a run-started before them still show, under a bare header. */
  private current(): RunProgress {
    this.run ??= { header: 'clientele', families: new Map(), over: false };
    return this.run;
  }

  private familyOf(run: RunProgress, name: string): FamilyProgress {
    let family = run.families.get(name);
    if (family === undefined) {
      family = this.family(name);
      run.families.set(name, family);
    }
    return family;
  }

  /** The final frame, kept in the scrollback; the next run's block starts below it. */
  private finish(): void {
    this.run!.over = true;
    this.render();
    this.log.done();
    this.run = undefined;
  }

  /** Throttled: draws now if the last frame is old enough, else once when it is (newest state then). */
  private renderSoon(): void {
    if (this.timer !== undefined) return;
    const wait = this.lastRender + RENDER_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.render();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.render();
      } catch {
        // A timer callback that throws would crash the process: progress must never end a run.
      }
    }, wait);
    // A pending redraw must not keep the process alive.
    this.timer.unref?.();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private render(): void {
    this.cancelTimer();
    if (!this.run) return;
    this.lastRender = Date.now();
    this.log(this.block(this.run));
  }

  private block(run: RunProgress): string {
    // One column short of the width: some terminals wrap as soon as the last column is written, which
    // would add a line log-update does not know to erase.
    const width = Math.max(1, (this.stream.columns || DEFAULT_COLUMNS) - 1);
    const families = [...run.families.values()];
    const nameWidth = Math.max(0, ...families.map((family) => [...family.name].length));
    const lines = [run.header, ...families.map((family) => familyLine(family, nameWidth, run.over))];
    return lines.map((line) => this.safe.line(line, width)).join('\n');
  }
}

function familyLine(family: FamilyProgress, nameWidth: number, over: boolean): string {
  const name = family.name.padEnd(nameWidth);
  if (family.state === 'waiting') return `  ${over ? '-' : '·'} ${name}  ${over ? 'not run' : 'waiting'}`;
  const counts = `${family.done}/${family.total ?? '?'} checks`.padEnd(14);
  const tallies = [plural(family.requests, 'request'), `${family.failed} failed`];
  if (family.warned > 0) tallies.push(`${family.warned} warned`);
  if (family.blocked > 0) tallies.push(`${family.blocked} blocked`);
  return `  ${familyMark(family, over)} ${name}  ${counts}  ${tallies.join(', ')}`;
}

function familyMark(family: FamilyProgress, over: boolean): string {
  if (family.failed > 0) return '✗';
  if (family.state === 'running' && !over) return '»';
  // Finished short of its total: the run stopped in the middle of it.
  return family.total !== undefined && family.done < family.total ? '-' : '✓';
}

/** The progress display of one CLI invocation (one or more runs); hand `listener` to each run. */
export class ProgressView {
  readonly listener: RunListener;
  private readonly sink: Sink;
  private stopped = false;

  constructor(options: ProgressOptions) {
    const safe = new Sanitizer(options.secrets);
    this.sink =
      options.mode === 'live' ? new LiveSink(options.stream, safe) : options.mode === 'lines' ? new LinesSink(options.stream, safe) : QUIET;
    this.listener = (event) => {
      if (this.stopped) return;
      try {
        this.sink.handle(event);
      } catch {
        // A broken display (a closed stream, a bug here) must not fail the run it shows.
      }
    };
  }

  /** Leaves the terminal clean (the live block drawn whole and kept), e.g. when a run ends in an error; later events are ignored. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      this.sink.stop();
    } catch {
      // Same as the listener: nothing here may turn into the CLI's error.
    }
  }
}
