import { agencyCommand, grantAgencyCommand, revokeAgencyCommand } from './agency/agency.command.js';
import { auditCommand } from './audit/audit.command.js';
import { checkCompatibilityCommand } from './check-compatibility/check-compatibility.command.js';
import type { CliContext } from './common/cli-context.js';
import type { ExitCode } from './common/cli.exception.js';
import { CliError, EXIT_CODES, UsageError } from './common/cli.exception.js';
import type { Command, CommandGroup } from './common/command.js';
import { isCommandGroup } from './common/command.js';
import type { CommandSpec } from './common/command-line.js';
import { formatCommandHelp, parseCommandLine, table } from './common/command-line.js';
import type { Messages } from './common/i18n/en.js';
import type { Language } from './common/i18n/language.js';
import { languageOf, messagesIn } from './common/i18n/language.js';
import { errorMessage } from './common/error-message.util.js';
import { formatCliError, printable } from './common/output.js';
import { keygenCommand } from './keygen/keygen.command.js';
import { disclosuresCommand } from './disclosures/disclosures.command.js';
import { publishCommand } from './publish/publish.command.js';
import { registerSchemaCommand } from './register-schema/register-schema.command.js';
import { deadLettersCommand, subscribeCommand } from './subscribe/subscribe.command.js';
import { redriveCommand, replayCommand } from './subscribe/subscription-commands.command.js';
import { tokenCommand } from './token/token.command.js';
import { validateCommand } from './validate/validate.command.js';
import { verifyReceiptCommand } from './verify-receipt/verify-receipt.command.js';

type CliMessages = Messages['cli'];

/** Every command, in the order `lienthong --help` lists them. */
export const COMMANDS: readonly (Command | CommandGroup)[] = [
  keygenCommand,
  tokenCommand,
  publishCommand,
  validateCommand,
  registerSchemaCommand,
  checkCompatibilityCommand,
  verifyReceiptCommand,
  auditCommand,
  disclosuresCommand,
  agencyCommand,
  grantAgencyCommand,
  revokeAgencyCommand,
  subscribeCommand,
  deadLettersCommand,
  replayCommand,
  redriveCommand,
];

/**
 * Runs `lienthong <command> [arguments] [options]` and resolves to the exit code: 0 done,
 * 1 refused by the gateway (or an invalid receipt), 2 usage error (nothing was sent),
 * 3 network failure or an unexpected answer. Never throws. Help and usage errors are in
 * Vietnamese with `--lang vi` anywhere on the line, or a Vietnamese locale.
 */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<ExitCode> {
  const language = languageOfArgv(argv, ctx.env);
  const m = messagesIn(language).cli;
  const [name, ...rest] = argv;
  if (name === undefined) {
    ctx.stderr(formatMainHelp(language));
    return EXIT_CODES.usage;
  }
  try {
    if (name === '--help' || name === '-h' || name === 'help') {
      const [topic, action] = rest.filter((word, i, all) => word !== '--lang' && all[i - 1] !== '--lang');
      if (topic === undefined || topic.startsWith('--lang')) ctx.stdout(formatMainHelp(language));
      else {
        const found = findCommand(topic, m);
        if (!isCommandGroup(found)) ctx.stdout(formatCommandHelp(found.spec, language));
        else if (action === undefined) ctx.stdout(formatGroupHelp(found, language));
        else ctx.stdout(formatCommandHelp(findAction(found, action, m).spec, language));
      }
      return EXIT_CODES.ok;
    }
    const found = findCommand(name, m);
    let command: Command;
    let words = rest;
    if (isCommandGroup(found)) {
      const [action, ...more] = rest;
      if (action === undefined || action === '--help' || action === '-h') {
        if (action !== undefined) {
          ctx.stdout(formatGroupHelp(found, language));
          return EXIT_CODES.ok;
        }
        ctx.stderr(formatGroupHelp(found, language));
        return EXIT_CODES.usage;
      }
      command = findAction(found, action, m);
      words = more;
    } else {
      command = found;
    }
    const line = parseCommandLine(command.spec, words, ctx.env, m);
    if (line === 'help') {
      ctx.stdout(formatCommandHelp(command.spec, language));
      return EXIT_CODES.ok;
    }
    await command.run(line, ctx);
    return EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof CliError) {
      ctx.stderr(formatCliError(error, m));
      return error.exitCode;
    }
    const stack = (error as { stack?: unknown } | null | undefined)?.stack;
    const text = typeof stack === 'string' ? stack : errorMessage(error);
    ctx.stderr(`lienthong: unexpected error: ${printable(text)}\n`);
    return EXIT_CODES.unexpected;
  }
}

