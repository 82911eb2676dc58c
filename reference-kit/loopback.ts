/** Every embedded target listens the same way: 127.0.0.1, an ephemeral port, a close that drops keep-alive sockets. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningTarget } from './types.js';

/** Starts `server` on loopback (an ephemeral port unless `port` is given: `clientele serve --port`); the URL is the origin followed by `path`. */
export function listenOnLoopback(server: Server, path = '', port = 0): Promise<RunningTarget> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}${path}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * Serves `handle` on loopback. A handler that throws is answered by `answerCrash`, in the API's own
 * error format; once its headers are out nothing coherent can follow, so the connection is dropped.
 */
export function serveOnLoopback(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  answerCrash: (res: ServerResponse) => void,
  path = '',
  port = 0,
): Promise<RunningTarget> {
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else answerCrash(res);
    });
  });
  return listenOnLoopback(server, path, port);
}
