/**
 * V8 compiles hot code and marks the heap on helper threads of the process. With the target on this
 * machine, a helper busy on one core left the target, woken by every request, only the core of the
 * checks' thread, which it then took over: a run's socket writes took three times a bare client's.
 * At idle priority (Linux SCHED_IDLE) the helpers give way to anything else at once, and the kernel
 * counts a core they occupy as free when it places the target: 5-13% off a run against a server on
 * this machine (`bench/like-for-like.ts`). They still run whenever a core is free; a machine that
 * other processes keep busy gives them little, and the run then goes on with less optimised code.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { isLoopback, type EmbeddedServe, type TargetAddress } from '../engine/config.js';

let yielded = false;

/**
 * Whether a run against `target` shares this machine's cores with a server process: a loopback URL, or
 * a command over stdio. An embedded reference answers in the checks' own thread: nothing to wake.
 */
export function sharesCores(target: TargetAddress | EmbeddedServe): boolean {
  return target.kind === 'command' || (target.kind === 'url' && isLoopback(target.url));
}

/**
 * Every thread of the process but the calling one (the main thread, whose threads to come, the
 * suites' worker among them, take its priority) at idle priority; once per process, from the main
 * thread only (a test file's worker leaves its neighbours alone). Best effort: without /proc, `chrt`
 * or a shell it does nothing, and it never fails a run.
 */
export function yieldHelperThreads(): void {
  if (yielded || !isMainThread || process.platform !== 'linux') return;
  yielded = true;
  let helpers: string[];
  try {
    // `/proc/thread-self` names the calling thread: `<pid>/task/<tid>`.
    const self = readlinkSync('/proc/thread-self').split('/').pop();
    helpers = readdirSync('/proc/self/task').filter((tid) => tid !== self);
  } catch {
    return;
  }
  if (helpers.length === 0) return;
  const child = execFile(
    'sh',
    ['-c', 'for tid; do chrt --idle --pid 0 "$tid"; done', 'sh', ...helpers],
    { timeout: 5_000 },
    () => undefined,
  );
  child.on('error', () => undefined);
  child.unref();
}
