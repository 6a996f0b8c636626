import { agencyCommand, grantAgencyCommand, revokeAgencyCommand } from './agency/agency.command.js';
import { auditCommand } from './audit/audit.command.js';
import type { CliContext } from './common/cli-context.js';
import type { ExitCode } from './common/cli.exception.js';
import { CliError, EXIT_CODES, UsageError } from './common/cli.exception.js';
import type { Command, CommandGroup } from './common/command.js';
import { isCommandGroup } from './common/command.js';
import { formatCommandHelp, parseCommandLine, table } from './common/command-line.js';
import { errorMessage } from './common/error-message.util.js';
import { formatCliError, printable } from './common/output.js';
import { keygenCommand } from './keygen/keygen.command.js';
import { disclosuresCommand } from './disclosures/disclosures.command.js';
import { publishCommand } from './publish/publish.command.js';
import { registerSchemaCommand } from './register-schema/register-schema.command.js';
import { deadLettersCommand, subscribeCommand } from './subscribe/subscribe.command.js';
import { tokenCommand } from './token/token.command.js';
import { verifyReceiptCommand } from './verify-receipt/verify-receipt.command.js';

/** Every command, in the order `lienthong --help` lists them. */
export const COMMANDS: readonly (Command | CommandGroup)[] = [
  keygenCommand,
  tokenCommand,
  publishCommand,
  registerSchemaCommand,
  verifyReceiptCommand,
  auditCommand,
  disclosuresCommand,
  agencyCommand,
  grantAgencyCommand,
  revokeAgencyCommand,
  subscribeCommand,
  deadLettersCommand,
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
      const [topic, action] = rest;
      if (topic === undefined) ctx.stdout(formatMainHelp());
      else {
        const found = findCommand(topic);
        if (!isCommandGroup(found)) ctx.stdout(formatCommandHelp(found.spec));
        else if (action === undefined) ctx.stdout(formatGroupHelp(found));
        else ctx.stdout(formatCommandHelp(findAction(found, action).spec));
      }
      return EXIT_CODES.ok;
    }
    const found = findCommand(name);
    let command: Command;
    let words = rest;
    if (isCommandGroup(found)) {
      const [action, ...more] = rest;
      if (action === undefined || action === '--help' || action === '-h') {
        if (action !== undefined) {
          ctx.stdout(formatGroupHelp(found));
          return EXIT_CODES.ok;
        }
        ctx.stderr(formatGroupHelp(found));
        return EXIT_CODES.usage;
      }
      command = findAction(found, action);
      words = more;
    } else {
      command = found;
    }
    const line = parseCommandLine(command.spec, words, ctx.env);
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

function findAction(group: CommandGroup, name: string): Command {
  const action = group.actions.find((a) => a.spec.name === `${group.spec.name} ${name}`);
  if (!action) {
    throw new UsageError(
      `unknown action ${JSON.stringify(name)} of ${group.spec.name}; run 'lienthong ${group.spec.name} --help' for the list`,
    );
  }
  return action;
}

/** `lienthong <group> --help`: the group's actions. */
export function formatGroupHelp(group: CommandGroup): string {
  return [
    `Usage: lienthong ${group.spec.name} <action> [arguments] [options]`,
    '',
    group.spec.description,
    '',
    'Actions:',
    ...table(group.actions.map((a) => [a.spec.name.slice(group.spec.name.length + 1), a.spec.summary])),
    '',
    `Every action takes --help, e.g. lienthong ${group.spec.name} ${group.actions[0]!.spec.name.split(' ')[1]!} --help.`,
    '',
  ].join('\n');
}

function findCommand(name: string): Command | CommandGroup {
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
