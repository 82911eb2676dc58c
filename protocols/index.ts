/** The transports the engine can send through, by the name an API descriptor gives. */
import type { RunConfig } from '../engine/config.js';
import type { Transport } from '../engine/transport.js';
import { HttpTransport } from './http/transport.js';
import { McpTransport } from './mcp/transport.js';
import { closeShared, sharedTransport } from './shared.js';

export type TransportKind = 'http' | 'mcp';

/** JSON-RPC codes that mean "come back later" across MCP servers we know (FreshBooks MCP: -32004 rate limit, -32002 token expired). */
const MCP_RETRY_CODES = [-32004, -32002];

export function openTransport(kind: TransportKind, config: Pick<RunConfig, 'target' | 'runTag' | 'timeoutMs' | 'maxBodyBytes' | 'ratePerSecond'>): Transport {
  switch (kind) {
    case 'http':
      return new HttpTransport({ timeoutMs: config.timeoutMs, maxBodyBytes: config.maxBodyBytes, connections: 4, ratePerSecond: config.ratePerSecond });
    case 'mcp': {
      const make = () => new McpTransport(config.target, { timeoutMs: config.timeoutMs, maxBodyBytes: config.maxBodyBytes, retryCodes: MCP_RETRY_CODES });
      // One server process per run over stdio, whichever family is running (see shared.ts).
      return config.target.kind === 'command' ? sharedTransport(`${config.runTag}\u0000${config.target.command}`, make) : make();
    }
  }
}

/** Closes the transports a run shares (its stdio servers): the run's last family is done, or it stopped. */
export function closeRunTransports(runTag: string): Promise<void> {
  return closeShared(`${runTag}\u0000`);
}
