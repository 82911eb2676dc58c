/**
 * One transport per key, shared by every session that asks for it, and closed a moment after the last
 * one lets go. A run opens one session per family, one after another: over stdio each would otherwise
 * start (and stop) the server process anew, seven times a run, and lose the server's state between
 * families, which a real server keeps. The harness closes them all when the run's last family ends
 * (`closeRunTransports`), or when the run stopped early; the linger covers a session closed mid-run.
 */
import type { CredentialResolver, SendOptions, Transport, TransportOutcome } from '../engine/transport.js';
import type { WireRequest, ReproductionStep } from '../engine/exchange.js';

/** Long enough for the next family to take the transport over, short enough not to outlive the run by much. */
const LINGER_MS = 1_000;

interface Entry {
  readonly transport: Transport;
  users: number;
  timer?: NodeJS.Timeout;
}

const entries = new Map<string, Entry>();

/** Closes now every shared transport whose key starts with `prefix` (a run's tag): the run is over. */
export async function closeShared(prefix: string): Promise<void> {
  const done = [...entries].filter(([key]) => key.startsWith(prefix));
  for (const [key, entry] of done) {
    clearTimeout(entry.timer);
    entries.delete(key);
  }
  await Promise.all(done.map(([, entry]) => entry.transport.close().catch(() => undefined)));
}

/** A handle on the transport shared under `key` (made by `make` for its first user). */
export function sharedTransport(key: string, make: () => Transport): Transport {
  let entry = entries.get(key);
  if (!entry) {
    entry = { transport: make(), users: 0 };
    entries.set(key, entry);
  }
  clearTimeout(entry.timer);
  entry.users += 1;
  const held = entry;
  let released = false;
  return {
    send: (request: WireRequest, credentials: CredentialResolver, options?: SendOptions): Promise<TransportOutcome> =>
      held.transport.send(request, credentials, options),
    reproduce: (request: WireRequest, credentials: CredentialResolver): ReproductionStep => held.transport.reproduce(request, credentials),
    serverLog: () => held.transport.serverLog?.() ?? '',
    async close() {
      if (released) return;
      released = true;
      held.users -= 1;
      if (held.users > 0) return;
      held.timer = setTimeout(() => {
        if (held.users > 0 || entries.get(key) !== held) return;
        entries.delete(key);
        void held.transport.close();
      }, LINGER_MS);
      held.timer.unref();
    },
  };
}
