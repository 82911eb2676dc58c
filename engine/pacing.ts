/**
 * Pacing that listens to the target, per run. Two pieces, both owned by the run's context and guard:
 *
 * - `RequestWindow`: how many requests the run has in flight, AIMD as TCP does with its congestion
 *   window. Until the target first pushes back (an HTTP 429 or 503, an MCP "come back later") or
 *   answers slowly (`isSlow`) it is `requestsInFlight(concurrency)`. Then the window is half of what was
 *   in flight (at least 1), halved again at each later episode, and one wider after each window's worth
 *   of answers accepted, up to the run's concurrency. `--rate-limit` paces each attempt on top of it.
 * - `PaceMeter` and `projectOverrun`: the pace (requests accepted per second) the target allowed
 *   while it pushed back, and whether the checks still to run fit in what is left of the budget at
 *   that pace. The guard stops the run early when they clearly do not.
 */

/**
 * The requests a run keeps in flight at most: its concurrency, and never fewer than 4, so a check's
 * cleanup overlaps its deletes. The HTTP transport opens as many connections: a request waits here,
 * where an interrupt or the end of cleanup time reaches it, never in the pool's queue, where nothing
 * would stop it from going out after the run stopped.
 */
export function requestsInFlight(concurrency: number): number {
  return Math.max(MIN_IN_FLIGHT, concurrency);
}

/** What a run may always have in flight, whatever its concurrency: as many as a cleanup sends at once. */
export const MIN_IN_FLIGHT = 4;

/** How the target met one attempt, as the window hears it. */
export type Reply = 'accepted' | 'pushed-back' | 'slow';

/**
 * An answer that took a quarter of its deadline or more is slow. Requests in flight queue somewhere (at
 * the target, or in this process, reading the answers before it): fewer in flight before one of them
 * runs out its deadline, which would be judged the target's fault. A quarter leaves room for the
 * requests already out; the guard's own slow mark is half the deadline.
 */
export function isSlow(elapsedMs: number, timeoutMs: number): boolean {
  return elapsedMs >= timeoutMs / 4;
}

/** The AIMD rule alone: no waiting, no clock. */
export class AimdWindow {
  private size: number;
  private acceptedSince = 0;
  private epoch = 0;

  /** `ceiling`: the run's requests in flight (`requestsInFlight`), the widest the window grows back to once it closed. */
  constructor(readonly ceiling: number) {
    if (!Number.isInteger(ceiling) || ceiling < 1) throw new RangeError(`a request window needs a ceiling of at least 1, not ${ceiling}`);
    this.size = ceiling;
  }

  /** Requests that may be in flight: the ceiling until the target first pushed back. */
  get limit(): number {
    return this.size;
  }

  /** Bumped at each decrease; a request is stamped with it as it goes. */
  get generation(): number {
    return this.epoch;
  }

  /**
   * The target pushed back on a request sent at generation `sentAt`, or answered it slowly, with
   * `inFlight` requests out (it among them). Requests sent before the last decrease met the same
   * congestion that decrease answered: one halving per episode, not one per request caught in it.
   */
  narrow(inFlight: number, sentAt = this.epoch): void {
    if (sentAt < this.epoch) return;
    this.size = Math.max(1, Math.floor(Math.min(this.size, inFlight) / 2));
    this.epoch += 1;
    this.acceptedSince = 0;
  }

  /** An answer the target did not push back: a window's worth of them widens the window by one. */
  accepted(): void {
    if (this.size >= this.ceiling) return;
    this.acceptedSince += 1;
    if (this.acceptedSince >= this.size) {
      this.size += 1;
      this.acceptedSince = 0;
    }
  }
}

/** One request's hold on the window, from its first attempt to its last answer (retries included). */
export interface WindowPermit {
  /** An attempt goes out now. */
  sending(): void;
  /** How the target met the attempt: accepted it, pushed back (429, 503, a "come back later" code), or answered slowly. */
  answered(reply: Reply): void;
  /** The request is done; idempotent. */
  release(): void;
}

/**
 * The run's requests in flight, gated by its AIMD window: first come, first served. A request waiting
 * to be retried keeps its place in flight: it is still the run's, and the target asked it to wait.
 */
export class RequestWindow {
  readonly window: AimdWindow;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  /** `widened`: told when the window grew, for what waits on it besides requests (the run's slots). */
  constructor(
    ceiling: number,
    private readonly widened: () => void = () => undefined,
  ) {
    this.window = new AimdWindow(ceiling);
  }

  get sending(): number {
    return this.inFlight;
  }

  /** A place in flight now, or undefined when a request would have to wait for one. */
  tryAcquire(): WindowPermit | undefined {
    if (this.waiting.length > 0 || this.inFlight >= this.window.limit) return undefined;
    this.inFlight += 1;
    return this.permit();
  }

