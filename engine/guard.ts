/**
 * What keeps a run bounded whatever the target does: the run's deadline (`--max-duration`), a target
 * that stops answering or answers too slowly to be tested (a few late answers in a row), one that
 * keeps rate limiting past what clientele waits, one whose pace while it pushes back (429, 503) cannot
 * finish the run within its budget, an interrupt (Ctrl-C, SIGTERM), and a check that would send far
 * more requests than its work needs. Once the guard has stopped the run, every request still to go and
 * every check still to run is refused with the reason, and reported `blocked`; what the run created
 * gets `CLEANUP_MS` more to be deleted, each request cut to what is left of it.
 */
import { setMaxListeners } from 'node:events';
import { PaceMeter, projectOverrun, roughly, type RunProgress } from './pacing.js';
import { plural } from './words.js';

export class RunStopped extends Error {
  override readonly name = 'RunStopped';
}

export interface GuardLimits {
  /** Epoch milliseconds after which nothing more is sent. */
  readonly deadline: number;
  /** Late answers (timeouts, slow answers, rate limits past the retries) in a row after which the run stops. */
  readonly maxConsecutiveTimeouts: number;
  /**
   * An answer that took this long is late: a run sends hundreds of requests, and at this pace it
   * could not finish within any budget a CI job has (default: half the request timeout).
   */
  readonly slowAnswerMs: number;
  /** Requests one check may send: far above what any check needs against an honest target. */
  readonly requestsPerCheck: number;
}

export const DEFAULT_GUARD: Omit<GuardLimits, 'deadline' | 'slowAnswerMs'> = { maxConsecutiveTimeouts: 3, requestsPerCheck: 20_000 };

/** How long cleanup may go on once the run stopped (budget, unresponsive target, interrupt). */
export const CLEANUP_MS = 20_000;

/** How an answer came, as the guard counts it. */
export type Lateness = 'on-time' | 'timeout' | 'slow' | 'rate-limited';

/** How the target met a request: whether it pushed back on an attempt, whether it accepted the last one. */
export interface Reception {
  readonly pushedBack: boolean;
  readonly accepted: boolean;
}

/**
 * The run stops for its pace only when the checks left need more than this many times what is left of
 * the budget: the projection is an estimate, and a target that could finish must not be stopped by it.
 */
const OVERRUN_MARGIN = 2;

/** How long the pace is watched before it is judged: a twentieth of the budget, within these bounds. */
const PACE_WINDOW_MS = { min: 10_000, max: 60_000 };

export class RunGuard {
  private stoppedBecause?: string;
  private stoppedAt = 0;
  /** Aborts what is in flight when the run is stopped from outside (an interrupt). */
  private readonly inFlight = new AbortController();
  /** The target stopped answering: cleanup requests would only wait out their deadlines too. */
  unresponsive = false;
  private lateInARow: Lateness[] = [];
  private readonly startedAt: number;
  /** The pace the target allowed while it pushed back. */
  private readonly pace: PaceMeter;
  private readonly progress = { planned: 0, ended: 0, running: 0, judged: 0, judgedRequests: 0, endedRequests: 0, sent: 0 };

  /** `clock`: epoch milliseconds now (tests step it). */
  constructor(
    readonly limits: GuardLimits,
    private readonly clock: () => number = Date.now,
  ) {
    // Every wait for a retry and for a place in the window listens to it (a transport, once): as many
    // as the run's concurrency allows, or more while the target pushes back. Not a leak.
    setMaxListeners(0, this.inFlight.signal);
    this.startedAt = clock();
    const budget = limits.deadline - this.startedAt;
    this.pace = new PaceMeter(Math.min(PACE_WINDOW_MS.max, Math.max(PACE_WINDOW_MS.min, budget / 20)));
  }

  get stopped(): string | undefined {
    return this.stoppedBecause;
  }

  stop(reason: string): void {
    if (this.stoppedBecause) return;
    this.stoppedBecause = reason;
    this.stoppedAt = this.clock();
    this.inFlight.abort();
  }