/**
 * The language before the line is parsed (help and usage errors come first): `--lang vi` or
 * `--lang=vi` anywhere, else the locale. A wrong `--lang` is reported by the parser, in English.
 */
function languageOfArgv(argv: readonly string[], env: CliContext['env']): Language {
  let given: string | undefined;
  argv.forEach((word, i) => {
    if (word === '--lang') given = argv[i + 1];
    else if (word.startsWith('--lang=')) given = word.slice('--lang='.length);
  });
  try {
    return languageOf(given, env);
  } catch {
    return 'en';
  }
}

function findAction(group: CommandGroup, name: string, m: CliMessages): Command {
  const action = group.actions.find((a) => a.spec.name === `${group.spec.name} ${name}`);
  if (!action) throw new UsageError(m.unknownAction(name, group.spec.name));
  return action;
}

/** `lienthong <group> --help`: the group's actions. */
export function formatGroupHelp(group: CommandGroup, language: Language = 'en'): string {
  const m = messagesIn(language).cli;
  const vi = language === 'vi';
  const summary = (spec: CommandSpec): string => (vi && spec.vi ? spec.vi.summary : spec.summary);
  const first = group.actions[0]!.spec.name;
  return [
    `${m.usage}: lienthong ${group.spec.name} <action> [arguments] [options]`,
    '',
    vi && group.spec.vi ? group.spec.vi.description : group.spec.description,
    '',
    `${m.actions}:`,
    ...table(group.actions.map((a) => [a.spec.name.slice(group.spec.name.length + 1), summary(a.spec)])),
    '',
    m.everyActionHelp(first),
    '',
  ].join('\n');
}

function findCommand(name: string, m: CliMessages): Command | CommandGroup {
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) throw new UsageError(m.unknownCommand(name));
  return command;
}

/** `lienthong --help`. */
export function formatMainHelp(language: Language = 'en'): string {
  const vi = language === 'vi';
  const summary = (spec: CommandSpec | CommandGroup['spec']): string =>
    vi && spec.vi ? spec.vi.summary : spec.summary;
  const rows = table(COMMANDS.map((c) => [c.spec.name, summary(c.spec)]));
  if (vi) {
    return [
      'lienthong: công cụ dòng lệnh cho các cơ quan sử dụng cổng Liên thông',
      '',
      'Cách dùng: lienthong <lệnh> [tham số] [tùy chọn]',
      '',
      'Lệnh:',
      ...rows,
      '',
      'Mọi lệnh đều có --help. --gateway, --agency và --key có thể lấy từ các biến LIENTHONG_GATEWAY,',
      'LIENTHONG_AGENCY và LIENTHONG_KEY_FILE. --lang en để xem bằng tiếng Anh.',
      '',
      'Mã kết thúc: 0 hoàn tất; 1 cổng từ chối, biên nhận không hợp lệ, nhật ký kiểm toán không toàn vẹn,',
      'bản ghi không hợp lệ (validate) hoặc lược đồ không tương thích (check-compatibility); 2 dùng lệnh',
      'sai, chưa gửi gì; 3 lỗi mạng hoặc câu trả lời ngoài dự kiến.',
      '',
    ].join('\n');
  }
  return [
    'lienthong: the command-line tool for agencies that use a Lienthong gateway',
    '',
    'Usage: lienthong <command> [arguments] [options]',
    '',
    'Commands:',
    ...rows,
    '',
    'Every command takes --help. --gateway, --agency and --key may come from LIENTHONG_GATEWAY,',
    'LIENTHONG_AGENCY and LIENTHONG_KEY_FILE. --lang vi (or a vi_* locale) for Vietnamese.',
    '',
    'Exit codes: 0 done; 1 refused by the gateway, the receipt is invalid, the audit trail does not',
    'verify, the record is not valid (validate) or the schema not compatible (check-compatibility);',
    '2 usage error, nothing was sent; 3 network failure or an unexpected answer.',
    '',
  ].join('\n');
}
