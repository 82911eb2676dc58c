/**
 * Pacing that listens, piece by piece and without a clock of its own: the AIMD window, the requests in
 * flight it gates, the slots that follow it, the pace meter, the projection, and the guard that stops a
 * run whose pace cannot finish it (its clock stepped by hand).
 */
import { describe, expect, it } from 'vitest';
import { RunGuard } from '../engine/guard.js';
import { AimdWindow, MIN_JUDGED, PaceMeter, RequestWindow, isSlow, projectOverrun, type RunProgress } from '../engine/pacing.js';
import { Slots } from '../engine/slots.js';

/** Lets pending promise callbacks run (no timer involved). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the AIMD window', () => {
  it('holds the run’s concurrency until the target pushes back, then halves what was in flight, at least 1', () => {
    const window = new AimdWindow(8);
    expect(window.limit).toBe(8);
    window.accepted();
    expect(window.limit).toBe(8);
    window.narrow(8);
    expect(window.limit).toBe(4);
    window.narrow(4);
    expect(window.limit).toBe(2);
    window.narrow(2);
    window.narrow(1);
    window.narrow(1);
    expect(window.limit).toBe(1);
  });

  it('halves what is in flight when that is less than the window', () => {
    const window = new AimdWindow(16);
    window.narrow(6);
    expect(window.limit).toBe(3);
  });

  it('halves once for requests caught in the same congestion: those sent before the last decrease', () => {
    const window = new AimdWindow(8);
    const before = window.generation;
    window.narrow(8, before);
    window.narrow(8, before);
    window.narrow(8, before);
    expect(window.limit).toBe(4);
    window.narrow(4, window.generation);
    expect(window.limit).toBe(2);
  });

  it('grows by one after a window’s worth of accepted answers, back up to the ceiling and no further', () => {
    const window = new AimdWindow(4);
    window.narrow(4);
    window.narrow(2);
    expect(window.limit).toBe(1);
    window.accepted();
    expect(window.limit).toBe(2);
    window.accepted();
    expect(window.limit).toBe(2);
    window.accepted();
    expect(window.limit).toBe(3);
    for (let i = 0; i < 3; i++) window.accepted();
    expect(window.limit).toBe(4);
    for (let i = 0; i < 20; i++) window.accepted();
    expect(window.limit).toBe(4);
    // A pushback after a partial count starts the count again.
    window.accepted();
    window.narrow(4);
    window.accepted();
    expect(window.limit).toBe(2);
  });

  it('refuses a ceiling below 1', () => {
    expect(() => new AimdWindow(0)).toThrow(RangeError);
  });
});

describe('the requests in flight', () => {
  it('go at once while the window is open; once pushed back, wait their turn first come first served', async () => {
    let widened = 0;
    const requests = new RequestWindow(4, () => (widened += 1));
    const held = await Promise.all([requests.acquire(), requests.acquire(), requests.acquire()]);
    expect(requests.sending).toBe(3);
    held[0]!.sending();
    held[0]!.answered('pushed-back');
    // Three in flight, one pushed back: one may be.
    expect(requests.window.limit).toBe(1);
    const order: string[] = [];
    const later = ['d', 'e'].map((name) => requests.acquire().then((permit) => (order.push(name), permit)));
    for (const permit of held) permit!.release();
    await settle();
    expect(order).toEqual(['d']);
    const d = await later[0]!;
    d!.sending();
    d!.answered('accepted');
    // A window's worth (one) accepted: two may be in flight, and e goes.
    expect(requests.window.limit).toBe(2);
    expect(widened).toBe(1);
    await settle();
    expect(order).toEqual(['d', 'e']);
    d!.release();
    d!.release();
    (await later[1]!)!.release();
    expect(requests.sending).toBe(0);
  });

  it('narrow on a slow answer as on a pushback, once per episode, and widen again on answers in time', async () => {
    const requests = new RequestWindow(8);
    const held = await Promise.all(Array.from({ length: 8 }, () => requests.acquire()));
    for (const permit of held) permit!.sending();
    held[0]!.answered('slow');
    expect(requests.window.limit).toBe(4);
    // Sent before that decrease: the same queue, already answered.
    held[1]!.answered('slow');
    expect(requests.window.limit).toBe(4);
    for (const permit of held) permit!.release();
    const next = await requests.acquire();
    next!.sending();
    for (let i = 0; i < 4; i++) next!.answered('accepted');
    expect(requests.window.limit).toBe(5);
    next!.release();
  });

  it('call an answer slow from a quarter of its deadline on', () => {
    expect(isSlow(2_499, 10_000)).toBe(false);
    expect(isSlow(2_500, 10_000)).toBe(true);
    expect(isSlow(10_000, 10_000)).toBe(true);
    expect(isSlow(120, 400)).toBe(true);
  });

  it('a wait for a place ends when its signal aborts (an interrupt)', async () => {
    const requests = new RequestWindow(1);
    const first = await requests.acquire();
    first!.answered('pushed-back');
    const stop = new AbortController();
    const waiting = requests.acquire(stop.signal);
    stop.abort();
    expect(await waiting).toBeUndefined();
    first!.release();
    expect(requests.sending).toBe(0);
    expect(await requests.acquire(stop.signal)).toBeUndefined();
  });
});

describe('the slots while the window is narrow', () => {
  it('are granted only while fewer checks run than the window allows, and again when it widens', async () => {
    let admits = 1;
    const slots = new Slots(4, () => admits);
    const a = await slots.acquire();
    let b: (() => void) | undefined;
    void slots.acquire().then((release) => (b = release));
    await settle();
    expect(b).toBeUndefined();
    admits = 2;
    slots.reconsider();
    await settle();
    expect(b).toBeDefined();
    a();
    b!();
    // A check that wants every slot needs only that none is taken, however narrow the window.
    admits = 1;
    const all = await slots.acquireAll();
    all();
  });
});

describe('the pace meter', () => {
  const SECOND = 1_000;

  it('says nothing before the target has pushed back through a whole window, nor once it has stopped', () => {
    const meter = new PaceMeter(10 * SECOND);
    for (let t = 0; t < 30; t++) meter.accepted(t * SECOND);
    expect(meter.rate(30 * SECOND)).toBeUndefined();
    for (let t = 30; t <= 45; t++) {
      meter.pushedBack(t * SECOND);
      meter.accepted(t * SECOND);
      if (t < 40) expect(meter.rate(t * SECOND)).toBeUndefined();
    }
    expect(meter.rate(45 * SECOND)).toBeCloseTo(1, 0);
    // Quiet for a whole window: the episode is over.
    expect(meter.rate(56 * SECOND)).toBeUndefined();
  });

  it('gives the rate over the last window only, and none from too few answers', () => {
    const meter = new PaceMeter(10 * SECOND);
    for (let t = 0; t <= 10; t++) meter.pushedBack(t * SECOND);
    meter.accepted(1 * SECOND);
    meter.accepted(2 * SECOND);
    expect(meter.rate(10 * SECOND)).toBeUndefined();
    for (let i = 0; i < 20; i++) meter.accepted(10 * SECOND);
    expect(meter.rate(10 * SECOND)).toBeCloseTo(2.2, 1);
    // Fifteen seconds on, the early answers are out of the window.
    meter.pushedBack(15 * SECOND);
    expect(meter.rate(15 * SECOND)).toBeCloseTo(2, 1);
  });
});

describe('the projection of what is left', () => {
  const progress = (over: Partial<RunProgress>): RunProgress => ({
    planned: 40,
    ended: 10,
    running: 0,
    judged: 5,
    judgedRequests: 20,
    runningRequests: 0,
    ...over,
  });

  it('waits for a few judged checks', () => {
    expect(projectOverrun(progress({ judged: MIN_JUDGED - 1, judgedRequests: 8 }), 1)).toBeUndefined();
    expect(projectOverrun(progress({ ended: 40 }), 1)).toBeUndefined();
    expect(projectOverrun(progress({}), 0)).toBeUndefined();
  });

  it('is the judged checks’ mean times the checks not over, at the rate met', () => {
    // 30 checks left at 4 requests each, 2 accepted a second: 60 s.
    expect(projectOverrun(progress({}), 2)).toEqual({ checksLeft: 30, requests: 120, ms: 60_000 });
  });

  it('counts a running check as halfway through when the running ones say more than the judged', () => {
    // Mean (20 + 2 * 40) / (5 + 2) = 100 / 7; 30 checks left need 30 * 100 / 7 - 40 (sent already).
    const projected = projectOverrun(progress({ running: 2, runningRequests: 40 }), 1)!;
    expect(projected.requests).toBe(Math.round((30 * 100) / 7 - 40));
    // Running checks that say less than the judged ones lower nothing.
    expect(projectOverrun(progress({ running: 4, runningRequests: 4 }), 1)!.requests).toBe(30 * 4 - 4);
  });
});

describe('the guard and the pace of a target that pushes back', () => {
  const LIMITS = { maxConsecutiveTimeouts: 3, requestsPerCheck: 20_000, slowAnswerMs: 5_000 };

  /** A run of `planned` checks, each of `perCheck` requests, one request ended a second; `pushback`: each one refused once first. */
  function simulate(pushback: boolean, budgetMs: number, planned = 40, perCheck = 3) {
    let now = 1_000_000;
    const guard = new RunGuard({ ...LIMITS, deadline: now + budgetMs }, () => now);
    guard.planChecks(planned);
    for (let check = 0; check < planned && !guard.stopped; check++) {
      guard.checkBegan();
      for (let r = 0; r < perCheck && !guard.stopped; r++) {
        now += 1_000;
        // As a session asks before each request: past the deadline the guard stops the run itself.
        if (now > guard.limits.deadline) expect(() => guard.beforeRequest()).toThrow(/time budget/);
        guard.afterRequest('on-time', 5, { pushedBack: pushback, accepted: true });
      }
      guard.checkEnded(true, perCheck);
    }
    return { guard, elapsed: now - 1_000_000 };
  }

  it('stops early, in one line naming the rate it met and the options to pass', () => {
    const { guard, elapsed } = simulate(true, 60_000);
    expect(elapsed).toBeLessThan(20_000);
    expect(guard.stopped).toMatch(
      /^the target's pace overruns the run's budget: it accepted 1\.0 requests\/s while it pushed back \(429\/503\), at which the \d+ checks left need about \d+ (s|min), with \d+ s left; pass a --max-duration above \d+m, --rate-limit 1\/s, or fewer families with --only$/,
    );
    expect(guard.stopped).not.toContain('\n');
    expect(() => guard.beforeRequest()).toThrow(/pace overruns/);
  });

  it('never stops a target that does not push back, however slow against the budget', () => {
    const { guard } = simulate(false, 60_000);
    expect(guard.stopped).toBe('the run reached its time budget (--max-duration)');
  });

  it('never stops a run that fits in its budget at the pace met (the margin)', () => {
    // 40 checks of 3 requests at 1 a second: 120 s, within a 150 s budget.
    const { guard } = simulate(true, 150_000);
    expect(guard.stopped).toBeUndefined();
  });
});
