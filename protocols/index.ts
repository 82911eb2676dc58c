/** The transports the engine can send through, by the name an API descriptor gives. */
import type { RunConfig } from '../engine/config.js';
import type { Transport } from '../engine/transport.js';
import { HttpTransport } from './http/transport.js';

export type TransportKind = 'http';

export function openTransport(kind: TransportKind, config: Pick<RunConfig, 'timeoutMs' | 'maxBodyBytes' | 'ratePerSecond'>): Transport {
  switch (kind) {
    case 'http':
      return new HttpTransport({ timeoutMs: config.timeoutMs, maxBodyBytes: config.maxBodyBytes, connections: 4, ratePerSecond: config.ratePerSecond });
  }
}
