/** The transports the engine can send through, by the name an API descriptor gives. */
import type { RunConfig } from '../engine/config.js';
import type { Transport } from '../engine/transport.js';
import { HttpTransport } from './http/transport.js';
import { McpTransport } from './mcp/transport.js';
import type { RunContext } from '../engine/run-context.js';

export type TransportKind = 'http' | 'mcp';

/**
 * `retryCodes`: the JSON-RPC codes the API's docs say mean "come back later". `run`: the run the
 * transport serves; over stdio its families share one server process, which the run's end closes
 * (each would otherwise start and stop the server anew, and lose the state a real server keeps).
 */
export function openTransport(
  kind: TransportKind,
  config: Pick<RunConfig, 'target' | 'timeoutMs' | 'maxBodyBytes' | 'ratePerSecond'>,
  retryCodes: readonly number[] = [],
  run?: RunContext,
): Transport {
  switch (kind) {
    case 'http':
      return new HttpTransport({
        timeoutMs: config.timeoutMs,
        maxBodyBytes: config.maxBodyBytes,
        connections: 4,
        ratePerSecond: config.ratePerSecond,
      });
    case 'mcp': {
      const make = () => new McpTransport(config.target, { timeoutMs: config.timeoutMs, maxBodyBytes: config.maxBodyBytes, retryCodes });
      return config.target.kind === 'command' && run ? run.sharedTransport(config.target.command, make) : make();
    }
  }
}
