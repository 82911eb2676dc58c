/**
 * What keeps a run bounded whatever the target does: the run's deadline (`--max-duration`), a target
 * that stops answering (a few timeouts in a row), an interrupt (Ctrl-C, SIGTERM), and a check that
 * would send far more requests than its work needs. Once the guard has stopped the run, every request
 * still to go and every check still to run is refused with the reason, and reported `blocked`.
 */
export class RunStopped extends Error {
  override readonly name = 'RunStopped';
}

export interface GuardLimits {
  /** Epoch milliseconds after which nothing more is sent. */
  readonly deadline: number;
  /** Timeouts in a row after which the target counts as unresponsive. */
  readonly maxConsecutiveTimeouts: number;
  /** Requests one check may send: far above what any check needs against an honest target. */
  readonly requestsPerCheck: number;
}

export const DEFAULT_GUARD: Omit<GuardLimits, 'deadline'> = { maxConsecutiveTimeouts: 3, requestsPerCheck: 20_000 };

export class RunGuard {
  private stoppedBecause?: string;
  /** The target stopped answering: cleanup requests would only wait out their deadlines too. */
  unresponsive = false;
  private timeoutsInARow = 0;
  private checkRequests = 0;

  constructor(readonly limits: GuardLimits) {}

  get stopped(): string | undefined {
    return this.stoppedBecause;
  }

  stop(reason: string): void {
    this.stoppedBecause ??= reason;
  }

  /** Called before each request: throws when the run is over or this check has spent its budget. */
  beforeRequest(): void {
    if (!this.stoppedBecause && Date.now() > this.limits.deadline) this.stop('the run reached its time budget (--max-duration)');
    if (this.stoppedBecause) throw new RunStopped(this.stoppedBecause);
    if (++this.checkRequests > this.limits.requestsPerCheck) {
      throw new RunStopped(`the check sent ${this.limits.requestsPerCheck} requests, its budget, without finishing`);
    }
  }

  /** Called after each request with whether it timed out. */
  afterRequest(timedOut: boolean): void {
    this.timeoutsInARow = timedOut ? this.timeoutsInARow + 1 : 0;
    if (this.timeoutsInARow >= this.limits.maxConsecutiveTimeouts) {
      this.unresponsive = true;
      this.stop(`the target stopped answering: ${this.timeoutsInARow} requests in a row got no answer in time`);
    }
  }

  startCheck(): void {
    this.checkRequests = 0;
  }
}

/** One guard per run, shared by every session of that run in this worker. */
const guards = new Map<string, RunGuard>();

export function guardOf(runTag: string, limits: GuardLimits): RunGuard {
  let guard = guards.get(runTag);
  if (!guard) {
    guard = new RunGuard(limits);
    guards.set(runTag, guard);
  }
  return guard;
}
