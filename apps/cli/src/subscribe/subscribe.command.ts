import { isMessageType } from '@lienthong/contracts';
import { callAsAgency } from '../common/agency-credentials.js';
import type { CliContext } from '../common/cli-context.js';
import { UsageError } from '../common/cli.exception.js';
import { parseJsonFile, readInputFile } from '../common/cli-files.js';
import type { Command, CommandGroup } from '../common/command.js';
import type { CommandLine, CommandSpec, OptionSpec } from '../common/command-line.js';
import { CREDENTIAL_OPTIONS } from '../common/credential-options.js';
import type { Messages } from '../common/i18n/en.js';
import { LANG_OPTION, languageOf, messagesIn } from '../common/i18n/language.js';
import { isJsonObject } from '../common/json-value.util.js';
import { formatJson } from '../common/output.js';
import type { SubscriptionSummary } from './subscription-view.js';
import {
  formatDeadLetters,
  formatSubscription,
  formatSubscriptionList,
  readDeadLetters,
  readSubscription,
  readSubscriptionList,
} from './subscription-view.js';

type SubscriptionMessages = Messages['subscription'];
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Subscription ids are UUIDs; anything path-safe of that kind is let through to the gateway. */
const SUBSCRIPTION_ID = /^[A-Za-z0-9-]{1,128}$/;

export const JSON_OPTION: OptionSpec = {
  name: 'json',
  type: 'boolean',
  description: "print the gateway's answer as JSON",
};
export const ID_ARGUMENT = { name: 'ID', description: 'the subscription id' };
export const SUBSCRIBER_NOTE = 'Needs a subscriber key (an operator may act on every agency but not create).';
export const SUBSCRIBER_NOTE_VI =
  'Cần khóa của cơ quan có vai trò subscriber (đơn vị vận hành thao tác được trên đăng ký của mọi cơ quan, trừ việc tạo mới).';

function messagesOf(line: CommandLine, ctx: CliContext): SubscriptionMessages {
  return messagesIn(languageOf(line.string('lang'), ctx.env)).subscription;
}

function checkType(line: CommandLine, ctx: CliContext, type: string): void {
  if (!isMessageType(type)) {
    const m = messagesIn(languageOf(line.string('lang'), ctx.env)).agency;
    throw new UsageError(m.badType(type), line.spec.name);
  }
}

/** `/v1/subscriptions/ID` + `suffix`, the id checked first (it goes into the URL). */
export function subscriptionPath(line: CommandLine, m: SubscriptionMessages, suffix = ''): string {
  const id = line.argument('ID');
  if (!SUBSCRIPTION_ID.test(id)) throw new UsageError(m.badId(id), line.spec.name);
  return `/v1/subscriptions/${id}${suffix}`;
}

/** A command that sends one request and answers one subscription. */
function subscriptionAction(
  spec: Omit<CommandSpec, 'options'> & { options?: readonly OptionSpec[] },
  request: (
    line: CommandLine,
    ctx: CliContext,
    m: SubscriptionMessages,
  ) => Promise<{
    method: Method;
    path: string;
    body?: string;
    headline?: (s: SubscriptionSummary) => string;
  }>,
): Command {
  return {
    spec: {
      ...spec,
      description: `${spec.description}\n${SUBSCRIBER_NOTE}`,
      ...(spec.vi
        ? { vi: { ...spec.vi, description: `${spec.vi.description}\n${SUBSCRIBER_NOTE_VI}` } }
        : {}),
      options: [...(spec.options ?? []), ...CREDENTIAL_OPTIONS, JSON_OPTION, LANG_OPTION],
    },
    async run(line, ctx) {
      const m = messagesOf(line, ctx);
      const call = await request(line, ctx, m);
      const answer = await callAsAgency(line, ctx, call.method, call.path, call.body);
      if (line.flag('json')) {
        ctx.stdout(formatJson(answer.body));
        return;
      }
      const subscription = readSubscription(answer.body, m);
      ctx.stdout(
        `${call.headline ? `${call.headline(subscription)}\n` : ''}${formatSubscription(subscription, m)}`,
      );
    },
  };
}

/** The flags that build a request, which `--file` replaces as a whole. */
const REQUEST_FLAGS = ['type', 'webhook', 'purpose-vi', 'purpose-en', 'legal-basis'] as const;

