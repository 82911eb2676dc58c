/** The transports the engine can send through, by the name an API descriptor gives. */
import type { RunConfig } from '../engine/config.js';
import type { Transport } from '../engine/transport.js';
import { HttpTransport } from './http/transport.js';
import { McpTransport } from './mcp/transport.js';

export type TransportKind = 'http' | 'mcp';

/** JSON-RPC codes that mean "come back later" across MCP servers we know (FreshBooks MCP: -32004 rate limit, -32002 token expired). */
const MCP_RETRY_CODES = [-32004, -32002];

export function openTransport(kind: TransportKind, config: Pick<RunConfig, 'target' | 'timeoutMs' | 'maxBodyBytes' | 'ratePerSecond'>): Transport {
  switch (kind) {
    case 'http':
      return new HttpTransport({ timeoutMs: config.timeoutMs, maxBodyBytes: config.maxBodyBytes, connections: 4, ratePerSecond: config.ratePerSecond });
    case 'mcp':
      return new McpTransport(config.target, { timeoutMs: config.timeoutMs, maxBodyBytes: config.maxBodyBytes, retryCodes: MCP_RETRY_CODES });
  }
}
