/**
 * One transport per key, shared by every session that asks for it, and kept until the run ends. A run
 * opens one session per family, one after another (and in a batch of runs, each run's families far
 * apart): over stdio each would otherwise start (and stop) the server process anew, seven times a run,
 * and lose the server's state between families, which a real server keeps. The harness closes them all
 * when the run's last family ends (`closeRunTransports`), or when the run stopped early; a process that
 * exits with one still open kills its server's process group (`process-group.ts`).
 */
import type { CredentialResolver, SendOptions, Transport, TransportOutcome } from '../engine/transport.js';
import type { WireRequest, ReproductionStep } from '../engine/exchange.js';

const entries = new Map<string, Transport>();

/** Closes now every shared transport whose key starts with `prefix` (a run's tag): the run is over. */
export async function closeShared(prefix: string): Promise<void> {
  const done = [...entries].filter(([key]) => key.startsWith(prefix));
  for (const [key] of done) entries.delete(key);
  await Promise.all(done.map(([, transport]) => transport.close().catch(() => undefined)));
}

/** A handle on the transport shared under `key` (made by `make` for its first user). */
export function sharedTransport(key: string, make: () => Transport): Transport {
  let shared = entries.get(key);
  if (!shared) {
    shared = make();
    entries.set(key, shared);
  }
  const held = shared;
  return {
    send: (request: WireRequest, credentials: CredentialResolver, options?: SendOptions): Promise<TransportOutcome> =>
      held.send(request, credentials, options),
    reproduce: (request: WireRequest, credentials: CredentialResolver): ReproductionStep => held.reproduce(request, credentials),
    serverLog: () => held.serverLog?.() ?? '',
    // The run's end closes the transport itself (`closeShared`); a session only lets go of it.
    close: async () => undefined,
  };
}
