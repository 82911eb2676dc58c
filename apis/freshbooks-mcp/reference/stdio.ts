/**
 * The FreshBooks MCP reference over stdio:
 *   node --import tsx apis/freshbooks-mcp/reference/stdio.ts [--mutant ID] [--unauthenticated]
 * stdout carries nothing but protocol messages; every log line goes to stderr.
 */
import { createMcpServer, serveOverStdio } from './index.js';

const USAGE = 'usage: stdio.ts [--mutant ID] [--unauthenticated]';

interface StdioOptions {
  readonly mutant?: string;
  readonly unauthenticated: boolean;
}

function parseArguments(argv: readonly string[]): StdioOptions {
  let mutant: string | undefined;
  let unauthenticated = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--unauthenticated') unauthenticated = true;
    else if (arg === '--mutant' && argv[i + 1] !== undefined) mutant = argv[++i];
    else if (arg.startsWith('--mutant=')) mutant = arg.slice('--mutant='.length);
    else throw new Error(`unknown argument '${arg}'`);
  }
  return { mutant, unauthenticated };
}

async function main(): Promise<void> {
  let options: StdioOptions;
  try {
    options = parseArguments(process.argv.slice(2));
    // An unknown mutant id fails here, before anything is served.
    createMcpServer(options.mutant);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
  const label = options.mutant === undefined ? 'reference' : `mutant ${options.mutant}`;
  process.stderr.write(`freshbooks-mcp ${label}${options.unauthenticated ? ' (unauthenticated)' : ''} serving on stdio\n`);
  // The client closing our stdin ends the session, and the process with it.
  await serveOverStdio(options.mutant, { authenticated: !options.unauthenticated });
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`freshbooks-mcp stdio: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
