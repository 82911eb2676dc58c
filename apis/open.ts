/** Puts one API together for a run: its spec view, a transport, the engine-owned session, and the adapter on it. */
import type { ClientApi } from '../port/port.js';
import type { RunConfig } from '../engine/config.js';
import type { RunContext } from '../engine/run-context.js';
import { Session } from '../engine/session.js';
import { openTransport } from '../protocols/index.js';
import { findApi } from './registry.js';

export async function openClientApi(context: RunContext, config: RunConfig): Promise<ClientApi> {
  return (await openClientSession(context, config)).api;
}

/** The adapter and the session under it, for a caller that reads the exchanges too (the preflight); bounded by the context's guard. */
export async function openClientSession(context: RunContext, config: RunConfig): Promise<{ api: ClientApi; session: Session }> {
  const descriptor = findApi(config.api);
  const spec = await descriptor.specView();
  const session = new Session(
    await openTransport(descriptor.transport, config, descriptor.retryCodes, context),
    spec,
    config.credentials,
    context,
  );
  return { api: await descriptor.adapter(session, config), session };
}
