/**
 * Runs one fixture suite against the embedded FreshBooks REST reference and prints the report as JSON:
 * for a test that needs the run in a process of its own (a worker that exhausts a small heap).
 */
import { join } from 'node:path';
import { findApi } from '../../apis/registry.js';
import { parseCli } from '../../cli/args.js';
import { embeddedRun } from '../../cli/run-config.js';
import { PROJECT_ROOT } from '../../generators/spec.js';
import { runSuites } from '../../runner/run.js';

const { target, config } = await embeddedRun(
  parseCli(['run', '--seed', '1', '--runs', '2', '--only', 'contract'], {}),
  findApi('freshbooks-rest'),
  undefined,
);
const report = await runSuites(config, { targetLabel: 'fixture' }, [join(PROJECT_ROOT, 'tests', 'fixtures', process.argv[2]!)]).finally(
  () => target.close(),
);
// vitest marks the process failed after an unhandled error; the report is what the test reads.
process.stdout.write(JSON.stringify(report));
process.exitCode = 0;
