/** Bounded waits every transport shares: nothing a target does may hold a run past its deadline or an interrupt. */
import type { SendOptions } from '../engine/transport.js';

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
export function windowSignal(options: SendOptions): AbortSignal | undefined {
  const deadline = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  if (deadline && options.signal) return AbortSignal.any([deadline, options.signal]);
  return deadline ?? options.signal;
}
