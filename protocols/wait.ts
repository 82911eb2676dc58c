/** Bounded waits every transport shares: nothing a target does may hold a run past its deadline or an interrupt. */
import type { WindowPermit } from '../engine/pacing.js';
import type { SendOptions, TransportOutcome } from '../engine/transport.js';

export type Bounded<T> = { readonly value: T } | { readonly timeout: true } | { readonly aborted: true };

/** Waits for `promise`, at most `ms`, or until `signal` aborts. */
export function within<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<Bounded<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish({ timeout: true }), ms);
    const onAbort = () => finish({ aborted: true });
    function finish(result: Bounded<T>) {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    }
    if (signal?.aborted) return finish({ aborted: true });
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => finish({ value }),
      (error: unknown) => finish({ value: { error } as T }),
    );
  });
}

/** Waits `ms`, or less when `signal` aborts first. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await within(new Promise(() => undefined), ms, signal);
}

/** What bounds a send's wait for a place in the run's window: the interrupt, and a send's shorter deadline (cleanup time). */
function windowSignal(options: SendOptions): AbortSignal | undefined {
  const deadline = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  if (deadline && options.signal) return AbortSignal.any([deadline, options.signal]);
  return deadline ?? options.signal;
}

/**
 * A send holding a place in the run's window of requests in flight (`options.window`, when the run has
 * one) from its first attempt to its last answer, released however it ends. A send stopped while it
 * waited for a place goes nowhere.
 */
export async function inWindow(
  options: SendOptions,
  send: (permit: WindowPermit | undefined) => Promise<TransportOutcome>,
): Promise<TransportOutcome> {
  if (!options.window) return send(undefined);
  // The signal that bounds a wait is made only for a send that has to wait.
  const permit = options.window.tryAcquire() ?? (await options.window.acquire(windowSignal(options)));
  if (!permit) return { transportError: { kind: 'timeout', message: 'the send was stopped before it went' }, elapsedMs: 0 };
  try {
    return await send(permit);
  } finally {
    permit.release();
  }
}
