/** Puts one API together for a run: its spec view, a transport, the engine-owned session, and the adapter on it. */
import type { ClientApi } from '../port/port.js';
import type { RunConfig, RunRequest } from '../engine/config.js';
import type { RunContext } from '../engine/run-context.js';
import { Session } from '../engine/session.js';
import { openTransport } from '../protocols/index.js';
import { findApi } from './registry.js';

export async function openClientApi(context: RunContext, config: RunConfig): Promise<ClientApi> {
  return (await openClientSession(context, config)).api;
}

/** The adapter and the session under it, for a caller that reads the exchanges too (the preflight); bounded by the context's guard. */
export async function openClientSession(
  context: RunContext,
  config: RunConfig,
  sibling?: Session,
): Promise<{ api: ClientApi; session: Session }> {
  const descriptor = findApi(config.api);
  const spec = await descriptor.specView();
  const session = new Session(
    await openTransport(descriptor.transport, config, descriptor.retryCodes, context),
    spec,
    config.credentials,
    context,
    undefined,
    sibling,
  );
  return { api: await descriptor.adapter(session, config), session };
}

/** A run's config with its target where it listens, and what stops the target the run started (nothing, for another's). */
export interface ServedRun {
  readonly config: RunConfig;
  close(): Promise<void>;
}

/**
 * Where a run's checks reach its target: the address it names, or, for an embedded target, the API's
 * reference (or mutant) started here, with the run's credentials, on the thread that runs the checks.
 * Its custom fields go under the run's own (the command line's win), as the CLI's do for a target it
 * starts.
 */
export async function serveRun(request: RunRequest): Promise<ServedRun> {
  const { target } = request;
  if (target.kind !== 'embedded') return { config: { ...request, target }, close: async () => undefined };
  const embedded = await findApi(request.api).embedded();
  const values = Object.fromEntries(request.credentials.map((credential) => [credential.key, credential.value]));
  const started = await embedded.start(target.mutant, undefined, values);
  const customFields = { ...started.customFields, ...request.customFields };
  return {
    config: {
      ...request,
      target: started.address,
      ...(started.unauthenticated ? { unauthenticatedTarget: started.unauthenticated } : {}),
      ...(Object.keys(customFields).length > 0 ? { customFields } : {}),
    },
    close: () => started.close(),
  };
}
