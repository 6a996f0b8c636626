import { parseArgs } from 'node:util';
import { UsageError } from './cli.exception.js';
import { errorMessage } from './error-message.util.js';
import type { Messages } from './i18n/en.js';
import { en } from './i18n/en.js';
import type { Language } from './i18n/language.js';
import { messagesIn } from './i18n/language.js';

type CliMessages = Messages['cli'];

/** One `--option` of a command. */
export interface OptionSpec {
  /** Long name, without the dashes. */
  name: string;
  type: 'string' | 'boolean';
  /** Placeholder of a string option's value in the help text, e.g. `URL`. */
  value?: string;
  description: string;
  /** Environment variable read when the option is not on the command line. */
  env?: string;
  /** A string option that may be given several times (`--type a --type b`). */
  multiple?: boolean;
}

/** What a command accepts, and the text of its `--help`. */
export interface CommandSpec {
  name: string;
  /** One line, for `lienthong --help`. */
  summary: string;
  /** Paragraphs for the command's own `--help`. */
  description: string;
  /** Positional arguments; every one is required. */
  arguments: readonly { name: string; description: string }[];
  options: readonly OptionSpec[];
  examples: readonly string[];
  /** The summary and description in Vietnamese, for `--lang vi` or a Vietnamese locale. */
  vi?: { summary: string; description: string };
}

/** A parsed command line: positionals in order, options with the environment filled in. */
export class CommandLine {
  constructor(
    readonly spec: CommandSpec,
    readonly positionals: readonly string[],
    private readonly values: ReadonlyMap<string, string | boolean | readonly string[]>,
    private readonly messages: CliMessages = en.cli,
  ) {}

  /** The positional named `name` in the spec (always present once parsed). */
  argument(name: string): string {
    const index = this.spec.arguments.findIndex((a) => a.name === name);
    const value = this.positionals[index];
    if (index < 0 || value === undefined) throw new Error(`${this.spec.name} has no argument ${name}`);
    return value;
  }

  /** A string option, from the command line or else its environment variable. */
  string(name: string): string | undefined {
    const value = this.values.get(this.option(name, 'string').name);
    return typeof value === 'string' ? value : undefined;
  }

  /** A string option that must be there. */
  require(name: string): string {
    const option = this.option(name, 'string');
    const value = this.string(name);
    if (value === undefined) {
      const from = option.env ? this.messages.orSet(option.env) : '';
      throw new UsageError(this.messages.missingOption(name, option.value ?? 'VALUE', from), this.spec.name);
    }
    return value;
  }

  /** Every value of a repeatable string option, in command-line order. */
  strings(name: string): readonly string[] {
    const value = this.values.get(this.option(name, 'string').name);
    if (Array.isArray(value)) return value as readonly string[];
    return typeof value === 'string' ? [value] : [];
  }

  flag(name: string): boolean {
    return this.values.get(this.option(name, 'boolean').name) === true;
  }

  private option(name: string, type: OptionSpec['type']): OptionSpec {
    const option = this.spec.options.find((o) => o.name === name && o.type === type);
    if (!option) throw new Error(`${this.spec.name} has no ${type} option --${name}`);
    return option;
  }
}

/**
 * Parses `argv` (the words after the command name) against `spec` with `util.parseArgs` in
 * strict mode: unknown options, a missing option value, a repeated option, an empty value and a
 * wrong number of positionals are usage errors. `'help'` when `-h`/`--help` was given.
 */
export function parseCommandLine(
  spec: CommandSpec,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  m: CliMessages = en.cli,
): CommandLine | 'help' {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const option of spec.options) {
    options[option.name] = option.multiple ? { type: option.type, multiple: true } : { type: option.type };
  }

  const config = { args: [...argv], options, allowPositionals: true, strict: true, tokens: true } as const;
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    throw new UsageError(describeParseError(error), spec.name);
  }
  if (parsed.values['help'] === true) return 'help';

  const seen = new Set<string>();
  const repeatable = new Set(spec.options.filter((o) => o.multiple).map((o) => o.name));
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || repeatable.has(token.name)) continue;
    if (seen.has(token.name)) throw new UsageError(m.givenTwice(token.name), spec.name);
    seen.add(token.name);
  }

  const values = new Map<string, string | boolean | readonly string[]>();
  for (const option of spec.options) {
    const given: unknown = parsed.values[option.name];
    if (Array.isArray(given)) {
      const list = given.filter((v): v is string => typeof v === 'string');
      if (list.some((v) => v.trim() === '')) throw new UsageError(m.empty(option.name), spec.name);
      values.set(option.name, list);
    } else if (typeof given === 'string') {
      if (given.trim() === '') throw new UsageError(m.empty(option.name), spec.name);
      values.set(option.name, given);
    } else if (given === true) {
      values.set(option.name, true);
    } else if (option.env !== undefined) {
      // An empty variable counts as unset, as `FOO= lienthong …` is how shells unset for one command.
      const fromEnv = env[option.env];
      if (fromEnv !== undefined && fromEnv.trim() !== '') values.set(option.name, fromEnv);
    }
  }

  const expected = spec.arguments.map((a) => a.name);
  if (parsed.positionals.length !== expected.length) {
    const wanted = expected.length === 0 ? m.noArguments : expected.join(' ');
    const got = parsed.positionals.length === 0 ? m.none : parsed.positionals.join(' ');
    throw new UsageError(m.takes(spec.name, wanted, got), spec.name);
  }
  return new CommandLine(spec, parsed.positionals, values, m);
}

function describeParseError(error: unknown): string {
  const message = errorMessage(error);
  // parseArgs appends advice written for JavaScript callers ("To specify a positional argument
  // starting with a '-', place it at the end of the command after '--'…"); keep the first sentence.
  return message.split(/\.\s/)[0]!.replace(/\.$/, '');
}

/** The command's `--help` text. */
export function formatCommandHelp(spec: CommandSpec, language: Language = 'en'): string {
  const m = messagesIn(language).cli;
  const vi = language === 'vi';
  const args = spec.arguments.map((a) => ` ${a.name}`).join('');
  const description = vi && spec.vi ? spec.vi.description : spec.description;
  const lines = [`${m.usage}: lienthong ${spec.name}${args} [options]`, '', description, ''];
  if (spec.arguments.length > 0) {
    lines.push(`${m.arguments}:`);
    lines.push(...table(spec.arguments.map((a) => [a.name, a.description])), '');
  }
  lines.push(`${m.options}:`);
  lines.push(
    ...table([
      ...spec.options.map((o): [string, string] => [
        o.type === 'string' ? `--${o.name} ${o.value ?? 'VALUE'}` : `--${o.name}`,
        `${o.description}${o.multiple ? ` ${m.mayBeRepeated}` : ''}${o.env ? ` [env ${o.env}]` : ''}`,
      ]),
      ['-h, --help', m.showHelp],
    ]),
  );
  if (spec.examples.length > 0) lines.push('', `${m.examples}:`, ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** Two aligned columns, indented by two spaces. */
export function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}
