import { connect } from 'node:net';
import { TargetUnreachableError } from '../engine/failures.js';

/** A TCP connect to the target's host and port: tells "nothing listens" (exit 3) apart from failures. */
export function checkReachable(target: string, timeoutMs: number): Promise<void> {
  const url = new URL(target);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (why: string) => {
      socket.destroy();
      reject(new TargetUnreachableError(`target ${url.origin} is unreachable: ${why}`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no connection within ${timeoutMs} ms`));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message)),
    );
  });
}