/** The body of `POST /v1/subscriptions`: the file's bytes as they are, or built from the flags. */
async function createBody(line: CommandLine, ctx: CliContext, m: SubscriptionMessages): Promise<string> {
  const file = line.string('file');
  const given = REQUEST_FLAGS.filter((f) =>
    f === 'type' ? line.strings(f).length > 0 : line.string(f) !== undefined,
  );
  if (file !== undefined) {
    if (given.length > 0) {
      throw new UsageError(m.fileAndFlags(given.map((f) => `--${f}`).join(', ')), line.spec.name);
    }
    const bytes = await readInputFile(ctx, file, 'subscription request');
    if (!isJsonObject(parseJsonFile(bytes, file, 'subscription request'))) {
      throw new UsageError(m.notObject(file), line.spec.name);
    }
    return bytes.toString('utf8');
  }
  const types = line.strings('type');
  if (types.length === 0) throw new UsageError(m.needTypes, line.spec.name);
  for (const type of types) checkType(line, ctx, type);
  const webhook = line.string('webhook');
  if (webhook !== undefined && !/^https?:\/\//i.test(webhook)) {
    throw new UsageError(m.badWebhook(webhook), line.spec.name);
  }
  const vi = line.string('purpose-vi');
  const en = line.string('purpose-en');
  if ((vi === undefined) !== (en === undefined)) throw new UsageError(m.purposeHalf, line.spec.name);
  const legalBasis = line.string('legal-basis');
  return JSON.stringify({
    types,
    delivery: webhook === undefined ? { mode: 'kafka' } : { mode: 'webhook', url: webhook },
    ...(vi !== undefined && en !== undefined ? { purpose: { vi, en } } : {}),
    ...(legalBasis !== undefined ? { legalBasis } : {}),
  });
}

/** `--purpose-vi`, `--purpose-en` and `--legal-basis`, shared by create and edit. */
const DISCLOSURE_OPTIONS: readonly OptionSpec[] = [
  { name: 'purpose-vi', type: 'string', value: 'TEXT', description: 'purpose of processing, in Vietnamese' },
  { name: 'purpose-en', type: 'string', value: 'TEXT', description: 'the same purpose, in English' },
  {
    name: 'legal-basis',
    type: 'string',
    value: 'TEXT',
    description: 'the legal document that allows it, e.g. "Nghị định 278/2025/NĐ-CP Điều 5"',
  },
];

const createAction = subscriptionAction(
  {
    name: 'subscribe create',
    vi: {
      summary: 'đăng ký nhận các loại dữ liệu: qua hộp thư Kafka của cơ quan hoặc qua webhook',
      description:
        'POST /v1/subscriptions. Không có --webhook thì dữ liệu được chuyển vào lienthong.inbox.AGENCY. Loại dữ liệu có dữ liệu cá nhân mà cơ quan được nhận cần --purpose-vi, --purpose-en và --legal-basis (Luật 91/2025/QH15). --file gửi nguyên văn một yêu cầu đầy đủ. Khóa bí mật của webhook chỉ hiển thị một lần.',
    },
    summary: 'subscribe to types: delivered to your Kafka inbox, or to a webhook',
    description: [
      'POST /v1/subscriptions. Without --webhook, records arrive in lienthong.inbox.AGENCY. A type',
      'whose personal data you may receive needs --purpose-vi, --purpose-en and --legal-basis',
      '(Law 91/2025/QH15). --file sends a whole request as it is, e.g. with a filter or projection.',
      "A webhook's secret is shown in this answer only.",
    ].join('\n'),
    arguments: [],
    options: [
      {
        name: 'type',
        type: 'string',
        value: 'TYPE',
        multiple: true,
        description: 'a message type to receive',
      },
      {
        name: 'webhook',
        type: 'string',
        value: 'URL',
        description: 'deliver by HTTPS POST to URL instead of Kafka',
      },
      ...DISCLOSURE_OPTIONS,
      {
        name: 'file',
        type: 'string',
        value: 'FILE',
        description: 'the whole request body (instead of the flags)',
      },
    ],
    examples: [
      'lienthong subscribe create --type residence.registration',
      'lienthong subscribe create --type residence.registration --webhook https://tuphap.example.gov.vn/lienthong',
      'lienthong subscribe create --file subscription.json',
    ],
  },
  async (line, ctx, m) => ({
    method: 'POST',
    path: '/v1/subscriptions',
    body: await createBody(line, ctx, m),
    headline: (s) => m.created(s.id),
  }),
);

