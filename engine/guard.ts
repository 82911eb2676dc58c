/**
 * What keeps a run bounded whatever the target does: the run's deadline (`--max-duration`), a target
 * that stops answering or answers too slowly to be tested (a few late answers in a row), one that
 * keeps rate limiting past what clientele waits, an interrupt (Ctrl-C, SIGTERM), and a check that
 * would send far more requests than its work needs. Once the guard has stopped the run, every request
 * still to go and every check still to run is refused with the reason, and reported `blocked`; what
 * the run created gets `CLEANUP_MS` more to be deleted, each request cut to what is left of it.
 */
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

export class RunGuard {
  private stoppedBecause?: string;
  private stoppedAt = 0;
  /** Aborts what is in flight when the run is stopped from outside (an interrupt). */
  private readonly inFlight = new AbortController();
  /** The target stopped answering: cleanup requests would only wait out their deadlines too. */
  unresponsive = false;
  private lateInARow: Lateness[] = [];

  constructor(readonly limits: GuardLimits) {}

  get stopped(): string | undefined {
    return this.stoppedBecause;
  }

  stop(reason: string): void {
    if (this.stoppedBecause) return;
    this.stoppedBecause = reason;
    this.stoppedAt = Date.now();
    this.inFlight.abort();
  }

  /**
   * The bounds of the next send: while the run goes on, the interrupt signal; once it stopped, what is
   * left of the cleanup time, or undefined when none is (the send must not go).
   */
  sendBounds(): { signal?: AbortSignal; timeoutMs?: number } | undefined {
    if (!this.stoppedBecause) return { signal: this.inFlight.signal };
    const left = this.stoppedAt + CLEANUP_MS - Date.now();
    return left > 0 ? { timeoutMs: left } : undefined;
  }

  /** Called before each request: throws when the run is over (a check's own budget is its session's to count). */
  beforeRequest(): void {
    if (!this.stoppedBecause && Date.now() > this.limits.deadline) this.stop('the run reached its time budget (--max-duration)');
    if (this.stoppedBecause) throw new RunStopped(this.stoppedBecause);
  }

  /** Called after each request with how its answer came (`elapsedMs`: the last attempt's, retries aside). */
  afterRequest(lateness: Lateness, elapsedMs = 0): void {
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
}
