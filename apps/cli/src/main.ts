import { runCli } from './cli.js';
import { processContext } from './common/cli-context.js';

// Entry of `lienthong` (apps/cli/bin/lienthong imports this file). exitCode rather than
// process.exit(), so that everything written to stdout is flushed before the process ends.
process.exitCode = await runCli(process.argv.slice(2), processContext());