const showAction = subscriptionAction(
  {
    name: 'subscribe show',
    vi: { summary: 'xem một đăng ký nhận dữ liệu', description: 'GET /v1/subscriptions/ID.' },
    summary: 'one subscription',
    description: 'GET /v1/subscriptions/ID.',
    arguments: [ID_ARGUMENT],
    examples: ['lienthong subscribe show 019a…'],
  },
  (line, _ctx, m) => Promise.resolve({ method: 'GET', path: subscriptionPath(line, m) }),
);

const pauseAction = subscriptionAction(
  {
    name: 'subscribe pause',
    vi: {
      summary: 'tạm dừng việc chuyển dữ liệu (dữ liệu được giữ lại, không mất)',
      description: 'POST /v1/subscriptions/ID/pause.',
    },
    summary: 'pause deliveries (they wait, nothing is lost)',
    description: 'POST /v1/subscriptions/ID/pause.',
    arguments: [ID_ARGUMENT],
    examples: ['lienthong subscribe pause 019a…'],
  },
  (line, _ctx, m) =>
    Promise.resolve({
      method: 'POST',
      path: subscriptionPath(line, m, '/pause'),
      headline: (s) => m.paused(s.id),
    }),
);

const resumeAction = subscriptionAction(
  {
    name: 'subscribe resume',
    vi: { summary: 'tiếp tục một đăng ký đang tạm dừng', description: 'POST /v1/subscriptions/ID/resume.' },
    summary: 'resume a paused subscription',
    description: 'POST /v1/subscriptions/ID/resume.',
    arguments: [ID_ARGUMENT],
    examples: ['lienthong subscribe resume 019a…'],
  },
  (line, _ctx, m) =>
    Promise.resolve({
      method: 'POST',
      path: subscriptionPath(line, m, '/resume'),
      headline: (s) => m.resumed(s.id),
    }),
);

const editAction = subscriptionAction(
  {
    name: 'subscribe edit',
    summary: 'change the purpose or the legal basis a subscription states',
    description: [
      'PATCH /v1/subscriptions/ID: the purpose (in both languages) and the legal basis are all',
      'that can change; the disclosure log records them with every later delivery.',
    ].join('\n'),
    vi: {
      summary: 'thay đổi mục đích hoặc căn cứ pháp lý mà đăng ký nêu',
      description:
        'PATCH /v1/subscriptions/ID: chỉ thay đổi được mục đích (bằng cả hai ngôn ngữ) và căn cứ pháp lý; nhật ký tiết lộ dữ liệu ghi lại chúng với mỗi lần chuyển dữ liệu sau đó.',
    },
    arguments: [ID_ARGUMENT],
    options: DISCLOSURE_OPTIONS,
    examples: ['lienthong subscribe edit 019a… --legal-basis "Nghị định 278/2025/NĐ-CP Điều 5 khoản 2"'],
  },
  (line, _ctx, m) => {
    const path = subscriptionPath(line, m);
    const vi = line.string('purpose-vi');
    const en = line.string('purpose-en');
    const legalBasis = line.string('legal-basis');
    if ((vi === undefined) !== (en === undefined)) throw new UsageError(m.purposeHalf, line.spec.name);
    if (vi === undefined && legalBasis === undefined) throw new UsageError(m.nothingToEdit, line.spec.name);
    const body = {
      ...(vi !== undefined && en !== undefined ? { purpose: { vi, en } } : {}),
      ...(legalBasis !== undefined ? { legalBasis } : {}),
    };
    return Promise.resolve({
      method: 'PATCH',
      path,
      body: JSON.stringify(body),
      headline: (s) => m.updated(s.id),
    });
  },
);

const listAction: Command = {
  spec: {
    name: 'subscribe list',
    vi: {
      summary: 'các đăng ký của cơ quan (đơn vị vận hành: của mọi cơ quan), mỗi đăng ký một dòng',
      description: `GET /v1/subscriptions, lọc theo --type.\n${SUBSCRIBER_NOTE_VI}`,
    },
    summary: 'your subscriptions (an operator: every agency’s), one line each',
    description: `GET /v1/subscriptions, narrowed with --type.\n${SUBSCRIBER_NOTE}`,
    arguments: [],
    options: [
      { name: 'type', type: 'string', value: 'TYPE', description: 'only subscriptions to this type' },
      ...CREDENTIAL_OPTIONS,
      JSON_OPTION,
      LANG_OPTION,
    ],
    examples: ['lienthong subscribe list', 'lienthong subscribe list --type residence.registration --json'],
  },
  async run(line, ctx) {
    const m = messagesOf(line, ctx);
    const type = line.string('type');
    if (type !== undefined) checkType(line, ctx, type);
    const query = type === undefined ? '' : `?type=${encodeURIComponent(type)}`;
    const answer = await callAsAgency(line, ctx, 'GET', `/v1/subscriptions${query}`);
    if (line.flag('json')) ctx.stdout(formatJson(answer.body));
    else ctx.stdout(formatSubscriptionList(readSubscriptionList(answer.body, m), m));
  },
};

