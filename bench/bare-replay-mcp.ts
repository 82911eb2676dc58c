/**
 * The bare side of the like-for-like figure for an MCP API: the request log of a run, sent again in
 * order, one at a time, by a bare MCP SDK Client (`client.request`, no tools/list, so no output
 * validation) on one connection, in a process of its own. Run as
 * `node bare-replay-mcp.js <requests.jsonl> <target URL>` (Streamable HTTP) or
 * `node bare-replay-mcp.js <requests.jsonl> --command <shell command>` (stdio: the SDK starts the
 * server, as clientele's run did), with the run's credentials as JSON in `CLIENTELE_BARE_CREDENTIALS`;
 * prints `{"ms": <time>}`. The clock runs from the connect (the run's log holds its initialize; over
 * stdio the server's start) to the last answer; a JSON-RPC error is an answer like any other.
 */
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError, ResultSchema, type ClientRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Credential } from '../engine/config.js';
import type { LoggedRequest } from '../engine/run-context.js';
import { resolverOf } from '../engine/transport.js';
import { authorization } from '../protocols/http/transport.js';
import { paramsOf } from '../protocols/mcp/wire.js';

/** Every call, the connect and the close wait at most this long. */
const CALL_TIMEOUT_MS = 10_000;

const [log, target, command] = process.argv.slice(2);
const credentials = resolverOf(JSON.parse(process.env.CLIENTELE_BARE_CREDENTIALS ?? '[]') as Credential[]);
const logged = readFileSync(log!, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as LoggedRequest);
// One connection, as the run's: its authorization is the first request's that has one.
const auth = logged.find((entry) => entry.request.auth)?.request.auth;
const requests = logged
  .filter((entry) => entry.request.method !== 'initialize')
  .map(({ request }) => ({ method: request.method, params: paramsOf(request) }) as ClientRequest);
const transport =
  target === '--command'
    ? new StdioClientTransport({ command: '/bin/sh', args: ['-c', command!], env: process.env as Record<string, string>, stderr: 'ignore' })
    : new StreamableHTTPClientTransport(new URL(target!), {
        requestInit: auth ? { headers: { authorization: authorization(auth, credentials) } } : {},
      });
const client = new Client({ name: 'clientele-bare-replay', version: '0.1.0' }, { capabilities: {} });
const started = performance.now();
await client.connect(transport, { timeout: CALL_TIMEOUT_MS });
for (const request of requests) {
  try {
    await client.request(request, ResultSchema, { timeout: CALL_TIMEOUT_MS });
  } catch (error) {
    // A JSON-RPC error answered (an unknown tool, a refused argument): the run sent it to see one.
    // Anything else (no connection, an HTTP refusal) leaves no figure to give.
    if (!(error instanceof McpError)) throw error;
  }
}
const ms = performance.now() - started;
await Promise.race([
  (transport instanceof StreamableHTTPClientTransport ? transport.terminateSession() : Promise.resolve()).finally(() => client.close()),
  new Promise((resolve) => setTimeout(resolve, CALL_TIMEOUT_MS).unref()),
]);
process.stdout.write(`${JSON.stringify({ ms })}\n`);