  /**
   * The bounds of the next send: while the run goes on, the interrupt signal; once it stopped, what is
   * left of the cleanup time, or undefined when none is (the send must not go).
   */
  sendBounds(): { signal?: AbortSignal; timeoutMs?: number } | undefined {
    if (!this.stoppedBecause) return { signal: this.inFlight.signal };
    const left = this.stoppedAt + CLEANUP_MS - this.clock();
    return left > 0 ? { timeoutMs: left } : undefined;
  }

  /** Called before each request: throws when the run is over (a check's own budget is its session's to count). */
  beforeRequest(): void {
    if (!this.stoppedBecause && this.clock() > this.limits.deadline) this.stop('the run reached its time budget (--max-duration)');
    if (this.stoppedBecause) throw new RunStopped(this.stoppedBecause);
  }

  /** The run registered this many checks (its pace is projected over them). */
  planChecks(count: number): void {
    this.progress.planned = count;
  }

  /** A check took its slot. */
  checkBegan(): void {
    this.progress.running += 1;
  }

  /** A check is over: `judged` when it reached a verdict (passed, failed, warned); `began` unless it ended before taking a slot. */
  checkEnded(judged: boolean, requests: number, began = true): void {
    const progress = this.progress;
    if (began) progress.running -= 1;
    progress.ended += 1;
    progress.endedRequests += requests;
    if (judged) {
      progress.judged += 1;
      progress.judgedRequests += requests;
    }
    this.judgePace();
  }

  /**
   * Called after each request with how its answer came (`elapsedMs`: the last attempt's, retries
   * aside) and how the target met it (`reception`: by default, accepted when it came in time).
   */
  afterRequest(lateness: Lateness, elapsedMs = 0, reception?: Reception): void {
    const now = this.clock();
    this.progress.sent += 1;
    if (reception?.pushedBack) this.pace.pushedBack(now);
    if (reception?.accepted ?? lateness === 'on-time') this.pace.accepted(now);
    this.judgePace();
    const late: Lateness = lateness === 'on-time' && elapsedMs >= this.limits.slowAnswerMs ? 'slow' : lateness;
    this.lateInARow = late === 'on-time' ? [] : [...this.lateInARow, late];
    const count = this.lateInARow.length;
    if (count < this.limits.maxConsecutiveTimeouts || this.stoppedBecause) return;
    if (this.lateInARow.every((l) => l === 'timeout')) {
      this.unresponsive = true;
      this.stop(`the target stopped answering: ${count} requests in a row got no answer in time`);
    } else if (this.lateInARow.every((l) => l === 'rate-limited')) {
      this.stop(`the target kept rate limiting: ${count} requests in a row were refused after every retry clientele allows`);
    } else {
      const seconds = Math.round(this.limits.slowAnswerMs / 100) / 10;
      this.stop(
        `the target is too slow to test within a run's budget: ${count} answers in a row took ${seconds} s or more, or never came ` +
          '(--timeout sets the pace allowed: half of it)',
      );
    }
  }

  /**
   * Stops the run early when the pace the target allows while it pushes back clearly cannot finish the
   * checks left within the budget: better one line now than a CI job killed, or a budget sat out.
   */
  private judgePace(): void {
    if (this.stoppedBecause) return;
    const now = this.clock();
    const rate = this.pace.rate(now);
    if (rate === undefined) return;
    const { planned, ended, running, judged, judgedRequests, endedRequests, sent } = this.progress;
    const progress: RunProgress = {
      planned,
      ended,
      running,
      judged,
      judgedRequests,
      runningRequests: Math.max(0, sent - endedRequests),
    };
    const projection = projectOverrun(progress, rate);
    const left = this.limits.deadline - now;
    if (!projection || left <= 0 || projection.ms <= OVERRUN_MARGIN * left) return;
    const shown = rate >= 10 ? String(Math.round(rate)) : rate.toFixed(1);
    const minutes = Math.ceil((now - this.startedAt + projection.ms) / 60_000);
    const paced = Math.max(0.1, Math.floor(rate * 10) / 10);
    this.stop(
      `the target's pace overruns the run's budget: it accepted ${shown} requests/s while it pushed back (429/503), ` +
        `at which the ${plural(projection.checksLeft, 'check')} left need about ${roughly(projection.ms)}, with ${roughly(left)} left; ` +
        `pass a --max-duration above ${minutes}m, --rate-limit ${paced}/s, or fewer families with --only`,
    );
  }
}
