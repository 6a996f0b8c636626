import type { CliContext } from './cli-context.js';
import type { CommandLine, CommandSpec } from './command-line.js';

/** One `lienthong <command>`: its spec (arguments, options, help) and what it does. */
export interface Command {
  spec: CommandSpec;
  /** Resolves when done; throws a `CliError` to explain a failure and set the exit code. */
  run(line: CommandLine, ctx: CliContext): Promise<void>;
}

/**
 * `lienthong <group> <action>`, e.g. `agency create`: the group only names its actions, each
 * an ordinary command whose spec name is `<group> <action>`.
 */
export interface CommandGroup {
  spec: { name: string; summary: string; description: string; vi?: { summary: string; description: string } };
  actions: readonly Command[];
}

export function isCommandGroup(command: Command | CommandGroup): command is CommandGroup {
  return 'actions' in command;
}
