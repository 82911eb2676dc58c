/** Puts one API together for a run: its spec view, a transport, the engine-owned session, and the adapter on it. */
import type { ClientApi } from '../adapters/port.js';
import type { RunConfig } from '../engine/config.js';
import { DEFAULT_GUARD, guardOf } from '../engine/guard.js';
import { Session } from '../engine/session.js';
import { closeRunTransports, openTransport } from '../protocols/index.js';
import { findApi } from './registry.js';

export async function openClientApi(config: RunConfig): Promise<ClientApi> {
  const descriptor = findApi(config.api);
  const spec = await descriptor.specView();
  const guard = guardOf(config.runTag, { ...DEFAULT_GUARD, deadline: config.deadline, slowAnswerMs: config.timeoutMs / 2 });
  const session = new Session(openTransport(descriptor.transport, config, descriptor.retryCodes), spec, config.credentials, guard);
  return descriptor.adapter(session, config);
}

/** Ends what a run's sessions share beyond one family (a stdio server process): after its last family, or once it stopped. */
export function closeRun(config: RunConfig): Promise<void> {
  return closeRunTransports(config.runTag);
}
