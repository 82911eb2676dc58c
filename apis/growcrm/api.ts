/** Grow CRM: clients as JSON over HTTP, form-encoded requests, a hard delete and tag/status/owner actions (seed 003). */
import { randomBytes } from 'node:crypto';
import { credentialsFrom, type ApiDescriptor, type CredentialOption } from '../descriptor.js';
import { SPEC } from './spec.js';

const CREDENTIALS: readonly CredentialOption[] = [
  { key: 'token', flag: 'token', env: 'CLIENTELE_TOKEN', secret: true, required: true, help: 'bearer token (or env CLIENTELE_TOKEN)' },
];

export const growcrm: ApiDescriptor = {
  id: 'growcrm',
  aliases: ['grow-crm'],
  title: 'Grow CRM clients (JSON over HTTP; hard delete, actions, sorting)',
  spec: SPEC,
  transport: 'http',
  targetHelp: 'the API base URL, ending in /api (https://crm.example.com/api)',
  credentials: CREDENTIALS,
  // "All API keys are administrator-level ... there are no user-scoped keys": no restricted user.
  // The docs: required custom fields configured for clients must also be supplied, by their field name.
  customFieldsExample: { client_custom_field_1: 'Retail' },
  families: ['contract', 'pagination', 'ordering', 'filtering', 'partial-update', 'actions', 'deletion', 'stateful'],
  async specView() {
    const { openApiSpecView } = await import('../../port/openapi-spec-view.js');
    return openApiSpecView(SPEC);
  },
  async adapter(session, config) {
    const { GrowcrmApi } = await import('./adapter.js');
    return new GrowcrmApi(session, config);
  },
  async embedded() {
    const target = await import('./reference/index.js');
    const credentialValues = () => ({ token: randomBytes(16).toString('hex') });
    return {
      mutants: target.MUTANTS,
      credentialValues,
      async start(mutantId, port, given) {
        const values = { ...credentialValues(), ...given };
        const running = await target.startTarget(values, mutantId, port);
        return {
          address: { kind: 'url', url: running.url },
          credentials: credentialsFrom(CREDENTIALS, values),
          // The reference is configured with one required client custom field.
          customFields: { [target.GROWCRM_CUSTOM_FIELD]: 'clientele' },
          close: () => running.close(),
        };
      },
    };
  },
};
