/**
 * `runner/helper-threads.ts`: against a server on this machine, every thread of the process but the
 * main one goes to idle priority (SCHED_IDLE), once; the main thread, and the threads it starts after,
 * keep theirs. Run in a process of its own: a test file's worker is no main thread, and leaves its
 * neighbours alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharesCores } from '../runner/helper-threads.js';
import { PROJECT_ROOT } from '../engine/root.js';

const SCHED_IDLE = 5;
const canYield = process.platform === 'linux' && ['/usr/bin/chrt', '/bin/chrt'].some((path) => existsSync(path));

/** A node process that yields its helpers, then starts a worker, and prints each thread's scheduling policy. */
const PROBE = `
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { yieldHelperThreads } from './runner/helper-threads.ts';
const policies = () => Object.fromEntries(readdirSync('/proc/self/task').map((tid) => {
  const stat = readFileSync('/proc/self/task/' + tid + '/stat', 'utf8');
  return [tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38])];
}));
const before = Object.keys(policies());
yieldHelperThreads();
yieldHelperThreads();
await new Promise((resolve) => setTimeout(resolve, 1000));
const worker = new Worker('setTimeout(() => {}, 1000)', { eval: true });
await new Promise((resolve) => setTimeout(resolve, 200));
console.log(JSON.stringify({ main: String(process.pid), before, after: policies() }));
await worker.terminate();
`;

describe('helper threads', () => {
  it('yield only for a server on this machine: a loopback URL or a command, not an embedded reference or a remote one', () => {
    expect(sharesCores({ kind: 'url', url: 'http://127.0.0.1:8080/api' })).toBe(true);
    expect(sharesCores({ kind: 'url', url: 'http://localhost/api' })).toBe(true);
    expect(sharesCores({ kind: 'command', command: 'node server.js' })).toBe(true);
    expect(sharesCores({ kind: 'url', url: 'https://api.example.com' })).toBe(false);
    expect(sharesCores({ kind: 'embedded' })).toBe(false);
  });

  it.runIf(canYield)('go to idle priority, all but the main thread and the threads it starts after', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    const { main, before, after } = JSON.parse(out.trim().split('\n').pop()!) as {
      main: string;
      before: string[];
      after: Record<string, number>;
    };
    const helpers = before.filter((tid) => tid !== main);
    expect(helpers.length).toBeGreaterThan(0);
    for (const tid of helpers) expect(after[tid], `thread ${tid}`).toBe(SCHED_IDLE);
    expect(after[main]).toBe(0);
    // The worker started afterwards is the main thread's: it keeps the main thread's priority.
    const later = Object.keys(after).filter((tid) => !before.includes(tid));
    expect(later.length).toBeGreaterThan(0);
    for (const tid of later) expect(after[tid], `thread ${tid}`).toBe(0);
  });
});
