/**
 * Contract: every operation answers with a documented status, content type, envelope and schema; the
 * documented errors (unknown id, missing or wrong token, invalid body) come as documented.
 * The exchange checks (engine/checks) run on every answer of every suite; these checks make sure each
 * operation and each documented error is exercised at least once.
 */
import fc from 'fast-check';
import type { AuthMode, ClientApi } from '../port/port.js';
import { driftTable } from '../generators/schema-drift.js';
import { openClientApi } from '../apis/open.js';
import type { Expectation } from '../engine/checks/types.js';
import { expectThat, forAll } from '../engine/property.js';
import { actionFields, fieldsDiffer } from '../model/fields.js';
import { check, family, prerequisiteCheck, type CheckRun } from './harness.js';
import { SCOPE } from './prerequisites.js';
import { accessFacet } from './facets.js';
import {
  actionProbeValue,
  boundaryFields,
  clientFields,
  expectNamed,
  plainClient,
  refusalFor,
  required,
  someFields,
  updateFields,
} from './support.js';

/** A client to read: one this run creates, or under --read-only the first one the target lists. */
async function someClientId(run: CheckRun): Promise<string> {
  if (!run.config.readOnly) return (await run.api.create(someFields(run.api, 'contract'), run.scope())).id;
  const page = await run.api.list({ filters: [], page: 1, perPage: 1 });
  const first = page.items[0];
  if (!first) return run.skip('the target lists no client to read (--read-only)');
  return first.id;
}

/**
 * Every operation refuses the request: the reads always; with `scope` (the run may write) the writes
 * too, on `id`, a client of the check's own (a refused write changes nothing, so none is left behind).
 */
async function expectRefused(api: ClientApi, auth: AuthMode, id: string, expect: Expectation, scope?: string): Promise<void> {
  await api.probe({ op: 'list' }, auth, expect);
  await api.probe({ op: 'get', id }, auth, expect);
  if (scope === undefined) return;
  await api.probe({ op: 'create', fields: someFields(api, 'refused'), scope }, auth, expect).catch(async (error: unknown) => {
    // A target that took the create anyway made a client: found by its scope, cleanup deletes it.
    const page = await api.list({ scope, filters: [], page: 1, perPage: 10 }).catch(() => undefined);
    if (page?.items.length) api.adopt(page.items.map((item) => item.id));
    throw error;
  });
  await api.probe({ op: 'update', id, fields: updateFields(api, 'refused') }, auth, expect);
  const fields = api.act ? actionFields(api.capabilities.fields) : [];
  // A reference takes the client's own value: a valid one, so only the credential is wrong.
  const current = fields.some((field) => actionProbeValue(field) === undefined) ? (await api.get(id)).fields : {};
  for (const field of fields) {
    const value = actionProbeValue(field) ?? current[field.name];
    if (value !== undefined && value !== null) await api.probe({ op: 'act', id, field: field.name, value }, auth, expect);
  }
  await api.probe({ op: 'delete', id }, auth, expect);
}

/** A scope for the writes a refusal check sends, where the run may write. */
function writable(run: CheckRun): string | undefined {
  return run.config.readOnly ? undefined : run.scope();
}

function perRequestAuth(run: CheckRun): void {
  if (run.api.capabilities.auth !== 'per-request')
    run.skip('the server holds the credential (session auth): a request cannot go without one');
}

