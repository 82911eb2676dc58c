/**
 * The second reference of each API: a correct server written from the documents alone by someone who
 * had not read clientele's own reference or specs (`tests/fixtures/independent/<api>/`, with the choices
 * its author made where the documents are silent in CHOICES.md). The suite must pass it too.
 */
import { randomBytes } from 'node:crypto';
import { findApi } from '../../apis/registry.js';
import { parseCli } from '../../cli/args.js';
import { externalConfig } from '../../cli/run-config.js';
import type { RunReport } from '../../reports/model.js';
import type { SuiteRunner } from '../../runner/run.js';

interface Started {
  readonly url: string;
  close(): Promise<void>;
}

export interface IndependentTarget {
  /** The command-line options that point a run at it, credentials included. */
  readonly args: readonly string[];
  close(): Promise<void>;
}

const secret = () => randomBytes(12).toString('hex');

/** Starts the independent server of an API, as a user would point clientele at it. */
export async function startIndependent(api: string): Promise<IndependentTarget> {
  switch (api) {
    case 'freshbooks-rest': {
      const { start } = await import('../fixtures/independent/freshbooks-rest/server.js');
      const token = secret();
      const server: Started = await start({ token, accountId: 'ABC123' });
      return { args: ['--target', server.url, '--token', token, '--account-id', 'ABC123'], close: () => server.close() };
    }
    case 'freshbooks-classic': {
      const { start } = await import('../fixtures/independent/freshbooks-classic/server.js');
      const [token, staffToken] = [secret(), secret()];
      const server: Started = await start({ token, staffToken });
      return { args: ['--target', server.url, '--token', token, '--staff-token', staffToken], close: () => server.close() };
    }
    case 'freshbooks-mcp': {
      const { start } = await import('../fixtures/independent/freshbooks-mcp/server.js');
      const [server, bare]: Started[] = await Promise.all([start({}), start({ authenticated: false })]);
      return {
        args: ['--target', server!.url, '--account-id', 'ABC123', '--unauthenticated-target', bare!.url],
        close: async () => {
          await Promise.all([server!.close(), bare!.close()]);
        },
      };
    }
    case 'growcrm': {
      const { start } = await import('../fixtures/independent/growcrm/server.js');
      const token = secret();
      const server: Started = await start({ token, requiredCustomFields: ['client_custom_field_1'] });
      return {
        args: ['--target', server.url, '--token', token, '--custom-field', 'client_custom_field_1=independent'],
        close: () => server.close(),
      };
    }
    default:
      throw new Error(`no independent server for ${api}`);
  }
}

/** Runs against a server given by URL, one per list of command-line options as a user would give them, in one batch. */
export async function runExternalBatch(runner: SuiteRunner, api: string, runs: readonly (readonly string[])[]): Promise<RunReport[]> {
  const promises = (await findApi(api).specView()).basis.promises();
  return runner.runBatch(
    runs.map((args) => {
      const options = parseCli(['run', '--api', api, ...args], {});
      if (!options.target) throw new Error('runExternalBatch needs --target');
      return {
        config: externalConfig(options, findApi(api), { kind: 'url', url: options.target }),
        meta: { targetLabel: `independent ${api}`, promises },
      };
    }),
  );
}
