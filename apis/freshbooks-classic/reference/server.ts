/**
 * Embedded reference target for the FreshBooks Classic XML API (`POST /api/2.1/xml-in`, the `client.*`
 * methods), with switchable faults for mutation testing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendText } from '../../../reference-kit/http.js';
import { serveOnLoopback } from '../../../reference-kit/loopback.js';
import type { RunningTarget } from '../../../reference-kit/types.js';
import { render, type Outcome } from './envelopes.js';
import type { ClassicFaults } from './faults.js';
import { classicDispatcher } from './methods.js';
import { FailCode } from './requests.js';
import { ClientStore, type Caller } from './store.js';

export interface ClassicTargetOptions {
  /** Admin API token: the Basic-auth user name. */
  readonly token: string;
  /** Token of a staff user who sees only the clients assigned to them. */
  readonly staffToken?: string;
  readonly faults?: ClassicFaults;
  /** `clientele serve --port`; default an ephemeral port. */
  readonly port?: number;
}

const API_PATH = '/api/2.1/xml-in';

/** 200 for every envelope; under the fail-envelope-4xx fault a failure takes a 4xx (404 for a client not found). */
function httpStatusOf(outcome: Outcome, faults: ClassicFaults): number {
  if (outcome.status === 'ok' || !faults.failEnvelope4xx) return 200;
  return outcome.code === FailCode.notFound ? 404 : 400;
}
const PLAIN_TEXT = 'text/plain; charset=utf-8';

export function startFreshbooksClassicTarget(options: ClassicTargetOptions): Promise<RunningTarget> {
  const faults: ClassicFaults = options.faults ?? {};
  const { token, staffToken } = options;
  if (token === '' || staffToken === '') return Promise.reject(new Error('tokens must not be empty'));
  const dispatch = classicDispatcher(new ClientStore(), faults);

  function authenticate(header: string | undefined): Caller | undefined {
    if (header === undefined) return faults.noAuth ? 'admin' : undefined;
    const match = /^Basic +([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
    if (!match) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const user = decoded.slice(0, colon); // the password (conventionally X) is ignored
    if (user === token) return 'admin';
    if (staffToken !== undefined && user === staffToken) return 'staff';
    return faults.anyUserAccepted ? 'admin' : undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (pathname !== API_PATH) {
      req.resume(); // drain so the connection stays usable
      return sendText(res, 404, PLAIN_TEXT, 'Not Found');
    }
    if (req.method !== 'POST') {
      req.resume();
      return sendText(res, 405, PLAIN_TEXT, 'Method Not Allowed', { Allow: 'POST' });
    }
    const caller = authenticate(req.headers.authorization);
    if (caller === undefined) {
      req.resume();
      return sendText(res, 401, PLAIN_TEXT, 'Authentication failed', { 'WWW-Authenticate': 'Basic realm="FreshBooks"' });
    }
    const body = await readBody(req, res);
    if (body === undefined) return sendText(res, 413, PLAIN_TEXT, 'Request body too large');
    const served = dispatch(body, caller);
    if (served.status === 'plain') return sendText(res, served.httpStatus, PLAIN_TEXT, served.text);
    const contentType = faults.htmlContentType ? 'text/html; charset=utf-8' : 'application/xml; charset=utf-8';
    sendText(res, httpStatusOf(served, faults), contentType, render(served, faults));
  }

  return serveOnLoopback(handle, (res) => sendText(res, 500, PLAIN_TEXT, 'Internal server error'), API_PATH, options.port);
}
