/**
 * The proof each mutant catalogue gives, at the price of a targeted run. `apis/<id>/kill-matrix.json`
 * records, from a full run (every mutant x every check, `clientele mutants --record`), which checks each
 * mutant makes fail or warn and on which rule. Here each mutant runs only against those checks (every
 * check, for one that breaks every response) and must be killed by exactly those, on the same rules, with
 * no check erroring: a check that stops failing, fails on another rule, or crashes shows. Mutants that
 * break only an open rule run the same way: exit 0 with warnings, exit 1 with --strict. Boundary-only mutants
 * survive their killer checks without the boundary phase. `npm run test:full` redoes the full matrix and
 * holds the record to it (tests/full/kill-matrix.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { APIS, findApi } from '../../apis/registry.js';
import { killText, readRecord } from '../../cli/kill-record.js';
import { killsOf } from '../../cli/mutants.js';
import type { RunReport } from '../../reports/model.js';
import { unexercised } from '../../reports/coverage.js';
import { runEmbedded, runEmbeddedBatch, sharedRunner } from './in-process.js';

const reported = (report: RunReport) => report.checks.filter((c) => c.status === 'failed' || c.status === 'warned').map((c) => c.id);
const errored = (report: RunReport) => report.checks.filter((c) => c.status === 'errored').map((c) => `${c.id}: ${c.note ?? ''}`);

/** Rules no single realistic fault of an embedded reference can break, and why. */
const NO_MUTANT_REACHES: Readonly<Record<string, string>> = {
  'contract/list-size':
    'the contract check lists the account (per_page 5) right after the scope prerequisite created its one client, so an ' +
    'embedded reference holds one client then; pagination/page-size judges the same promise on lists longer than a page',
  'pagination/each-once':
    'pages of the right sizes that repeat no client yet are not the list must hold a client from outside it, and which ' +
    'one depends on the other clients in the account: a mutant breaks it on this rule in a full run and on ' +
    'pagination/no-repeats in a targeted one (later-pages-drop-filters did), so no kill record can hold it',
};

/**
 * Documented answers no check brings about from the embedded reference yet, and why: each run's
 * coverage names them. One more here is coverage lost; one fewer, coverage gained.
 */
const UNREACHED: Readonly<Record<string, readonly string[]>> = {
  // No check sends a tag set the docs would refuse, nor an owner action on an unknown client.
  growcrm: ['setClientTags 422', 'setClientOwner 404'],
  // No check sends an update whose values are refused.
  'freshbooks-rest': ['updateClient 422'],
  'freshbooks-classic': [],
  // A wrongly typed create may be refused -32602 or -32013 (errors/invalid-body): the reference answers -32602.
  'freshbooks-mcp': ['client_create error -32013'],
};

/** Semantic facets the record's seed draws no case for (another seed may): each run's coverage names them. */
const UNJUDGED: Readonly<Record<string, readonly string[]>> = {
  // Its cases filter on a category no client has, which proves the filter sound only.
  growcrm: ['filter category (equals) complete'],
};

