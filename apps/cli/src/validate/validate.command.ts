import type { ProblemPointer } from '@lienthong/contracts';
import { LienthongError, isMessageType, parseRegistrySchemaUri } from '@lienthong/contracts';
import { openAgencySession, readAgencyCredentials } from '../common/agency-credentials.js';
import type { CliContext } from '../common/cli-context.js';
import { RecordInvalidError, UnexpectedError, UsageError } from '../common/cli.exception.js';
import { RECORD_FILE_MAX_BYTES, readInputFile } from '../common/cli-files.js';
import type { Command } from '../common/command.js';
import type { CommandLine } from '../common/command-line.js';
import { CREDENTIAL_OPTIONS } from '../common/credential-options.js';
import { errorMessage } from '../common/error-message.util.js';
import type { Messages } from '../common/i18n/en.js';
import type { Language } from '../common/i18n/language.js';
import { LANG_OPTION, languageOf, messagesIn } from '../common/i18n/language.js';
import { isJsonObject } from '../common/json-value.util.js';
import { formatJson, printable } from '../common/output.js';

type ValidateMessages = Messages['validate'];

/** What `validate` concludes: the gateway's own verdict on the record, without publishing it. */
export interface ValidationVerdict {
  valid: boolean;
  type: string;
  schemaVersion: number;
  /** The problem code publishing would be refused with, when not valid. */
  code?: string;
  detail?: { en: string; vi: string };
  /** Failing JSON pointers with their messages in both languages. */
  errors: ProblemPointer[];
}

/** The members of `GET /v1/schemas/{type}/versions/{n}` the verdict needs. */
interface FetchedVersion {
  version: number;
  state: string;
  schema: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/**
 * Fetches the version publishing would use (the one named, else the newest that is not
 * disabled), then validates the record with the gateway's own compile path
 * (`compileUntrustedSchema` and `CompiledSchema` of `@lienthong/schema`): the same strict JSON
 * parser, the same schema, the same record-key rule, so the same failing pointers. The gateway
 * has no validate-only route.
 */
async function judge(
  line: CommandLine,
  ctx: CliContext,
  language: Language,
  m: ValidateMessages,
): Promise<ValidationVerdict> {
  const type = line.argument('TYPE');
  if (!isMessageType(type)) throw new UsageError(messagesIn(language).agency.badType(type), line.spec.name);
  const requested = line.string('version');
  if (requested !== undefined && !/^[1-9][0-9]{0,8}$/.test(requested)) {
    throw new UsageError(m.badVersion(requested), line.spec.name);
  }
  const bytes = await readInputFile(ctx, line.argument('FILE'), 'record file', RECORD_FILE_MAX_BYTES);
  // Loaded here, not at start-up: the schema lib brings ajv, which most commands never need.
  const schemaLib = await import('@lienthong/schema');

  const credentials = await readAgencyCredentials(line, ctx);
  const { client, token } = await openAgencySession(credentials, ctx);
  const get = async (path: string): Promise<unknown> =>
    (await client.request('GET', path, token.access_token, undefined, language)).body;
  const fetchVersion = async (t: string, v: string): Promise<FetchedVersion> =>
    readVersion(await get(`/v1/schemas/${t}/versions/${v}`), m);

  let number = requested;
  if (number === undefined) {
    const list = await get(`/v1/schemas/${type}/versions`);
    const versions = isJsonObject(list) && Array.isArray(list['versions']) ? list['versions'] : undefined;
    if (!versions) throw new UnexpectedError(m.badAnswer('a version list'));
    const enabled = versions
      .filter(isJsonObject)
      .filter((v) => v['state'] !== 'disabled' && typeof v['version'] === 'number')
      .map((v) => v['version'] as number);
    if (enabled.length === 0) {
      return refused(
        type,
        0,
        'schema-version-disabled',
        m.allDisabled(type),
        messagesIn('vi').validate.allDisabled(type),
      );
    }
    number = String(Math.max(...enabled));
  }
  const version = await fetchVersion(type, number);
  if (version.state === 'disabled') {
    return refused(
      type,
      version.version,
      'schema-version-disabled',
      messagesIn('en').validate.disabled(type, version.version),
      messagesIn('vi').validate.disabled(type, version.version),
    );
  }
  if (version.state === 'deprecated') ctx.stderr(`${m.deprecated(type, version.version)}\n`);

  // Registered schemas it references, as the gateway's SchemaValidators resolves them.
  const references = await Promise.all(
    registryReferences(version.schema).map(async (uri) => {
      const named = parseRegistrySchemaUri(uri)!;
      return { uri, schema: (await fetchVersion(named.type, String(named.version))).schema };
    }),
  );
  let compiled: InstanceType<typeof schemaLib.CompiledSchema>;
  try {
    const { validate } = schemaLib.compileUntrustedSchema(version.schema, { references });
    compiled = new schemaLib.CompiledSchema(metadataOf(type, version, m), version.schema, validate);
  } catch (error) {
    throw new UnexpectedError(
      `${type} version ${version.version} does not compile here: ${errorMessage(error)}`,
    );
  }

  try {
    const payload = schemaLib.parseStrictJson(bytes);
    const errors = compiled.validate(payload);
    if (errors.length > 0) {
      return { valid: false, type, schemaVersion: version.version, code: 'validation-failed', errors };
    }
    compiled.recordKey(payload);
  } catch (error) {
    if (!(error instanceof LienthongError)) throw error;
    const { detail, detailVi, errors } = error.options;
    return {
      valid: false,
      type,
      schemaVersion: version.version,
      code: error.code,
      ...(detail !== undefined ? { detail: { en: detail, vi: detailVi ?? detail } } : {}),
      errors: errors ?? [],
    };
  }
  return { valid: true, type, schemaVersion: version.version, errors: [] };
}

function refused(type: string, version: number, code: string, en: string, vi: string): ValidationVerdict {
  return { valid: false, type, schemaVersion: version, code, detail: { en, vi }, errors: [] };
}

function readVersion(body: unknown, m: ValidateMessages): FetchedVersion {
  if (
    !isJsonObject(body) ||
    typeof body['version'] !== 'number' ||
    typeof body['state'] !== 'string' ||
    !isJsonObject(body['schema']) ||
    !isJsonObject(body['metadata'])
  ) {
    throw new UnexpectedError(m.badAnswer('a schema version'));
  }
  return {
    version: body['version'],
    state: body['state'],
    schema: body['schema'],
    metadata: body['metadata'],
  };
}

function metadataOf(type: string, version: FetchedVersion, m: ValidateMessages) {
  const md = version.metadata;
  const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const description = isJsonObject(md['description']) ? md['description'] : {};
  if (typeof md['keyPointer'] !== 'string' || typeof md['owner'] !== 'string') {
    throw new UnexpectedError(m.badAnswer('a schema version'));
  }
  return {
    type,
    version: version.version,
    keyPointer: md['keyPointer'],
    owner: md['owner'],
    personalData: strings(md['personalData']),
    dataSubject: strings(md['dataSubject']),
    description: {
      vi: typeof description['vi'] === 'string' ? description['vi'] : '',
      en: typeof description['en'] === 'string' ? description['en'] : '',
    },
    signatureRequired: md['signatureRequired'] === true,
  };
}

/** `urn:lienthong:schema:<type>:<version>` URIs the document's `$ref`s name, without fragments. */
function registryReferences(document: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const uri = value.split('#')[0]!;
        if (parseRegistrySchemaUri(uri)) found.add(uri);
      } else {
        visit(value);
      }
    }
  };
  visit(document);
  return [...found];
}