  /** A place in flight, or undefined when `signal` aborted first (an interrupt, the cleanup time spent). */
  async acquire(signal?: AbortSignal): Promise<WindowPermit | undefined> {
    if (signal?.aborted) return undefined;
    const now = this.tryAcquire();
    if (now) return now;
    const granted = await new Promise<boolean>((resolve) => {
      const grant = () => {
        signal?.removeEventListener('abort', abandon);
        resolve(true);
      };
      const abandon = () => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(false);
      };
      signal?.addEventListener('abort', abandon, { once: true });
      this.waiting.push(grant);
    });
    return granted ? this.permit() : undefined;
  }

  private permit(): WindowPermit {
    let sentAt = this.window.generation;
    let released = false;
    return {
      sending: () => {
        sentAt = this.window.generation;
      },
      answered: (reply) => {
        if (reply !== 'accepted') this.window.narrow(this.inFlight, sentAt);
        else {
          const before = this.window.limit;
          this.window.accepted();
          if (this.window.limit === before) return;
          this.grant();
          this.widened();
        }
      },
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        this.grant();
      },
    };
  }

  private grant(): void {
    while (this.waiting.length > 0 && this.inFlight < this.window.limit) {
      this.inFlight += 1;
      this.waiting.shift()!();
    }
  }
}

/**
 * The pace the target allows while it pushes back: requests it accepted per second over the last
 * `windowMs`, measured only once it has pushed back through a whole window (a short burst of 503s
 * before an honest target recovers says nothing about the pace), and only while it still does.
 */
export class PaceMeter {
  private static readonly BUCKETS = 10;
  private readonly counts = new Array<number>(PaceMeter.BUCKETS).fill(0);
  private readonly slots = new Array<number>(PaceMeter.BUCKETS).fill(-1);
  private episodeStart?: number;
  private lastPushback = -Infinity;

  /** A rate from fewer accepted answers than this is noise. */
  static readonly MIN_ACCEPTED = 3;

  constructor(readonly windowMs: number) {}

  /** The target pushed back on a request (once per request, whatever its retries). */
  pushedBack(now: number): void {
    if (this.episodeStart === undefined || now - this.lastPushback > this.windowMs) this.episodeStart = now;
    this.lastPushback = now;
  }

  /** A request whose last answer the target did not push back. */
  accepted(now: number): void {
    const slot = this.slotOf(now);
    const at = slot % PaceMeter.BUCKETS;
    if (this.slots[at] !== slot) {
      this.slots[at] = slot;
      this.counts[at] = 0;
    }
    this.counts[at]! += 1;
  }

  /** Accepted requests per second over the last window, while the target has pushed back through all of it; else undefined. */
  rate(now: number): number | undefined {
    if (this.episodeStart === undefined || now - this.lastPushback > this.windowMs || now - this.episodeStart < this.windowMs)
      return undefined;
    const current = this.slotOf(now);
    let accepted = 0;
    for (let i = 0; i < PaceMeter.BUCKETS; i++) if (this.slots[i]! > current - PaceMeter.BUCKETS) accepted += this.counts[i]!;
    return accepted < PaceMeter.MIN_ACCEPTED ? undefined : (accepted * 1000) / this.windowMs;
  }

  private slotOf(now: number): number {
    return Math.floor(now / (this.windowMs / PaceMeter.BUCKETS));
  }
}

/** What the guard knows of a run's checks, to project what is left of it. */
export interface RunProgress {
  /** Checks the run registered. */
  readonly planned: number;
  /** Checks over, whatever their outcome. */
  readonly ended: number;
  /** Checks with a slot, not over yet. */
  readonly running: number;
  /** Ended checks with a verdict (passed, failed or warned), and the requests they sent. */
  readonly judged: number;
  readonly judgedRequests: number;
  /** Requests the running checks sent so far. */
  readonly runningRequests: number;
}

export interface Projection {
  /** Checks not over yet. */
  readonly checksLeft: number;
  /** Requests they still need, about. */
  readonly requests: number;
  readonly ms: number;
}

/** Judged checks needed before their requests say anything about the rest. */
export const MIN_JUDGED = 3;

/**
 * What the checks not over yet need at `ratePerSecond`, or undefined while too little is known. The
 * requests a check needs are the mean of the judged checks; but cheap checks end first (a projection
 * from them alone comes too late to help), so where the running checks say more, they count too, each
 * as if halfway through what it sends (a check seen at a random moment of its run is, on the median).
 * What the running checks sent already is not needed again.
 */
export function projectOverrun(progress: RunProgress, ratePerSecond: number): Projection | undefined {
  const checksLeft = progress.planned - progress.ended;
  if (progress.judged < MIN_JUDGED || checksLeft <= 0 || !(ratePerSecond > 0)) return undefined;
  const judgedMean = progress.judgedRequests / progress.judged;
  const withRunning = (progress.judgedRequests + 2 * progress.runningRequests) / (progress.judged + progress.running);
  const requests = Math.max(0, Math.round(checksLeft * Math.max(judgedMean, withRunning) - progress.runningRequests));
  return { checksLeft, requests, ms: (requests / ratePerSecond) * 1000 };
}

/** A duration as a person reads it in one line: `40 s`, `12 min`, `2.5 h`. */
export function roughly(ms: number): string {
  if (ms < 90_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (ms < 90 * 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}
