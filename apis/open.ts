/** Puts one API together for a run: its spec view, a transport, the engine-owned session, and the adapter on it. */
import type { ClientApi } from '../adapters/port.js';
import type { RunConfig } from '../engine/config.js';
import { DEFAULT_GUARD, guardOf } from '../engine/guard.js';
import { Session } from '../engine/session.js';
import { closeRunTransports, openTransport } from '../protocols/index.js';
import { findApi } from './registry.js';

export async function openClientApi(config: RunConfig): Promise<ClientApi> {
  return (await openClientSession(config)).api;
}

/** The adapter and the session under it, for a caller that reads the exchanges too (the preflight); `guardKey`: the guard it counts against. */
export async function openClientSession(config: RunConfig, guardKey = config.runTag): Promise<{ api: ClientApi; session: Session }> {
  const descriptor = findApi(config.api);
  const spec = await descriptor.specView();
  const guard = guardOf(guardKey, { ...DEFAULT_GUARD, deadline: config.deadline, slowAnswerMs: config.timeoutMs / 2 });
  const session = new Session(openTransport(descriptor.transport, config, descriptor.retryCodes), spec, config.credentials, guard);
  return { api: await descriptor.adapter(session, config), session };
}

/** Ends what a run's sessions share beyond one family (a stdio server process): after its last family, or once it stopped. */
export function closeRun(config: RunConfig): Promise<void> {
  return closeRunTransports(config.runTag);
}
