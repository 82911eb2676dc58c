/** FreshBooks REST: clients as JSON over HTTP (seed 001). */
import { randomBytes } from 'node:crypto';
import { credentialsFrom, type ApiDescriptor, type CredentialOption } from '../descriptor.js';
import { SPEC } from './spec.js';

const CREDENTIALS: readonly CredentialOption[] = [
  { key: 'token', flag: 'token', env: 'CLIENTELE_TOKEN', secret: true, required: true, help: 'bearer token (or env CLIENTELE_TOKEN)' },
  { key: 'accountId', flag: 'account-id', secret: false, required: true, help: 'account id in /accounting/account/<ID>/...' },
];

export const freshbooksRest: ApiDescriptor = {
  id: 'freshbooks-rest',
  aliases: ['freshbooks'],
  title: 'FreshBooks REST (JSON over HTTP)',
  spec: SPEC,
  transport: 'http',
  targetHelp: 'the base URL in front of /accounting/... (https://api.freshbooks.com)',
  credentials: CREDENTIALS,
  // The REST docs describe no restricted user for the clients endpoints.
  families: ['contract', 'pagination', 'filtering', 'partial-update', 'deletion', 'stateful'],
  async specView() {
    const { openApiSpecView } = await import('../../port/openapi-spec-view.js');
    return openApiSpecView(SPEC);
  },
  async adapter(session, config) {
    const { FreshbooksRestApi } = await import('./adapter.js');
    return new FreshbooksRestApi(session, config);
  },
  async embedded() {
    const target = await import('./reference/index.js');
    const credentialValues = () => ({ token: randomBytes(16).toString('hex'), accountId: 'ABC123' });
    return {
      mutants: target.MUTANTS,
      credentialValues,
      async start(mutantId, port, given) {
        const values = { ...credentialValues(), ...given };
        const running = await target.startTarget(values, mutantId, port);
        return {
          address: { kind: 'url', url: running.url },
          credentials: credentialsFrom(CREDENTIALS, values),
          close: () => running.close(),
        };
      },
    };
  },
};
