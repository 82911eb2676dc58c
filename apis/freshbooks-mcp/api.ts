/** FreshBooks MCP: the client tools of a FreshBooks MCP server, JSON-RPC over MCP, stdio or Streamable HTTP (seed 002). */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentialsFrom, type ApiDescriptor, type CredentialOption } from '../descriptor.js';
import { PROJECT_ROOT, compiledIsFresh } from '../../engine/root.js';
import { SPEC } from './spec.js';

const CREDENTIALS: readonly CredentialOption[] = [
  {
    key: 'token',
    flag: 'token',
    env: 'CLIENTELE_TOKEN',
    secret: true,
    required: false,
    help: 'Streamable HTTP only: sent as a Bearer token when given (or env CLIENTELE_TOKEN)',
  },
  { key: 'accountId', flag: 'account-id', secret: false, required: true, help: 'the accountId argument of every tool' },
];

export const freshbooksMcp: ApiDescriptor = {
  id: 'freshbooks-mcp',
  aliases: ['mcp'],
  title: 'FreshBooks MCP server (JSON-RPC over MCP: stdio or Streamable HTTP)',
  spec: SPEC,
  transport: 'mcp',
  // "-32002 | Token expired | Yes | Token auto-refreshes, retry request"; "-32004 | Rate limit exceeded | Yes | Wait and retry after delay".
  retryCodes: [-32004, -32002],
  targetHelp: 'the Streamable HTTP endpoint (http://HOST:PORT/mcp), or --command "CMD" for stdio',
  credentials: CREDENTIALS,
  // No restricted user is documented for the client tools.
  families: ['contract', 'pagination', 'filtering', 'partial-update', 'deletion', 'stateful'],
  async specView() {
    const { mcpSpecView } = await import('../../port/mcp-spec-view.js');
    return mcpSpecView(SPEC);
  },
  async adapter(session, config) {
    const { FreshbooksMcpApi } = await import('./adapter.js');
    return new FreshbooksMcpApi(session, config);
  },
  async embedded() {
    const target = await import('./reference/index.js');
    const credentialValues = () => ({ token: randomBytes(16).toString('hex'), accountId: 'ABC123' });
    return {
      mutants: target.MUTANTS,
      credentialValues,
      async start(mutantId, port, given) {
        const values = { ...credentialValues(), ...given };
        const running = await target.startTarget(values, mutantId, { port });
        // The -32001 check needs a server without FreshBooks credentials beside it.
        const bare = await target.startTarget(values, mutantId, { authenticated: false });
        return {
          address: { kind: 'url', url: running.endpoint },
          unauthenticated: { kind: 'url', url: bare.endpoint },
          credentials: credentialsFrom(CREDENTIALS, values),
          close: async () => void (await Promise.all([running.close(), bare.close()])),
        };
      },
      serveStdio: (mutantId) => target.serveOverStdio(mutantId),
      stdioCommand: (mutantId, unauthenticated) =>
        [
          // Compiled (or from the sources with a fresh build beside them), plain node; else through tsx.
          compiledIsFresh()
            ? `node ${JSON.stringify(join(PROJECT_ROOT, 'dist', 'apis', 'freshbooks-mcp', 'reference', 'stdio.js'))}`
            : `node --import ${JSON.stringify(import.meta.resolve('tsx'))} ${JSON.stringify(fileURLToPath(new URL('./reference/stdio.ts', import.meta.url)))}`,
          mutantId ? `--mutant ${mutantId}` : '',
          unauthenticated ? '--unauthenticated' : '',
        ]
          .filter(Boolean)
          .join(' '),
    };
  },
};
