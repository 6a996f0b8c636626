import { describe, expect, it } from '@jest/globals';
import { UsageError } from './cli.exception.js';
import type { CommandLine, CommandSpec } from './command-line.js';
import { formatCommandHelp, parseCommandLine } from './command-line.js';
import { CREDENTIAL_OPTIONS } from './credential-options.js';

const spec: CommandSpec = {
  name: 'publish',
  summary: 'publish a record',
  description: 'Publishes a record.',
  arguments: [
    { name: 'TYPE', description: 'message type' },
    { name: 'FILE', description: 'record file' },
  ],
  options: [...CREDENTIAL_OPTIONS, { name: 'sign', type: 'boolean', description: 'sign the body' }],
  examples: ['lienthong publish t f'],
};

function parse(argv: string[], env: Record<string, string> = {}): CommandLine {
  const line = parseCommandLine(spec, argv, env);
  if (line === 'help') throw new Error('unexpected help');
  return line;
}

function usageError(argv: string[], env: Record<string, string> = {}): UsageError {
  try {
    parseCommandLine(spec, argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a usage error');
}

describe('parseCommandLine', () => {
  it('reads positionals, string options and flags in any order', () => {
    const line = parse(['--sign', 't.x', '--gateway', 'http://g', 'f.json', '--agency=000.00.00.G01']);
    expect(line.argument('TYPE')).toBe('t.x');
    expect(line.argument('FILE')).toBe('f.json');
    expect(line.string('gateway')).toBe('http://g');
    expect(line.require('agency')).toBe('000.00.00.G01');
    expect(line.flag('sign')).toBe(true);
    expect(line.string('key')).toBeUndefined();
  });

  it('takes options from their environment variables, the command line winning', () => {
    const env = {
      LIENTHONG_GATEWAY: 'http://env',
      LIENTHONG_AGENCY: '000.00.00.G02',
      LIENTHONG_KEY_FILE: 'k.json',
    };
    const line = parse(['t', 'f', '--gateway', 'http://flag'], env);
    expect(line.string('gateway')).toBe('http://flag');
    expect(line.string('agency')).toBe('000.00.00.G02');
    expect(line.string('key')).toBe('k.json');
  });

  it('treats an empty environment variable as unset', () => {
    expect(parse(['t', 'f'], { LIENTHONG_GATEWAY: '' }).string('gateway')).toBeUndefined();
  });

  it('names the option and its variable when a required option is missing', () => {
    const line = parse(['t', 'f']);
    expect(() => line.require('key')).toThrow('missing --key FILE (or set LIENTHONG_KEY_FILE)');
    expect(() => line.require('key')).toThrow(expect.objectContaining({ command: 'publish', exitCode: 2 }));
  });

  it('answers help for -h and --help, even without the positionals', () => {
    expect(parseCommandLine(spec, ['--help'], {})).toBe('help');
    expect(parseCommandLine(spec, ['t', '-h'], {})).toBe('help');
  });

  it.each([
    [['t', 'f', '--bogus'], "Unknown option '--bogus'"],
    [['t', 'f', '--gateway'], "Option '--gateway <value>' argument missing"],
    [['t', 'f', '--sign=yes'], "Option '--sign' does not take an argument"],
    [['t'], 'publish takes TYPE FILE; got t'],
    [[], 'publish takes TYPE FILE; got none'],
    [['t', 'f', 'g'], 'publish takes TYPE FILE; got t f g'],
    [['t', 'f', '--gateway', 'a', '--gateway', 'b'], '--gateway is given more than once'],
    [['t', 'f', '--gateway', ' '], '--gateway is empty'],
  ])('refuses %j: %s', (argv, message) => {
    const error = usageError(argv);
    expect(error.message).toContain(message);
    expect(error.command).toBe('publish');
  });

  it('keeps a positional that starts with a dash after --', () => {
    expect(parse(['--', 't', '-f.json']).argument('FILE')).toBe('-f.json');
  });
});

describe('formatCommandHelp', () => {
  it('lists the usage line, arguments, every option with its variable, and examples', () => {
    const help = formatCommandHelp(spec);
    expect(help).toMatch(/^Usage: lienthong publish TYPE FILE \[options\]\n/);
    expect(help).toContain('  TYPE  message type');
    expect(help).toMatch(/--gateway URL +base URL of the gateway.*\[env LIENTHONG_GATEWAY\]/);
    expect(help).toMatch(/--key FILE +.*\[env LIENTHONG_KEY_FILE\]/);
    expect(help).toMatch(/--sign +sign the body\n/);
    expect(help).toMatch(/-h, --help +show this help/);
    expect(help).toContain('Examples:\n  lienthong publish t f\n');
  });
});

describe('repeatable options', () => {
  const repeatable: CommandSpec = {
    ...spec,
    arguments: [],
    options: [{ name: 'type', type: 'string', value: 'T', description: 'a type', multiple: true }],
  };

  it('collects every value in order; none is an empty list; the help says it may be repeated', () => {
    const line = parseCommandLine(repeatable, ['--type', 'a.b', '--type=c.d'], {});
    expect(line !== 'help' && line.strings('type')).toEqual(['a.b', 'c.d']);
    const none = parseCommandLine(repeatable, [], {});
    expect(none !== 'help' && none.strings('type')).toEqual([]);
    expect(formatCommandHelp(repeatable)).toContain('a type (may be repeated)');
  });

  it('refuses an empty value', () => {
    expect(() => parseCommandLine(repeatable, ['--type', 'a.b', '--type', ' '], {})).toThrow(
      '--type is empty',
    );
  });
});