/** The tests of one API's catalogue, in a file of their own (`conformance.mutants.<api>.test.ts`): the two workers share the load. */
export function mutantCatalogue(apiId: string): void {
  const api = findApi(apiId);
  const runner = sharedRunner();
  describe(`the ${api.id} mutant catalogue`, () => {
    const record = readRecord(api.id);
    const args = record ? ['--seed', String(record.seed), '--runs', String(record.runs)] : [];
    /** MCP under `npm test`: every mutant's kill proved over stdio, the protocol-level ones over HTTP too. */
    const mcpCheap = api.transport === 'mcp' && !process.env.CLIENTELE_FULL;
    /** The options of a targeted run: over stdio where the API has it under `npm test` (stdio carries the same checks at a third of the CPU). */
    const cheapest = mcpCheap ? ['--stdio', ...args] : args;
    const recordedKills = (id: string) => record!.mutants.find((m) => m.id === id)!.kills;
    /** A mutant's run against the checks its record names (every check, for one that breaks every answer). */
    const targeted = (mutant: { readonly id: string; readonly global?: boolean }, runArgs: readonly string[]) => ({
      args: runArgs,
      mutantId: mutant.id,
      ...(mutant.global ? {} : { checks: recordedKills(mutant.id).map((kill) => kill.check) }),
    });
    /** How a run's kills differ from the record's (`where`: the transport, when it is not the usual one); empty when they do not. */
    const unlikeRecord = (mutantId: string, report: RunReport, where = ''): string[] => {
      const kills = killsOf(report).map(killText).sort();
      const expected = recordedKills(mutantId).map(killText).sort();
      return JSON.stringify(kills) === JSON.stringify(expected)
        ? []
        : [`${mutantId}${where}: killed by ${kills.join('; ') || 'nothing'}; recorded ${expected.join('; ')}`];
    };

    it('has at least 12 mutants with one-line descriptions (the HTTP APIs: 6 of them reached only by the boundary phase)', async () => {
      const { mutants } = await api.embedded();
      expect(mutants.length).toBeGreaterThanOrEqual(12);
      for (const mutant of mutants) expect(mutant.description).toMatch(/^[^\n]{10,160}$/);
      if (api.transport === 'http') expect(mutants.filter((m) => m.boundaryOnly).length).toBeGreaterThanOrEqual(6);
    });

    it('has a kill record of every mutant, each killed as its kind says, every family killing one', async () => {
      expect(record, `apis/${api.id}/kill-matrix.json (clientele mutants --api ${api.id} --record)`).toBeDefined();
      const { mutants } = await api.embedded();
      expect(record!.mutants.map((m) => m.id).sort()).toEqual(mutants.map((m) => m.id).sort());
      const wrong = mutants.flatMap((mutant) => {
        const kills = recordedKills(mutant.id);
        const fails = kills.some((kill) => kill.severity === 'failure');
        if (kills.length === 0) return [`${mutant.id} survives`];
        if (mutant.open && fails) return [`${mutant.id} breaks an open rule, yet fails`];
        if (!mutant.open && !fails) return [`${mutant.id} breaks a binding rule, yet only warns`];
        return [];
      });
      expect(wrong.join('\n')).toBe('');
      for (const family of api.families)
        expect(
          record!.mutants.some((m) => m.kills.some((kill) => kill.check.startsWith(`${family}/`))),
          `${family} kills a mutant`,
        ).toBe(true);
    });

    it(
      'passes on the reference; every check that ran is failed by a mutant that breaks not every response, every rule it judged by some mutant',
      { timeout: 300_000 },
      async () => {
        const report = await runEmbedded(runner(), api.id, args);
        expect(report.summary.total).toMatchObject({ failed: 0, warned: 0, errored: 0 });
        // Its coverage: every documented operation, every answer but those it names, every facet judged.
        const missed = unexercised(report.coverage!);
        expect(missed.operations).toEqual([]);
        expect(missed.statuses.sort()).toEqual([...UNREACHED[api.id]!].sort());
        const unjudged = report.coverage!.facets.filter((facet) => !facet.judged).map((f) => [f.kind, f.subject, f.aspect].join(' '));
        expect(unjudged).toEqual(UNJUDGED[api.id] ?? []);
        const embedded = await api.embedded();
        const global = new Set(embedded.mutants.filter((m) => m.global).map((m) => m.id));
        const killed = new Set(record!.mutants.filter((m) => !global.has(m.id)).flatMap((m) => m.kills.map((kill) => kill.check)));
        const unproven = report.checks
          .filter((c) => c.status === 'passed' && !killed.has(c.id) && !embedded.evidenceAllowList?.[c.id])
          .map((c) => c.id);
        expect(unproven).toEqual([]);
        // Every rule of a family a check of this run holds the target to is the rule some mutant (of any
        // API: the suites are shared) fails or warns on: an assertion deleted from a suite shows.
        const killedRules = new Set(
          APIS.flatMap((other) => readRecord(other.id)?.mutants.flatMap((m) => m.kills.map((k) => k.rule)) ?? []),
        );
        const unkilled = [...new Set(report.checks.flatMap((c) => c.rules ?? []))].filter(
          (rule) => rule.includes('/') && !killedRules.has(rule) && !(rule in NO_MUTANT_REACHES),
        );
        expect(unkilled.sort(), 'rules no mutant of any API fails on').toEqual([]);
      },
    );

    it(
      'kills each mutant with exactly the recorded checks and rules, run against just those, and no check errors',
      { timeout: 600_000 },
      async () => {
        const wrong: string[] = [];
        const mutants = (await api.embedded()).mutants.filter((m) => !m.open);
        // MCP over stdio; the test below holds Streamable HTTP to the record too.
        const reports = await runEmbeddedBatch(
          runner(),
          api.id,
          mutants.map((mutant) => targeted(mutant, cheapest)),
        );
        for (const [i, mutant] of mutants.entries()) {
          wrong.push(...unlikeRecord(mutant.id, reports[i]!));
          for (const crash of errored(reports[i]!)) wrong.push(`${mutant.id}: ${crash}`);
        }
        expect(wrong.join('\n')).toBe('');
      },
    );

    it(
      'runs each mutant that breaks only an open rule against its recorded checks: those warn, on open rules, exit 0; exit 1 with --strict',
      { timeout: 600_000 },
      async () => {
        const wrong: string[] = [];
        const mutants = (await api.embedded()).mutants.filter((m) => m.open);
        // Targeted as the kill test above: that no other check fails on such a mutant is the record's
        // (checked above: an open mutant that fails is refused), held to a full run by `npm run test:full`.
        const runAll = (extra: readonly string[]) =>
          runEmbeddedBatch(
            runner(),
            api.id,
            mutants.map((mutant) => targeted(mutant, [...cheapest, ...extra])),
          );
        const [reports, strict] = [await runAll([]), await runAll(['--strict'])];
        for (const [i, mutant] of mutants.entries()) {
          const report = reports[i]!;
          wrong.push(...unlikeRecord(mutant.id, report));
          const warned = report.checks.filter((c) => c.status === 'warned');
          if (report.exitCode !== 0 || warned.length === 0) wrong.push(`${mutant.id}: exit ${report.exitCode}, ${warned.length} warned`);
          for (const check of warned)
            if (check.failure?.basis.grade !== 'open')
              wrong.push(`${mutant.id}: ${check.id} warned on a ${check.failure?.basis.grade} rule`);
          for (const crash of errored(report)) wrong.push(`${mutant.id}: ${crash}`);
          if (strict[i]!.exitCode !== 1) wrong.push(`${mutant.id}: exit ${strict[i]!.exitCode} with --strict`);
        }
        expect(wrong.join('\n')).toBe('');
      },
    );

    it(
      'lets each boundary-only mutant survive its killer checks without the boundary phase, the checks running',
      { timeout: 300_000 },
      async () => {
        const wrong: string[] = [];
        const mutants = (await api.embedded()).mutants.filter((m) => m.boundaryOnly);
        const checksOf = (id: string) => recordedKills(id).map((kill) => kill.check);
        const reports = await runEmbeddedBatch(
          runner(),
          api.id,
          mutants.map((mutant) => ({ args: [...args, '--no-boundary'], mutantId: mutant.id, checks: checksOf(mutant.id) })),
        );
        for (const [i, mutant] of mutants.entries()) {
          const checks = checksOf(mutant.id);
          const report = reports[i]!;
          const ran = report.checks.filter((c) => c.status === 'passed').map((c) => c.id);
          if (reported(report).length > 0) wrong.push(`${mutant.id} reported without the boundary phase: ${reported(report).join(', ')}`);
          if (ran.length !== checks.length) wrong.push(`${mutant.id}: of ${checks.join(', ')} only ${ran.join(', ') || 'none'} ran`);
          for (const crash of errored(report)) wrong.push(`${mutant.id}: ${crash}`);
        }
        expect(wrong.join('\n')).toBe('');
      },
    );

    // Over the other transport too, where the API has two: no mutant depends on the transport, so each is
    // killed there by the same checks on the same rules. Over Streamable HTTP (the record's transport) the
    // mutants the protocol-level checks kill (contract) and those that break every answer; under
    // `npm run test:full`, which runs every mutant over HTTP above, every mutant over stdio here.
    const other = mcpCheap ? 'Streamable HTTP' : 'stdio';
    it.runIf(api.transport === 'mcp')(`kills each mutant over ${other} with the same checks and rules`, { timeout: 600_000 }, async () => {
      const wrong: string[] = [];
      const mutants = (await api.embedded()).mutants.filter(
        (m) => process.env.CLIENTELE_FULL || m.global || recordedKills(m.id).some((kill) => kill.check.startsWith('contract/')),
      );
      const reports = await runEmbeddedBatch(
        runner(),
        api.id,
        mutants.map((mutant) => ({
          args: mcpCheap ? args : ['--stdio', ...args],
          mutantId: mutant.id,
          checks: recordedKills(mutant.id).map((k) => k.check),
        })),
      );
      for (const [i, mutant] of mutants.entries()) wrong.push(...unlikeRecord(mutant.id, reports[i]!, ` over ${other}`));
      expect(wrong.join('\n')).toBe('');
    });
  });
}
