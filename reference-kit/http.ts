/** Reading requests and writing answers the same way in every embedded target. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Far above any real API call, yet a hostile client cannot make a target buffer more. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Answers `text` with Content-Type, an exact Content-Length, then `extraHeaders`, in that order. */
export function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  extraHeaders: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), ...extraHeaders });
  res.end(text);
}

/**
 * The request body as UTF-8, or undefined as soon as it passes `limitBytes`: the caller then answers
 * 413. Reading stops there rather than draining the rest, so an endless body costs nothing; the
 * connection closes after the answer because its unread bytes could not be parsed as a next request.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, limitBytes = DEFAULT_BODY_LIMIT_BYTES): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limitBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.pause();
      res.shouldKeepAlive = false;
      resolve(undefined);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