const deleteAction: Command = {
  spec: {
    name: 'subscribe delete',
    vi: {
      summary: 'xóa một đăng ký: ngừng chuyển dữ liệu',
      description: `DELETE /v1/subscriptions/ID.\n${SUBSCRIBER_NOTE_VI}`,
    },
    summary: 'delete a subscription: deliveries stop',
    description: `DELETE /v1/subscriptions/ID. With --json, prints {"id": ID, "deleted": true}.\n${SUBSCRIBER_NOTE}`,
    arguments: [ID_ARGUMENT],
    options: [...CREDENTIAL_OPTIONS, JSON_OPTION, LANG_OPTION],
    examples: ['lienthong subscribe delete 019a…'],
  },
  async run(line, ctx) {
    const m = messagesOf(line, ctx);
    const path = subscriptionPath(line, m);
    await callAsAgency(line, ctx, 'DELETE', path);
    const id = line.argument('ID');
    ctx.stdout(line.flag('json') ? formatJson({ id, deleted: true }) : `${m.deleted(id)}\n`);
  },
};

/** `lienthong subscribe <action>`: a subscriber's subscriptions. */
export const subscribeCommand: CommandGroup = {
  spec: {
    name: 'subscribe',
    summary: 'subscribers: create, list, show, pause, resume, edit and delete subscriptions',
    description: [
      'Your subscriptions over /v1/subscriptions (docs/delivery.md): what types you receive, and',
      'where (your Kafka inbox or a webhook). lienthong dead-letters lists what could not be delivered.',
    ].join('\n'),
    vi: {
      summary: 'cơ quan nhận dữ liệu: tạo, liệt kê, xem, tạm dừng, tiếp tục, sửa và xóa đăng ký nhận dữ liệu',
      description: [
        'Các đăng ký nhận dữ liệu của cơ quan qua /v1/subscriptions (docs/delivery.md): nhận loại dữ liệu',
        'nào và nhận ở đâu (hộp thư Kafka hoặc webhook). Lệnh lienthong dead-letters liệt kê những gì không chuyển được.',
      ].join('\n'),
    },
  },
  actions: [createAction, listAction, showAction, pauseAction, resumeAction, editAction, deleteAction],
};

/** `lienthong dead-letters ID`: what the router gave up delivering. */
export const deadLettersCommand: Command = {
  spec: {
    name: 'dead-letters',
    vi: {
      summary: 'các thông điệp không chuyển được của một đăng ký (dead letter) và lý do',
      description: `GET /v1/subscriptions/ID/dead-letters: chỉ siêu dữ liệu, không có nội dung, cũ nhất trước.\n${SUBSCRIBER_NOTE_VI}`,
    },
    summary: "a subscription's dead letters: what could not be delivered, and why",
    description: [
      'GET /v1/subscriptions/ID/dead-letters: metadata only (never payloads), oldest first.',
      SUBSCRIBER_NOTE,
    ].join('\n'),
    arguments: [ID_ARGUMENT],
    options: [
      { name: 'limit', type: 'string', value: 'N', description: 'at most N (1 to 1000, default 100)' },
      ...CREDENTIAL_OPTIONS,
      JSON_OPTION,
      LANG_OPTION,
    ],
    examples: ['lienthong dead-letters 019a… --limit 20'],
  },
  async run(line, ctx) {
    const m = messagesOf(line, ctx);
    const path = subscriptionPath(line, m, '/dead-letters');
    const limit = line.string('limit');
    if (limit !== undefined && !(/^[1-9][0-9]{0,3}$/.test(limit) && Number(limit) <= 1000)) {
      throw new UsageError(m.badLimit(limit), line.spec.name);
    }
    const answer = await callAsAgency(
      line,
      ctx,
      'GET',
      limit === undefined ? path : `${path}?limit=${limit}`,
    );
    if (line.flag('json')) ctx.stdout(formatJson(answer.body));
    else ctx.stdout(formatDeadLetters(line.argument('ID'), readDeadLetters(answer.body, m), m));
  },
};
