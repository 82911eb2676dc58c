/**
 * Runs before each test file (vitest `setupFiles`). Files share the modules they import (`isolate:
 * false`: loading the engine, the references and vitest's node API once per worker, not once per file,
 * saves about a tenth of `npm test`'s CPU), so what a support module keeps for one file is let go here,
 * with a hook the file owns.
 */
import { afterAll } from 'vitest';
import { closeSharedSuiteRunner } from './shared-runner.js';

afterAll(closeSharedSuiteRunner);
