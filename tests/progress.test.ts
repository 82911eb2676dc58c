import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressView, RENDER_INTERVAL_MS, progressMode, type ProgressMode, type ProgressStream } from '../cli/progress.js';
import type { Family } from '../engine/families.js';
import type { CheckResult, CheckStatus } from '../reports/model.js';
import type { RunEvent } from '../runner/events.js';

const SECRET = 'a41f9c07e2b55d31';

interface FakeStream {
  readonly stream: ProgressStream;
  readonly chunks: string[];
  readonly text: () => string;
}

function fakeStream(tty?: { columns: number }): FakeStream {
  const chunks: string[] = [];
  const writable = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const stream: ProgressStream = tty ? Object.assign(writable, { isTTY: true, columns: tty.columns }) : writable;
  return { stream, chunks, text: () => chunks.join('') };
}

/**
 * Just enough of a terminal to replay what log-update writes (cursor up/down/column 1, erase line and
 * to end of line, printable text, newlines): what is left on screen is what a user would see.
 */
function screen(output: string): string[] {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  const line = () => (rows[row] ??= []);
  for (const [token, private_, param, command] of output.matchAll(/\x1b\[(\??)(\d*)([A-Za-z])|\n|[^\x1b\n]/gu)) {
    if (token === '\n') {
      row++;
      col = 0;
    } else if (command === undefined) {
      line()[col++] = token;
    } else if (private_ === '?') {
      // synchronized output, cursor visibility: nothing on screen
    } else {
      const n = param === '' ? 1 : Number(param);
      if (command === 'A') row = Math.max(0, row - n);
      else if (command === 'B') row += n;
      else if (command === 'G') col = n - 1;
      else if (command === 'K' && param === '2') rows[row] = [];
      else if (command === 'K') line().length = Math.min(line().length, col);
      else throw new Error(`unexpected escape sequence ${JSON.stringify(token)}`);
    }
  }
  const text = Array.from(rows, (cells) =>
    Array.from(cells ?? [], (cell) => cell ?? ' ')
      .join('')
      .trimEnd(),
  );
  while (text.length > 0 && text.at(-1) === '') text.pop();
  return text;
}

function check(family: Family, slug: string, status: CheckStatus = 'passed', extra: Partial<CheckResult> = {}): RunEvent {
  return { type: 'check-finished', check: { id: `${family}/${slug}`, family, name: slug, status, durationMs: 12, requests: 3, ...extra } };
}

function failure(message: string): Partial<CheckResult> {
  return {
    failure: {
      rule: 'contract/create-echo',
      basisRule: 'contract/create-echo',
      message,
    } as unknown as CheckResult['failure'],
  };
}

function started(families: readonly Family[], target = 'embedded reference', api = 'freshbooks-rest'): RunEvent {
  return { type: 'run-started', api, target, families };
}

/** A run of three families: contract (3 checks, one failed, one warned), pagination (2 passed), deletion never starts. */
const RUN: readonly RunEvent[] = [
  started(['contract', 'pagination', 'deletion']),
  { type: 'family-collected', family: 'contract', checks: 3 },
  check('contract', 'create-echo', 'failed', failure(`the name came back different (token ${SECRET})`)),
  check('contract', 'get-schema'),
  check('contract', 'verbatim', 'warned', failure('trimmed')),
  { type: 'family-collected', family: 'pagination', checks: 2 },
  check('pagination', 'each-once'),
  check('pagination', 'page-size'),
  { type: 'run-finished' },
];

function feed(view: ProgressView, events: readonly RunEvent[]): void {
  for (const event of events) view.listener(event);
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('progressMode', () => {
  const cases: [string, Parameters<typeof progressMode>[0], ProgressMode][] = [
    ['a terminal without CI', { quiet: false, isTTY: true, env: {} }, 'live'],
    ['a terminal with CI=true', { quiet: false, isTTY: true, env: { CI: 'true' } }, 'lines'],
    ['a terminal with CI=1', { quiet: false, isTTY: true, env: { CI: '1' } }, 'lines'],
    ['a terminal with CI=false', { quiet: false, isTTY: true, env: { CI: 'false' } }, 'live'],
    ['a terminal with CI=0', { quiet: false, isTTY: true, env: { CI: '0' } }, 'live'],
    ['a terminal with CI empty', { quiet: false, isTTY: true, env: { CI: '' } }, 'live'],
    ['a dumb terminal', { quiet: false, isTTY: true, env: { TERM: 'dumb' } }, 'lines'],
    ['no terminal', { quiet: false, isTTY: false, env: {} }, 'lines'],
    ['isTTY unknown', { quiet: false, isTTY: undefined, env: {} }, 'lines'],
    ['quiet on a terminal', { quiet: true, isTTY: true, env: {} }, 'quiet'],
    ['quiet in CI', { quiet: true, isTTY: false, env: { CI: 'true' } }, 'quiet'],
  ];
  it.each(cases)('%s', (_name, input, mode) => {
    expect(progressMode(input)).toBe(mode);
  });
});

describe('live mode', () => {
  it('draws through log-update and keeps one line per family when the run finishes', () => {
    const out = fakeStream({ columns: 100 });
    const view = new ProgressView({ mode: 'live', stream: out.stream, secrets: [SECRET] });
    feed(view, RUN);

    // Redrawn in place: cursor movement and line erasing, as log-update writes them.
    expect(out.text()).toMatch(/\x1b\[\d*A/);
    expect(out.text()).toContain('\x1b[2K');

    const lines = screen(out.text());
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('clientele freshbooks-rest — embedded reference');
    expect(lines[1]).toMatch(/^ {2}✗ contract +3\/3 checks +9 requests, 1 failed, 1 warned$/);
    expect(lines[2]).toMatch(/^ {2}✓ pagination +2\/2 checks +6 requests, 0 failed$/);
    expect(lines[3]).toMatch(/^ {2}- deletion +not run$/);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shows families not started yet as waiting, and the running one', () => {
    const out = fakeStream({ columns: 100 });
    const view = new ProgressView({ mode: 'live', stream: out.stream, secrets: [] });
    feed(view, RUN.slice(0, 3));
    vi.advanceTimersByTime(RENDER_INTERVAL_MS);
    const lines = screen(out.text());
    expect(lines[1]).toMatch(/^ {2}✗ contract +1\/3 checks +3 requests, 1 failed$/);
    expect(lines[2]).toMatch(/^ {2}· pagination +waiting$/);
    feed(view, [check('contract', 'get-schema')]);
    view.stop();
  });

  it('marks a running family without failures as running', () => {
    const out = fakeStream({ columns: 100 });
    const view = new ProgressView({ mode: 'live', stream: out.stream, secrets: [] });
    feed(view, [started(['filtering']), { type: 'family-collected', family: 'filtering', checks: 4 }, check('filtering', 'like')]);
    vi.advanceTimersByTime(RENDER_INTERVAL_MS);
    expect(screen(out.text())[1]).toMatch(/^ {2}» filtering +1\/4 checks +3 requests, 0 failed$/);
    view.stop();
  });

  it('throttles redraws: 500 fast checks cause far fewer writes', () => {
    const out = fakeStream({ columns: 100 });
    const view = new ProgressView({ mode: 'live', stream: out.stream, secrets: [] });
    feed(view, [started(['stateful']), { type: 'family-collected', family: 'stateful', checks: 500 }]);
    const before = out.chunks.length;
    for (let i = 0; i < 499; i++) {
      view.listener(check('stateful', `case-${i}`));
      vi.advanceTimersByTime(1); // 500 checks in half a second
    }
    const throttled = out.chunks.length - before;
    expect(throttled).toBeGreaterThan(0);
    expect(throttled).toBeLessThanOrEqual(Math.ceil(500 / RENDER_INTERVAL_MS) + 2);

    // The last check completes the family: drawn at once, without waiting for the timer.
    view.listener(check('stateful', 'case-499'));
    expect(screen(out.text())[1]).toMatch(/500\/500 checks +1500 requests, 0 failed$/);
    feed(view, [{ type: 'run-finished' }]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('draws the newest state once the throttle interval has passed', () => {
    const out = fakeStream({ columns: 100 });
    const view = new ProgressView({ mode: 'live', stream: out.stream, secrets: [] });
    feed(view, [started(['contract']), { type: 'family-collected', family: 'contract', checks: 10 }]);
    vi.advanceTimersByTime(RENDER_INTERVAL_MS); // the family's start was just drawn
    for (let i = 0; i < 5; i++) view.listener(check('contract', `c${i}`));
    expect(screen(out.text())[1]).toMatch(/1\/10 checks/); // the first drew at once, the rest wait
    const writes = out.chunks.length;
    vi.advanceTimersByTime(RENDER_INTERVAL_MS);
    expect(out.chunks.length).toBe(writes + 1);
    expect(screen(out.text())[1]).toMatch(/5\/10 checks/);
    view.stop();
  });

  it('cuts every line to the terminal width', () => {
    const out = fakeStream({ columns: 40 });
    const view = new ProgressView({ mode: 'live', stream: out.stream, secrets: [] });
    feed(view, [
      started(['partial-update', 'contract'], `https://example.test/${'x'.repeat(200)}`),
      { type: 'family-collected', family: 'partial-update', checks: 12 },
    ]);
    feed(
      view,
      Array.from({ length: 12 }, (_, i) => check('partial-update', `p${i}`, 'failed', { requests: 123456 })),
    );
    feed(view, [{ type: 'run-finished' }]);
    const lines = screen(out.text());
    expect(lines).toHaveLength(3); // nothing wrapped onto extra rows
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(40);
    expect(lines[0]).toBe(`${'clientele freshbooks-rest — https://example.test/'.slice(0, 38)}…`);
    expect(lines[1]).toMatch(/^ {2}✗ partial-update +12\/12 checks +.*…$/);
  });

  it('keeps each run its own block', () => {
    const out = fakeStream({ columns: 100 });
    const view = new ProgressView({ mode: 'live', stream: out.stream, secrets: [] });
    feed(view, RUN);
    feed(view, [
      started(['access'], 'embedded reference', 'freshbooks-classic'),
      { type: 'family-collected', family: 'access', checks: 1 },
      check('access', 'restricted'),
    ]);
    feed(view, [{ type: 'run-finished' }]);
    const lines = screen(out.text());
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('clientele freshbooks-rest — embedded reference');
    expect(lines[4]).toBe('clientele freshbooks-classic — embedded reference');
    expect(lines[5]).toMatch(/^ {2}✓ access +1\/1 checks +3 requests, 0 failed$/);
  });

  it('stop() draws the block whole and ignores what comes after', () => {
    const out = fakeStream({ columns: 100 });
    const view = new ProgressView({ mode: 'live', stream: out.stream, secrets: [] });
    feed(view, RUN.slice(0, 4));
    view.listener(check('contract', 'one-more')); // leaves a redraw pending
    view.stop();
    expect(vi.getTimerCount()).toBe(0);
    const lines = screen(out.text());
    expect(lines[1]).toMatch(/^ {2}✗ contract +3\/3 checks/);
    expect(lines[2]).toMatch(/^ {2}- pagination +not run$/);
    const writes = out.chunks.length;
    feed(view, RUN.slice(4));
    view.stop();
    expect(out.chunks.length).toBe(writes);
  });

  it('escapes control characters and redacts secrets in the target label', () => {
    const out = fakeStream({ columns: 200 });
    const view = new ProgressView({ mode: 'live', stream: out.stream, secrets: [SECRET] });
    feed(view, [started(['contract'], `http://h.test/\x1b[31mred\u202e?token=${SECRET}`), ...RUN.slice(1, 5), { type: 'run-finished' }]);
    expect(out.text()).not.toContain('\x1b[31m');
    expect(out.text()).not.toContain('\u202e');
    expect(out.text()).not.toContain(SECRET);
    expect(screen(out.text())[0]).toBe('clientele freshbooks-rest — http://h.test/\\u001b[31mred\\u202e?token=[REDACTED]');
  });
});

describe('lines mode', () => {
  it('writes a header per run and one plain line per check with its mark', () => {
    const out = fakeStream();
    const view = new ProgressView({ mode: 'lines', stream: out.stream, secrets: [] });
    feed(view, [
      started(['contract', 'deletion']),
      { type: 'family-collected', family: 'contract', checks: 6 },
      check('contract', 'passes'),
      check('contract', 'fails', 'failed', failure('expected 404,\n  got 200')),
      check('contract', 'crashes', 'errored', { note: 'TypeError: boom', requests: 1 }),
      check('contract', 'warns', 'warned', failure('an empty string was not cleared')),
      check('contract', 'skips', 'skipped', { note: 'the API has no restore', requests: 0 }),
      check('deletion', 'blocked', 'blocked', { blockedBy: 'contract/fails', requests: 0 }),
      { type: 'run-finished' },
    ]);
    expect(out.text()).not.toContain('\x1b');
    expect(out.text().split('\n')).toEqual([
      'clientele freshbooks-rest — embedded reference: contract, deletion',
      '✓ contract/passes (3 requests, 12 ms)',
      '✗ contract/fails (3 requests, 12 ms) — expected 404, got 200',
      '✗ contract/crashes (1 request, 12 ms) — TypeError: boom',
      '! contract/warns (3 requests, 12 ms) — an empty string was not cleared',
      '- contract/skips (0 requests, 12 ms) — the API has no restore',
      '⊘ deletion/blocked (0 requests, 12 ms) — blocked by contract/fails',
      '',
    ]);
  });

  it('shows a target message escape sequence escaped, and cuts a long message', () => {
    const out = fakeStream();
    const view = new ProgressView({ mode: 'lines', stream: out.stream, secrets: [] });
    feed(view, [check('filtering', 'hostile', 'failed', failure(`name was \x1b[2J\x1b]0;owned\x07 ${'y'.repeat(500)}`))]);
    const line = out.text().trimEnd();
    expect(line).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(line).toContain('name was \\u001b[2J\\u001b]0;owned\\u0007 yyy');
    const message = line.split(' — ')[1]!;
    expect([...message].length).toBeLessThanOrEqual(200);
    expect(message.endsWith('…')).toBe(true);
  });
});

describe('quiet mode', () => {
  it('writes nothing', () => {
    const out = fakeStream({ columns: 100 });
    const view = new ProgressView({ mode: 'quiet', stream: out.stream, secrets: [SECRET] });
    feed(view, RUN);
    view.stop();
    expect(out.chunks).toEqual([]);
  });
});

describe('in every mode', () => {
  const modes: ProgressMode[] = ['live', 'lines', 'quiet'];

  it.each(modes)('%s: a secret never appears, whole, split by a line break, or in part', (mode) => {
    const out = fakeStream(mode === 'live' ? { columns: 300 } : undefined);
    const view = new ProgressView({ mode, stream: out.stream, secrets: [SECRET] });
    feed(view, [
      started(['contract'], `http://u:${SECRET}@h.test`),
      { type: 'family-collected', family: 'contract', checks: 3 },
      check('contract', 'echo', 'failed', failure(`the answer held Bearer ${SECRET} and ${SECRET.slice(0, 9)}`)),
      check('contract', 'split', 'errored', { note: `${SECRET.slice(0, 8)}\n${SECRET.slice(8)}` }),
      check('contract', 'b64', 'warned', failure(`saw ${Buffer.from(`${SECRET}:X`).toString('base64')}`)),
      { type: 'run-finished' },
    ]);
    const text = out.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET.slice(0, 9));
    expect(text.replace(/\s+/g, '')).not.toContain(SECRET);
    if (mode === 'lines') expect(text.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(4);
  });

  it.each(modes)('%s: a stream that throws never reaches the run', (mode) => {
    const stream = Object.assign(
      new Writable({
        write() {
          throw new Error('EPIPE');
        },
      }),
      { isTTY: true, columns: 80 },
    );
    stream.write = () => {
      throw new Error('EPIPE');
    };
    const view = new ProgressView({ mode, stream, secrets: [] });
    expect(() => feed(view, RUN.slice(0, 4))).not.toThrow();
    expect(() => vi.advanceTimersByTime(RENDER_INTERVAL_MS * 2)).not.toThrow();
    expect(() => feed(view, RUN.slice(4))).not.toThrow();
    expect(() => view.stop()).not.toThrow();
  });
});
