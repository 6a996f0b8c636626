import { isMessageType } from '@lienthong/contracts';
import { callAsAgency } from '../common/agency-credentials.js';
import { SchemaIncompatibleError, UnexpectedError, UsageError } from '../common/cli.exception.js';
import { parseJsonFile, readInputFile } from '../common/cli-files.js';
import type { Command } from '../common/command.js';
import { CREDENTIAL_OPTIONS } from '../common/credential-options.js';
import type { Messages } from '../common/i18n/en.js';
import { LANG_OPTION, languageOf, messagesIn } from '../common/i18n/language.js';
import { isJsonObject } from '../common/json-value.util.js';
import { formatJson, printable } from '../common/output.js';

/** `POST /v1/schemas/{type}/compatibility`'s answer (docs/registry.md, "Check compatibility"). */
export interface CompatibilityReport {
  compatible: boolean;
  level: string;
  reasons: { pointer: string; rule: string; message: string; againstVersion: number }[];
}

function readReport(body: unknown, m: Messages['compatibility']): CompatibilityReport {
  const reasons = isJsonObject(body) && Array.isArray(body['reasons']) ? body['reasons'] : undefined;
  if (
    !isJsonObject(body) ||
    typeof body['compatible'] !== 'boolean' ||
    typeof body['level'] !== 'string' ||
    !reasons ||
    !reasons.every(
      (r) =>
        isJsonObject(r) &&
        typeof r['pointer'] === 'string' &&
        typeof r['rule'] === 'string' &&
        typeof r['message'] === 'string' &&
        typeof r['againstVersion'] === 'number',
    )
  ) {
    throw new UnexpectedError(m.badAnswer('a compatibility report'));
  }
  return body as unknown as CompatibilityReport;
}

/** The report for a person; the reasons' messages are already in the language asked for. */
export function formatCompatibilityReport(type: string, report: CompatibilityReport, m: Messages): string {
  if (report.compatible) return `${m.compatibility.compatible(type, printable(report.level))}\n`;
  const lines = [m.compatibility.incompatible(type, printable(report.level), report.reasons.length)];
  for (const r of report.reasons) {
    const where = r.pointer === '' ? m.cli.wholeDocument : r.pointer;
    lines.push(
      `  ${printable(where)}: ${printable(r.message)} [${printable(r.rule)}, ${m.compatibility.against(r.againstVersion)}]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `lienthong check-compatibility TYPE SCHEMA_FILE`: would this schema register as TYPE's next version? */
export const checkCompatibilityCommand: Command = {
  spec: {
    name: 'check-compatibility',
    summary: "check a candidate schema against a type's registered versions, without registering it",
    description: [
      "POST /v1/schemas/TYPE/compatibility: the registry's own check, under the type's level (or",
      '--level). SCHEMA_FILE is a JSON Schema, or a registration {"schema": …, "metadata": …} as',
      'register-schema takes, whose schema is checked. Nothing is registered. Exit 0 compatible,',
      '1 not compatible (every reason is listed) or refused by the gateway.',
    ].join('\n'),
    vi: {
      summary: 'kiểm tra một lược đồ dự kiến với các phiên bản đã đăng ký của loại dữ liệu, không đăng ký',
      description: [
        'POST /v1/schemas/TYPE/compatibility: chính phép kiểm tra của kho lược đồ, theo mức tương thích',
        'của loại dữ liệu (hoặc --level). SCHEMA_FILE là một JSON Schema, hoặc một yêu cầu đăng ký',
        '{"schema": …, "metadata": …} như lệnh register-schema nhận. Không đăng ký gì. Mã kết thúc 0',
        'tương thích, 1 không tương thích (liệt kê mọi lý do) hoặc cổng từ chối.',
      ].join('\n'),
    },
    arguments: [
      { name: 'TYPE', description: 'the message type, e.g. residence.registration' },
      { name: 'SCHEMA_FILE', description: 'the candidate JSON Schema (or a registration)' },
    ],
    options: [
      {
        name: 'level',
        type: 'string',
        value: 'LEVEL',
        description: "check under this level instead of the type's (BACKWARD, FULL_TRANSITIVE, NONE…)",
      },
      ...CREDENTIAL_OPTIONS,
      { name: 'json', type: 'boolean', description: "print the gateway's report as JSON" },
      LANG_OPTION,
    ],
    examples: [
      'lienthong check-compatibility residence.registration schemas/residence.registration/v2.schema.json',
      'lienthong check-compatibility tax.invoice v3.schema.json --level FULL --json',
    ],
  },
  async run(line, ctx) {
    const messages = messagesIn(languageOf(line.string('lang'), ctx.env));
    const m = messages.compatibility;
    const type = line.argument('TYPE');
    if (!isMessageType(type)) throw new UsageError(messages.agency.badType(type), line.spec.name);
    const level = line.string('level');
    if (level !== undefined) {
      const { COMPATIBILITY_LEVELS } = await import('@lienthong/schema');
      if (!(COMPATIBILITY_LEVELS as readonly string[]).includes(level)) {
        throw new UsageError(m.badLevel(level, COMPATIBILITY_LEVELS.join(', ')), line.spec.name);
      }
    }
    const file = line.argument('SCHEMA_FILE');
    const document = parseJsonFile(await readInputFile(ctx, file, 'schema file'), file, 'schema file');
    if (!isJsonObject(document)) throw new UsageError(m.notObject(file), line.spec.name);
    // The same rule as register-schema: a registration names its schema, a schema carries no `schema`.
    const isRegistration =
      !('x-lienthong-type' in document) && ('schema' in document || 'metadata' in document);
    const schema = isRegistration ? document['schema'] : document;
    const body = JSON.stringify(level === undefined ? { schema } : { schema, level });
    const answer = await callAsAgency(line, ctx, 'POST', `/v1/schemas/${type}/compatibility`, body);
    const report = readReport(answer.body, m);
    ctx.stdout(
      line.flag('json') ? formatJson(answer.body) : formatCompatibilityReport(type, report, messages),
    );
    if (!report.compatible) throw new SchemaIncompatibleError(m.notCompatible);
  },
};
