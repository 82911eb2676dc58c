/** The transports the engine can send through, by the name an API descriptor gives. */
import type { RunConfig } from '../engine/config.js';
import type { Transport } from '../engine/transport.js';
import { HttpTransport } from './http/transport.js';
import { McpTransport } from './mcp/transport.js';
import { closeShared, sharedTransport } from './shared.js';

export type TransportKind = 'http' | 'mcp';

/** `retryCodes`: the JSON-RPC codes the API's docs say mean "come back later". */
export function openTransport(
  kind: TransportKind,
  config: Pick<RunConfig, 'target' | 'runTag' | 'timeoutMs' | 'maxBodyBytes' | 'ratePerSecond'>,
  retryCodes: readonly number[] = [],
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
      // One server process per run over stdio, whichever family is running (see shared.ts).
      return config.target.kind === 'command' ? sharedTransport(`${config.runTag}\u0000${config.target.command}`, make) : make();
    }
  }
}

/** Closes the transports a run shares (its stdio servers): the run's last family is done, or it stopped. */
export function closeRunTransports(runTag: string): Promise<void> {
  return closeShared(`${runTag}\u0000`);
}
