/** FreshBooks Classic: clients as XML over HTTP POST to one endpoint (seed 000). */
import { randomBytes } from 'node:crypto';
import { credentialsFrom, type ApiDescriptor, type CredentialOption } from '../descriptor.js';
import { SPEC } from './spec.js';

const CREDENTIALS: readonly CredentialOption[] = [
  {
    key: 'token',
    flag: 'token',
    env: 'CLIENTELE_TOKEN',
    secret: true,
    required: true,
    help: 'API token, sent as the Basic user name with password X (or env CLIENTELE_TOKEN)',
  },
  {
    key: 'staffToken',
    flag: 'staff-token',
    env: 'CLIENTELE_STAFF_TOKEN',
    secret: true,
    required: false,
    help: "a staff member's token (or env CLIENTELE_STAFF_TOKEN): adds the access checks",
  },
];

export const freshbooksClassic: ApiDescriptor = {
  id: 'freshbooks-classic',
  aliases: [],
  title: 'FreshBooks Classic (XML over HTTP)',
  spec: SPEC,
  transport: 'http',
  targetHelp: 'the xml-in endpoint (https://HOST.freshbooks.com/api/2.1/xml-in)',
  credentials: CREDENTIALS,
  families: ['contract', 'pagination', 'filtering', 'partial-update', 'deletion', 'stateful', 'access'],
  async specView() {
    const { xmlSpecView } = await import('../../port/xml-spec-view.js');
    return xmlSpecView(SPEC.path);
  },
  async adapter(session, config) {
    const { FreshbooksClassicApi } = await import('./adapter.js');
    return FreshbooksClassicApi.open(session, config);
  },
  async embedded() {
    const target = await import('./reference/index.js');
    const fresh = () => randomBytes(16).toString('hex');
    // Classic has no account id in its URLs: the endpoint names the account.
    const credentialValues = () => ({ token: fresh(), staffToken: fresh(), accountId: '' });
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