export default family('contract', (env) => {
  prerequisiteCheck(env, SCOPE, { writes: true });

  check(
    env,
    'list answers as documented',
    { claim: 'list answers with the documented status, envelope and schema', writes: false },
    async (run) => {
      // A client of its own first, so the items' schema is judged whatever else the target holds (none
      // under --read-only: then what the target lists).
      if (!run.config.readOnly) await run.api.create(someFields(run.api, 'contract'), run.scope());
      const page = await run.api.list({ filters: [], page: 1, perPage: 5 });
      expectThat(run, page.items.length <= 5, 'contract/list-size', 'a page holds more items than per_page', {
        expected: '<= 5',
        actual: page.items.length,
      });
    },
  );

  check(
    env,
    'empty list page count',
    { claim: 'an empty list has the documented page count', writes: false, needs: [SCOPE] },
    async (run) => {
      const empty = run.api.capabilities.paging.emptyListPages;
      const page = await run.api.list({ scope: run.scope(), filters: [], page: 1, perPage: 5 });
      expectThat(run, page.total === 0 && page.items.length === 0, 'contract/empty-list', 'a scope with no client lists something', {
        expected: 0,
        actual: page.total,
      });
      if (!empty) return;
      expectThat(run, page.pages === empty.value, 'contract/empty-list-pages', `an empty list must have pages: ${empty.value}`, {
        expected: empty.value,
        actual: page.pages,
      });
    },
  );

  check(
    env,
    'get answers as documented',
    { claim: 'get answers with the documented status, envelope and schema', writes: false },
    async (run) => {
      const id = await someClientId(run);
      const client = await run.api.get(id);
      expectThat(run, client.id === id, 'contract/get-id', 'get returned another client', { expected: id, actual: client.id });
    },
  );

  check(env, 'create stores every field sent', { claim: 'create stores and returns every field sent', writes: true }, (run) => {
    const specs = run.api.capabilities.fields;
    // Edge values (empty, spaces, punctuation, Unicode) in every field that allows them, before the random ones.
    const boundaries = boundaryFields(run.api, { nulls: false }).map(({ name, value }) => ({
      name: `create with ${name}`,
      value: { ...plainClient(run.api), ...value },
    }));
    return forAll(
      run,
      clientFields(run.api),
      async (fields, run) => {
        const created = await run.api.create(fields, run.scope());
        const wrongOnCreate = fieldsDiffer(fields, created.fields, specs);
        expectThat(
          run,
          wrongOnCreate.length === 0,
          'contract/create-echo',
          `create answered other values for ${wrongOnCreate.join(', ')}`,
          {
            expected: fields,
            actual: created.fields,
          },
        );
        const read = await run.api.get(created.id);
        const wrongOnRead = fieldsDiffer(fields, read.fields, specs);
        expectThat(
          run,
          wrongOnRead.length === 0,
          'contract/create-stored',
          `get after create shows other values for ${wrongOnRead.join(', ')}`,
          { expected: fields, actual: read.fields },
        );
        // Last, as it rests on an assumption: the text comes back byte for byte (spaces kept, Unicode form unchanged).
        const reshaped = fieldsDiffer(fields, read.fields, specs, 'verbatim');
        expectThat(
          run,
          reshaped.length === 0,
          'contract/create-verbatim',
          `get after create shows ${reshaped.join(', ')} trimmed or renormalised`,
          {
            expected: Object.fromEntries(reshaped.map((f) => [f, fields[f]])),
            actual: Object.fromEntries(reshaped.map((f) => [f, read.fields[f]])),
          },
        );
      },
      boundaries,
    );
  });

  check(env, 'create defaults', { claim: 'keys a create leaves out take their documented defaults', writes: true }, async (run) => {
    const defaults = run.api.capabilities.createDefaults;
    if (defaults.length === 0) return run.skip('the docs name no default taken from other fields');
    await forAll(run, clientFields(run.api), async (all, run) => {
      for (const { key, from, omit } of defaults) {
        const fields = omit ? Object.fromEntries(Object.entries(all).filter(([field]) => field !== omit)) : all;
        const read = await run.api.get((await run.api.create(fields, run.scope())).id);
        const wanted = from.map((field) => fields[field]).join(' ');
        expectThat(
          run,
          read.snapshot[key] === wanted,
          'contract/create-default',
          `${key} left out on create is ${JSON.stringify(read.snapshot[key])}, not ${from.join(' + " " + ')}`,
          {
            expected: wanted,
            actual: read.snapshot[key],
          },
        );
      }
    });
  });

  check(
    env,
    'create without a required field refused',
    { claim: 'a create without a field the docs require is refused, naming it', writes: true },
    async (run) => {
      const fields = required(run.api, 'create');
      const refusal = run.api.expectations.invalid;
      if (fields.length === 0 || !refusal) return run.skip('the docs require no field on create, or name no refusal for one left out');
      const full = someFields(run.api, 'required');
      for (const field of fields) {
        const without = Object.fromEntries(Object.entries(full).filter(([name]) => name !== field));
        const expectation = refusalFor(refusal, 'errors/required-field', `a create without ${field} is refused`);
        const answer = await run.api.probe({ op: 'create', fields: without, scope: run.scope() }, 'valid', expectation);
        expectNamed(run.api, answer, [field], expectation);
      }
    },
  );

  check(
    env,
    'create with a taken unique value refused',
    { claim: 'a create with a value another client holds in a unique field is refused, naming it', writes: true },
    async (run) => {
      const unique = run.api.capabilities.fields.filter((field) => field.unique && field.kind === 'text').map((field) => field.name);
      const refusal = run.api.expectations.invalid;
      if (unique.length === 0 || !refusal) return run.skip('the docs name no unique field, or no refusal for a taken value');
      await forAll(run, clientFields(run.api), async (generated, run) => {
        const scope = run.scope();
        // Prefixed with the scope's number, so no other case of the run (nor a value drawn twice) holds it yet.
        const tag = `u${scope.replace(/\D/g, '')}`;
        const fields = { ...generated, ...Object.fromEntries(unique.map((field) => [field, `${tag}${generated[field]}`])) };
        await run.api.probe({ op: 'create', fields, scope }, 'valid', run.api.expectations.created);
        for (const field of unique) {
          const twin = { ...someFields(run.api, 'twin'), [field]: fields[field]! };
          const expectation = refusalFor(refusal, 'errors/unique', `a second client with the same ${field} is refused`);
          const answer = await run.api.probe({ op: 'create', fields: twin, scope }, 'valid', expectation);
          expectNamed(run.api, answer, [field], expectation);
        }
      });
    },
  );

  check(
    env,
    'missing custom fields refused',
    { claim: 'a create or update without the required custom fields is refused, naming them', writes: true },
    async (run) => {
      const names = Object.keys(run.config.customFields ?? {});
      const refusal = run.api.expectations.invalid;
      if (!refusal) return run.skip('the docs name no refusal for a missing custom field');
      if (names.length === 0) return run.skip('the run names no required custom field (--custom-field NAME=VALUE)');
      const why = (op: string) => refusalFor(refusal, 'errors/custom-field', `a ${op} without the required custom fields is refused`);
      const created = await run.api.probe(
        { op: 'create', fields: someFields(run.api, 'custom'), scope: run.scope(), withoutCustomFields: true },
        'valid',
        why('create'),
      );
      expectNamed(run.api, created, names, why('create'));
      const { id } = await run.api.create(someFields(run.api, 'custom'), run.scope());
      const updated = await run.api.probe(
        { op: 'update', id, fields: updateFields(run.api, 'changed'), withoutCustomFields: true },
        'valid',
        why('update'),
      );
      expectNamed(run.api, updated, names, why('update'));
    },
  );

  check(
    env,
    'update, delete, restore answer as documented',
    { claim: 'update, delete and restore answer with the documented envelopes', writes: true },
    async (run) => {
      const { id } = await run.api.create(someFields(run.api, 'contract'), run.scope());
      await run.api.update(id, updateFields(run.api, 'updated'));
      await run.api.delete(id);
      if (run.api.restore) await run.api.restore(id);
    },
  );

  check(env, 'unknown id on get', { claim: 'an unknown id is answered with the documented error (get)', writes: false }, async (run) => {
    await run.api.probe({ op: 'get', id: run.api.unknownId() }, 'valid', run.api.expectations.unknownId);
  });

  check(
    env,
    'unknown id on update',
    { claim: 'an unknown id is answered with the documented error (update)', writes: true },
    async (run) => {
      await run.api.probe(
        { op: 'update', id: run.api.unknownId(), fields: updateFields(run.api, 'nobody') },
        'valid',
        run.api.expectations.unknownId,
      );
    },
  );

  check(
    env,
    'unknown id on delete',
    { claim: 'an unknown id is answered with the documented error (delete)', writes: true },
    async (run) => {
      await run.api.probe({ op: 'delete', id: run.api.unknownId() }, 'valid', run.api.expectations.unknownId);
    },
  );

  check(
    env,
    'other documented errors',
    { claim: 'every other documented error condition is answered with its documented error', writes: true },
    async (run) => {
      const cases = run.api.documentedErrors?.() ?? [];
      if (cases.length === 0) run.skip('the documents name no error condition beyond the unknown id, auth and a wrongly typed body');
      const { id } = await run.api.create(someFields(run.api, 'contract'), run.scope());
      for (const kase of cases) await kase.send(id);
    },
  );

  check(
    env,
    'handshake',
    { claim: 'the handshake offers a supported protocol version and the capabilities the API needs', writes: false },
    async (run) => {
      const self = run.api.selfDescription;
      if (!self) run.skip('the protocol has no handshake');
      await self!.handshake();
    },
  );

  check(
    env,
    'operations described as documented',
    { claim: 'the server describes every documented operation as documented, parameter by parameter', writes: false },
    async (run) => {
      const self = run.api.selfDescription;
      if (!self) run.skip('the protocol has no self-description');
      const rows = await self!.drift();
      const missing = rows.filter((row) => row.kind === 'operation missing');
      expectThat(
        run,
        missing.length === 0,
        'self-description/operations',
        `the server does not offer ${missing.map((row) => row.operation).join(', ')}`,
        { expected: 'every documented operation', actual: driftTable(missing) },
      );
      // Only a contradiction of the documented parameters is drift; a limit the docs state that the advertised
      // schema leaves out (a server may enforce it in code) is judged last, under its own rule.
      const contradicting = rows.filter((row) => row.contradicts);
      expectThat(
        run,
        contradicting.length === 0,
        'self-description/schema-drift',
        `the advertised parameters contradict the documented ones in ${contradicting.length} place(s)`,
        { expected: 'the documented parameters', actual: driftTable(contradicting) },
      );
      const omitted = rows.filter((row) => !row.contradicts);
      expectThat(
        run,
        omitted.length === 0,
        'self-description/schema-limits',
        `the advertised parameters leave out ${omitted.length} thing(s) the documents state (a server may enforce them in code)`,
        { expected: 'the limits, defaults, values and requirements the documents state', actual: driftTable(omitted) },
      );
    },
  );

  check(env, 'unknown operation refused', { claim: 'an unknown operation is refused', writes: false }, async (run) => {
    const self = run.api.selfDescription;
    if (!self) run.skip('the protocol names operations by URL and method: an unknown one is a 404 of the HTTP layer');
    await self!.unknownOperation();
  });

  check(env, 'no credentials, no calls', { claim: 'a server without credentials refuses every call', writes: false }, async (run) => {
    if (run.api.capabilities.auth !== 'session') run.skip('each request carries its credential: the token checks below cover it');
    const other = run.config.unauthenticatedTarget;
    if (!other) run.skip('needs a second target started without credentials (--unauthenticated-command or --unauthenticated-target)');
    run.judged(accessFacet('no credential'));
    const api = await openClientApi(run.context, { ...run.config, target: other! });
    try {
      await expectRefused(api, 'valid', api.unknownId(), api.expectations.unauthorized);
    } finally {
      await api.close();
    }
  });

  check(env, 'missing token refused', { claim: 'every operation refuses a request without a token', writes: false }, async (run) => {
    perRequestAuth(run);
    run.judged(accessFacet('no credential'));
    await expectRefused(run.api, 'missing', await someClientId(run), run.api.expectations.unauthorized, writable(run));
  });

  check(env, 'wrong token refused', { claim: 'every operation refuses a request with a wrong token', writes: false }, async (run) => {
    perRequestAuth(run);
    run.judged(accessFacet('wrong credential'));
    await expectRefused(run.api, 'wrong', await someClientId(run), run.api.expectations.unauthorized, writable(run));
  });

  check(env, 'wrongly typed body refused', { claim: 'a body with a wrongly typed field is rejected', writes: true }, (run) =>
    forAll(run, run.api.invalidCreateBodies(), async (invalid, run) => {
      const expect = run.api.expectations.invalidBody;
      await run.api.probe({ op: 'create-raw', body: invalid.body }, 'valid', {
        ...expect,
        why: `${expect.why} (${invalid.field} = ${fc.stringify(invalid.value)})`,
      });
    }),
  );
});
