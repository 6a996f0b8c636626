import { callAsAgency } from '../common/agency-credentials.js';
import type { CliContext } from '../common/cli-context.js';
import { UnexpectedError, UsageError } from '../common/cli.exception.js';
import type { Command } from '../common/command.js';
import type { CommandLine, CommandSpec, OptionSpec } from '../common/command-line.js';
import { table } from '../common/command-line.js';
import { CREDENTIAL_OPTIONS } from '../common/credential-options.js';
import type { Messages } from '../common/i18n/en.js';
import { LANG_OPTION, languageOf, messagesIn } from '../common/i18n/language.js';
import { isJsonObject } from '../common/json-value.util.js';
import { formatJson, printable } from '../common/output.js';
import {
  ID_ARGUMENT,
  JSON_OPTION,
  SUBSCRIBER_NOTE,
  SUBSCRIBER_NOTE_VI,
  subscriptionPath,
} from './subscribe.command.js';

type CommandMessages = Messages['command'];

/** What the gateway checks `since` against (docs/delivery.md): RFC 3339 with a time zone. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** The `202` answer of `POST /v1/subscriptions/{id}/replay|redrive`. */
interface CommandAccepted {
  commandId: string;
  kind: string;
  subscriptionId: string;
  since?: string;
  requestedAt: string;
}

function readAccepted(body: unknown, m: CommandMessages): CommandAccepted {
  if (
    !isJsonObject(body) ||
    typeof body['commandId'] !== 'string' ||
    typeof body['kind'] !== 'string' ||
    typeof body['subscriptionId'] !== 'string' ||
    typeof body['requestedAt'] !== 'string' ||
    (body['since'] !== undefined && typeof body['since'] !== 'string')
  ) {
    throw new UnexpectedError(m.badAnswer('an accepted command'));
  }
  return body as unknown as CommandAccepted;
}

/** `--since`, checked as the gateway will (whether it is in the future is the gateway's call). */
function sinceOf(line: CommandLine, m: CommandMessages): string | undefined {
  const since = line.string('since');
  if (since !== undefined && !(RFC3339.test(since) && !Number.isNaN(Date.parse(since)))) {
    throw new UsageError(m.badTime('since', since), line.spec.name);
  }
  return since;
}

function formatAccepted(accepted: CommandAccepted, m: CommandMessages): string {
  const headline =
    accepted.kind === 'replay'
      ? m.replayAccepted(accepted.subscriptionId, accepted.since ?? '')
      : m.redriveAccepted(accepted.subscriptionId, accepted.since);
  return [
    printable(headline),
    ...table([
      [m.labels.command, printable(accepted.commandId)],
      [m.labels.requested, printable(accepted.requestedAt)],
    ]),
    printable(m.noProgress(accepted.commandId)),
    '',
  ].join('\n');
}

/**
 * A command the router runs for one subscription. The gateway answers `202` once the command
 * is in `lienthong.router.commands`; it has no route to read the command's progress, so the
 * CLI prints what was accepted and how to recognise the command's deliveries.
 */
function routerCommand(
  kind: 'replay' | 'redrive',
  spec: Omit<CommandSpec, 'options'>,
  sinceOption: OptionSpec,
): Command {
  return {
    spec: { ...spec, options: [sinceOption, ...CREDENTIAL_OPTIONS, JSON_OPTION, LANG_OPTION] },
    async run(line: CommandLine, ctx: CliContext) {
      const messages = messagesIn(languageOf(line.string('lang'), ctx.env));
      const m = messages.command;
      const path = subscriptionPath(line, messages.subscription, `/${kind}`);
      if (kind === 'replay') line.require('since');
      const since = sinceOf(line, m);
      const answer = await callAsAgency(
        line,
        ctx,
        'POST',
        path,
        since === undefined ? undefined : JSON.stringify({ since }),
      );
      const accepted = readAccepted(answer.body, m);
      ctx.stdout(line.flag('json') ? formatJson(answer.body) : formatAccepted(accepted, m));
    },
  };
}

/** `lienthong replay ID --since TIME`: re-deliver what the subscription matched since then. */
export const replayCommand: Command = routerCommand(
  'replay',
  {
    name: 'replay',
    summary: 'have the router re-deliver every record a subscription matched since a time',
    description: [
      'POST /v1/subscriptions/ID/replay {"since": TIME}: the router re-delivers to this subscription',
      "every matching record accepted since TIME (as far back as the record topics' retention).",
      'Prints the command id; the gateway has no route to follow its progress, and every delivery',
      'the command makes carries the header lienthong-command: <command id>.',
      SUBSCRIBER_NOTE,
    ].join('\n'),
    vi: {
      summary: 'yêu cầu bộ định tuyến gửi lại mọi bản ghi mà một đăng ký khớp từ một thời điểm',
      description: [
        'POST /v1/subscriptions/ID/replay {"since": TIME}: bộ định tuyến gửi lại cho đăng ký này mọi bản ghi',
        'phù hợp được tiếp nhận từ TIME (trong thời hạn lưu giữ của các topic bản ghi). In mã lệnh; cổng',
        'chưa có cách theo dõi tiến độ, và mỗi lần chuyển dữ liệu của lệnh mang tiêu đề lienthong-command.',
        SUBSCRIBER_NOTE_VI,
      ].join('\n'),
    },
    arguments: [ID_ARGUMENT],
    examples: ['lienthong replay 019a… --since 2026-11-28T08:00:00+07:00'],
  },
  {
    name: 'since',
    type: 'string',
    value: 'TIME',
    description: 'RFC 3339 date-time with a time zone, not in the future (required)',
  },
);

/** `lienthong redrive ID [--since TIME]`: send the subscription's dead letters again. */
export const redriveCommand: Command = routerCommand(
  'redrive',
  {
    name: 'redrive',
    summary: "have the router send a subscription's dead letters again",
    description: [
      'POST /v1/subscriptions/ID/redrive: the router sends the dead letters of this subscription again',
      '(with --since, only those dead-lettered since TIME), attempts counted from zero. Prints the',
      'command id; the gateway has no route to follow its progress, and every delivery the command',
      'makes carries the header lienthong-command: <command id>.',
      SUBSCRIBER_NOTE,
    ].join('\n'),
    vi: {
      summary: 'yêu cầu bộ định tuyến chuyển lại các thông điệp không chuyển được của một đăng ký',
      description: [
        'POST /v1/subscriptions/ID/redrive: bộ định tuyến chuyển lại các thông điệp không chuyển được của',
        'đăng ký này (với --since, chỉ những thông điệp từ TIME), đếm lại số lần thử từ đầu. In mã lệnh;',
        'cổng chưa có cách theo dõi tiến độ, và mỗi lần chuyển dữ liệu của lệnh mang tiêu đề lienthong-command.',
        SUBSCRIBER_NOTE_VI,
      ].join('\n'),
    },
    arguments: [ID_ARGUMENT],
    examples: ['lienthong redrive 019a…', 'lienthong redrive 019a… --since 2026-12-01T00:00:00Z --json'],
  },
  {
    name: 'since',
    type: 'string',
    value: 'TIME',
    description: 'only dead letters since this RFC 3339 date-time with a time zone',
  },
);
