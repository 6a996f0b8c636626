import { auditCommand } from './audit/audit.command.js';
import type { CliContext } from './common/cli-context.js';
import type { ExitCode } from './common/cli.exception.js';
import { CliError, EXIT_CODES, UsageError } from './common/cli.exception.js';
import type { Command } from './common/command.js';
import { formatCommandHelp, parseCommandLine, table } from './common/command-line.js';
import { errorMessage } from './common/error-message.util.js';
import { formatCliError, printable } from './common/output.js';
import { disclosuresCommand } from './disclosures/disclosures.command.js';
import { publishCommand } from './publish/publish.command.js';
import { registerSchemaCommand } from './register-schema/register-schema.command.js';
import { tokenCommand } from './token/token.command.js';
import { verifyReceiptCommand } from './verify-receipt/verify-receipt.command.js';

/** Every command, in the order `lienthong --help` lists them. */
export const COMMANDS: readonly Command[] = [
  tokenCommand,
  publishCommand,
  registerSchemaCommand,
  verifyReceiptCommand,
  auditCommand,
  disclosuresCommand,
];

/**
 * Runs `lienthong <command> [arguments] [options]` and resolves to the exit code: 0 done,
 * 1 refused by the gateway (or an invalid receipt), 2 usage error (nothing was sent),
 * 3 network failure or an unexpected answer. Never throws.
 */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    ctx.stderr(formatMainHelp());
    return EXIT_CODES.usage;
  }
  try {
    if (name === '--help' || name === '-h' || name === 'help') {
      const topic = rest[0];
      ctx.stdout(topic === undefined ? formatMainHelp() : formatCommandHelp(findCommand(topic).spec));
      return EXIT_CODES.ok;
    }
    const command = findCommand(name);
    const line = parseCommandLine(command.spec, rest, ctx.env);
    if (line === 'help') {
      ctx.stdout(formatCommandHelp(command.spec));
      return EXIT_CODES.ok;
    }
    await command.run(line, ctx);
    return EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof CliError) {
      ctx.stderr(formatCliError(error));
      return error.exitCode;
    }
    const stack = (error as { stack?: unknown } | null | undefined)?.stack;
    const text = typeof stack === 'string' ? stack : errorMessage(error);
    ctx.stderr(`lienthong: unexpected error: ${printable(text)}\n`);
    return EXIT_CODES.unexpected;
  }
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) {
    throw new UsageError(`unknown command ${JSON.stringify(name)}; run 'lienthong --help' for the list`);
  }
  return command;
}

/** `lienthong --help`. */
export function formatMainHelp(): string {
  return [
    'lienthong: the command-line tool for agencies that use a Lienthong gateway',
    '',
    'Usage: lienthong <command> [arguments] [options]',
    '',
    'Commands:',
    ...table(COMMANDS.map((c) => [c.spec.name, c.spec.summary])),
    '',
    'Every command takes --help. --gateway, --agency and --key may come from LIENTHONG_GATEWAY,',
    'LIENTHONG_AGENCY and LIENTHONG_KEY_FILE.',
    '',
    'Exit codes: 0 done; 1 refused by the gateway, the receipt is invalid, or the audit trail',
    'does not verify; 2 usage error,',
    'nothing was sent; 3 network failure or an unexpected answer.',
    '',
  ].join('\n');
}
