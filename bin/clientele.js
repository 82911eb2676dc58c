#!/usr/bin/env node
// Loads the TypeScript sources through tsx, so the CLI runs from a fresh clone without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