/** The verdict for a person, in one language. */
export function formatVerdict(verdict: ValidationVerdict, language: Language): string {
  const m = messagesIn(language);
  if (verdict.valid) return `${m.validate.valid(verdict.type, verdict.schemaVersion)}\n`;
  const lines = [
    m.validate.invalid(
      Math.max(verdict.errors.length, 1),
      verdict.type,
      verdict.schemaVersion,
      verdict.code ?? 'invalid',
    ),
  ];
  if (verdict.detail) lines.push(`  ${printable(verdict.detail[language])}`);
  for (const e of verdict.errors) {
    const where = e.pointer === '' ? m.cli.wholeDocument : e.pointer;
    const message = language === 'vi' ? (e.messageVi ?? e.message) : e.message;
    lines.push(
      `  ${printable(where)}: ${printable(message)}${e.keyword ? ` [${printable(e.keyword)}]` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `lienthong validate TYPE FILE`: would the gateway accept this record? Nothing is published. */
export const validateCommand: Command = {
  spec: {
    name: 'validate',
    summary: 'check a record against its registered type, without publishing it',
    description: [
      "Fetches the type's schema version from the registry (GET /v1/schemas/TYPE/versions/N; without",
      '--version, the newest version that is not disabled, as publish uses) and validates FILE with',
      "the gateway's own validator: the same failing JSON pointers, in English and Vietnamese.",
      'Nothing is published. Exit 0 valid, 1 not valid (or refused by the gateway, e.g. an unknown type).',
    ].join('\n'),
    vi: {
      summary: 'kiểm tra một bản ghi theo loại dữ liệu đã đăng ký, không gửi đi',
      description: [
        'Lấy phiên bản lược đồ của loại dữ liệu từ kho lược đồ (GET /v1/schemas/TYPE/versions/N; không có',
        '--version thì dùng phiên bản mới nhất chưa bị vô hiệu hoá, như lệnh publish) và kiểm tra FILE bằng',
        'chính bộ kiểm tra của cổng: cùng các con trỏ JSON bị lỗi, bằng tiếng Việt và tiếng Anh.',
        'Không gửi gì. Mã kết thúc 0 hợp lệ, 1 không hợp lệ (hoặc cổng từ chối, ví dụ loại dữ liệu không tồn tại).',
      ].join('\n'),
    },
    arguments: [
      { name: 'TYPE', description: 'the message type, e.g. residence.registration' },
      { name: 'FILE', description: 'the record (a JSON file)' },
    ],
    options: [
      { name: 'version', type: 'string', value: 'N', description: 'validate against version N of the type' },
      ...CREDENTIAL_OPTIONS,
      { name: 'json', type: 'boolean', description: 'print the verdict as JSON' },
      LANG_OPTION,
    ],
    examples: [
      'lienthong validate residence.registration record.json',
      'lienthong validate residence.registration record.json --version 1 --json',
    ],
  },
  async run(line, ctx) {
    const language = languageOf(line.string('lang'), ctx.env);
    const m = messagesIn(language).validate;
    const verdict = await judge(line, ctx, language, m);
    ctx.stdout(line.flag('json') ? formatJson(verdict) : formatVerdict(verdict, language));
    if (!verdict.valid) throw new RecordInvalidError(m.notValid);
  },
};
