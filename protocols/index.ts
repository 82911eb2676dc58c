/** The transports the engine can send through, by the name an API descriptor gives. */
import { targetLabel, type RunConfig } from '../engine/config.js';
import type { Transport } from '../engine/transport.js';
import { requestsInFlight } from '../engine/pacing.js';
import { HttpTransport } from './http/transport.js';
import type { RunContext } from '../engine/run-context.js';

export type TransportKind = 'http' | 'mcp';

/**
 * `retryCodes`: the JSON-RPC codes the API's docs say mean "come back later". `run`: the run the
 * transport serves. A run's checks share its transports: one connection pool per origin, sized for the
 * checks that send at once, and one rate limit (`--rate-limit` counts every request of the run); over
 * stdio one server process, which the run's end closes (each check would otherwise start and stop the
 * server anew, and lose the state a real server keeps). The MCP transport loads when a run first asks
 * for it: the MCP SDK and zod are the largest modules a run's worker would otherwise load for nothing.
 */
export async function openTransport(
  kind: TransportKind,
  config: Pick<RunConfig, 'target' | 'timeoutMs' | 'maxBodyBytes' | 'ratePerSecond'> & Partial<Pick<RunConfig, 'concurrency'>>,
  retryCodes: readonly number[] = [],
  run?: RunContext,
): Promise<Transport> {
  // Loaded before `make`, which a run's sharedTransport calls synchronously.
  const Mcp = kind === 'mcp' ? (await import('./mcp/transport.js')).McpTransport : undefined;
  const make = (): Transport =>
    Mcp
      ? new Mcp(config.target, { timeoutMs: config.timeoutMs, maxBodyBytes: config.maxBodyBytes, retryCodes })
      : new HttpTransport({
          timeoutMs: config.timeoutMs,
          maxBodyBytes: config.maxBodyBytes,
          connections: requestsInFlight(config.concurrency ?? 1),
          ratePerSecond: config.ratePerSecond,
        });
  // HTTP pools per origin inside one transport; an MCP connection is to one address.
  return run ? run.sharedTransport(kind === 'http' ? 'http' : `mcp ${targetLabel(config.target)}`, make) : make();
}
