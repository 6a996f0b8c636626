import type { ProblemCode, ProblemPointer } from '@lienthong/contracts';
import { LienthongError, isAgencyCode, isMessageType } from '@lienthong/contracts';
import type {
  CompatibilityLevel,
  SchemaRegistrationInput,
  SchemaVersion,
  SchemaVersionMetadata,
  VersionState,
} from '@lienthong/registry';
import { COMPATIBILITY_LEVELS, VERSION_STATES, isCompatibilityLevel } from '@lienthong/registry';
import { escapePointer, isJsonPointer, parseStrictJson } from '@lienthong/schema';

// ---- answers ----

/** `POST /v1/schemas/{type}/versions`: 201 with `created: true`, 200 with `created: false`. */
export interface RegistrationResult {
  type: string;
  version: number;
  id: number;
  created: boolean;
}

/** One entry of `GET /v1/schemas`. */
export interface TypeSummary {
  type: string;
  latestVersion: number;
  latestId: number;
  state: VersionState;
  deprecated?: true;
  versions: number;
  compatibility: CompatibilityLevel;
  owner: string;
  description: { vi: string; en: string };
}

export interface TypeList {
  /** The global default level (types without their own level follow it). */
  compatibility: CompatibilityLevel;
  types: TypeSummary[];
}

/** One entry of `GET /v1/schemas/{type}/versions`. */
export interface VersionSummary {
  version: number;
  id: number;
  state: VersionState;
  deprecated?: true;
  registeredAt: string;
}

export interface VersionList {
  type: string;
  compatibility: CompatibilityLevel;
  versions: VersionSummary[];
}

/** One version with its document: `GET …/versions/{n|latest}` and `GET /v1/schemas/ids/{id}`. */
export interface VersionView {
  type: string;
  version: number;
  id: number;
  state: VersionState;
  /** Present (true) when the version is deprecated: still accepted for publishing, plan to move on. */
  deprecated?: true;
  schema: Readonly<Record<string, unknown>>;
  metadata: Readonly<SchemaVersionMetadata>;
  registeredAt: string;
  registeredBy?: string;
}

export interface CompatibilityReport {
  compatible: boolean;
  level: CompatibilityLevel;
  reasons: { pointer: string; rule: string; message: string; againstVersion: number }[];
}

export interface CompatibilityConfig {
  compatibility: CompatibilityLevel;
  /** `type` when the type has its own level, `global` when it follows the global default. */
  source?: 'type' | 'global';
}

export function versionSummary(v: SchemaVersion): VersionSummary {
  return {
    version: v.version,
    id: v.id,
    state: v.state,
    ...(v.state === 'deprecated' ? { deprecated: true as const } : {}),
    registeredAt: v.registeredAt,
  };
}

export function versionView(v: SchemaVersion): VersionView {
  const view: VersionView = {
    type: v.type,
    version: v.version,
    id: v.id,
    state: v.state,
    ...(v.state === 'deprecated' ? { deprecated: true as const } : {}),
    schema: v.schema,
    metadata: v.metadata,
    registeredAt: v.registeredAt,
  };
  if (v.registeredBy !== undefined) view.registeredBy = v.registeredBy;
  return view;
}

// ---- path parameters ----

/** A type name from the path; 400 `invalid-type-name` when it cannot be one. */
export function parseTypeName(type: string): string {
  if (!isMessageType(type)) {
    throw new LienthongError('invalid-type-name', {
      detail: `"${type}" is not a valid type name: lower-case words of letters, digits and hyphens, separated by dots.`,
      detailVi: `"${type}" không phải tên loại hợp lệ: các từ chữ thường, chữ số và gạch nối, ngăn cách bởi dấu chấm.`,
    });
  }
  return type;
}

const POSITIVE_INT = /^[1-9][0-9]{0,8}$/;

/** `{n|latest}` from the path: a positive integer or the string `latest`. */
export function parseVersionRef(type: string, ref: string): number | 'latest' {
  if (ref === 'latest') return 'latest';
  if (POSITIVE_INT.test(ref)) return Number(ref);
  throw new LienthongError('unknown-schema-version', {
    detail: `${type} has no version "${ref}": versions are positive integers or "latest".`,
    detailVi: `${type} không có phiên bản "${ref}": phiên bản là số nguyên dương hoặc "latest".`,
  });
}

/** A version number (no `latest`) from the path, e.g. for state changes. */
export function parseVersionNumber(type: string, ref: string): number {
  const parsed = parseVersionRef(type, ref);
  if (parsed === 'latest') {
    throw new LienthongError('unknown-schema-version', {
      detail: `Name the version of ${type} by number; "latest" moves.`,
      detailVi: `Hãy ghi rõ số phiên bản của ${type}; "latest" có thể thay đổi.`,
    });
  }
  return parsed;
}

/** A registry-wide schema id from the path. */
export function parseSchemaId(id: string): number {
  if (POSITIVE_INT.test(id)) return Number(id);
  throw new LienthongError('unknown-schema-version', {
    detail: `No schema has id "${id}": ids are positive integers.`,
    detailVi: `Không có lược đồ nào mang mã "${id}": mã là số nguyên dương.`,
  });
}

// ---- request bodies ----

/** Longest accepted description, per language. */
export const MAX_DESCRIPTION_LENGTH = 2_000;
/** Most personal-data pointers one version may declare. */
export const MAX_PERSONAL_DATA_POINTERS = 500;
/** Most data-subject pointers one version may declare (a record is about a few people at most). */
export const MAX_DATA_SUBJECT_POINTERS = 10;

type JsonObject = Record<string, unknown>;

/**
 * Collects every problem of a request body before refusing it, so that the client fixes all of
 * them in one round trip. Pointers are RFC 6901 pointers into the request body.
 */
class BodyChecker {
  readonly problems: ProblemPointer[] = [];

  fail(pointer: string, message: string, messageVi: string): void {
    this.problems.push({ pointer, message, messageVi });
  }

  /**
   * The value as an object whose members are all in `allowed` (any members when `allowed` is
   * omitted); undefined, with a problem, otherwise.
   */
  object(value: unknown, pointer: string, allowed?: readonly string[]): JsonObject | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(pointer, 'must be a JSON object', 'phải là một đối tượng JSON');
      return undefined;
    }
    if (allowed === undefined) return value as JsonObject;
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        this.fail(
          `${pointer}/${escapePointer(key)}`,
          `unknown member; allowed: ${allowed.join(', ')}`,
          `thành phần không được hỗ trợ; chỉ cho phép: ${allowed.join(', ')}`,
        );
      }
    }
    return value as JsonObject;
  }

  required(object: JsonObject, name: string, pointer: string): unknown {
    if (!Object.prototype.hasOwnProperty.call(object, name)) {
      this.fail(`${pointer}/${name}`, 'required member is missing', 'thiếu thành phần bắt buộc');
      return undefined;
    }
    return object[name];
  }

  text(value: unknown, pointer: string, maxLength: number): string | undefined {
    if (typeof value !== 'string' || value.trim().length === 0) {
      this.fail(pointer, 'must be a non-empty string', 'phải là chuỗi không rỗng');
      return undefined;
    }
    if (value.length > maxLength) {
      this.fail(pointer, `must be at most ${maxLength} characters`, `không được dài quá ${maxLength} ký tự`);
      return undefined;
    }
    return value;
  }

  pointer(value: unknown, pointer: string): string | undefined {
    if (typeof value !== 'string' || value === '' || !isJsonPointer(value)) {
      this.fail(
        pointer,
        'must be a non-empty RFC 6901 JSON pointer such as /citizenId',
        'phải là con trỏ JSON (RFC 6901) không rỗng, ví dụ /citizenId',
      );
      return undefined;
    }
    return value;
  }

  refuse(code: ProblemCode, detail: string, detailVi: string): void {
    if (this.problems.length > 0) throw new LienthongError(code, { detail, detailVi, errors: this.problems });
  }
}

/** `application/json` and structured-syntax `+json` types (RFC 6839 section 3.1). */
const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json\s*(?:;|$)/i;

/**
 * 415 unless the request declares a JSON body: the gateway also takes form-encoded bodies (for
 * the token endpoint), which must not reach a JSON route as if they were JSON.
 */
export function assertJsonMediaType(contentType: string | undefined): void {
  if (!JSON_MEDIA_TYPE.test(contentType ?? '')) throw new LienthongError('unsupported-media-type');
}

/** Parses the raw body of a registry request as strict JSON (400 codes for malformed bodies). */
export function parseBody(body: Buffer | undefined, contentType: string | undefined): unknown {
  if (!Buffer.isBuffer(body)) throw new LienthongError('empty-body');
  assertJsonMediaType(contentType);
  return parseStrictJson(body);
}

const REGISTRATION_MEMBERS = ['schema', 'metadata'] as const;
const METADATA_MEMBERS = [
  'owner',
  'description',
  'keyPointer',
  'personalData',
  'dataSubject',
  'signatureRequired',
  'examples',
] as const;
const DESCRIPTION_MEMBERS = ['vi', 'en'] as const;

/**
 * `POST /v1/schemas/{type}/versions` body: `{schema, metadata}`. Refuses unknown members and
 * ill-formed metadata with 422 `invalid-schema-registration` naming every failing pointer.
 * `personalData`, `signatureRequired` and `examples` default to `[]`, `false` and `[]`, so the
 * same registration written with or without the defaults is the same version.
 * Whether the schema itself is safe and the examples validate is the registry's check.
 */
export function parseRegistration(value: unknown): SchemaRegistrationInput {
  const check = new BodyChecker();
  const body = check.object(value, '', REGISTRATION_MEMBERS);
  let schema: JsonObject | undefined;
  let metadata: SchemaVersionMetadata | undefined;
  if (body) {
    const rawSchema = check.required(body, 'schema', '');
    if (rawSchema !== undefined) schema = check.object(rawSchema, '/schema');
    const rawMetadata = check.required(body, 'metadata', '');
    if (rawMetadata !== undefined) metadata = parseMetadata(check, rawMetadata);
  }
  check.refuse(
    'invalid-schema-registration',
    `${check.problems.length} problem(s) in the registration request.`,
    `Yêu cầu đăng ký có ${check.problems.length} lỗi.`,
  );
  return { schema: schema!, metadata: metadata! };
}

function parseMetadata(check: BodyChecker, value: unknown): SchemaVersionMetadata | undefined {
  const at = '/metadata';
  const m = check.object(value, at, METADATA_MEMBERS);
  if (!m) return undefined;

  const rawOwner = check.required(m, 'owner', at);
  let owner: string | undefined;
  if (rawOwner !== undefined) {
    if (typeof rawOwner === 'string' && isAgencyCode(rawOwner)) owner = rawOwner;
    else {
      check.fail(
        `${at}/owner`,
        'must be an agency code (Decision 20/2020/QĐ-TTg), e.g. 000.00.00.G12',
        'phải là mã định danh cơ quan (Quyết định 20/2020/QĐ-TTg), ví dụ 000.00.00.G12',
      );
    }
  }

  const rawDescription = check.required(m, 'description', at);
  let description: { vi: string; en: string } | undefined;
  if (rawDescription !== undefined) {
    const d = check.object(rawDescription, `${at}/description`, DESCRIPTION_MEMBERS);
    if (d) {
      const vi = check.required(d, 'vi', `${at}/description`);
      const en = check.required(d, 'en', `${at}/description`);
      const viText =
        vi === undefined ? undefined : check.text(vi, `${at}/description/vi`, MAX_DESCRIPTION_LENGTH);
      const enText =
        en === undefined ? undefined : check.text(en, `${at}/description/en`, MAX_DESCRIPTION_LENGTH);
      if (viText !== undefined && enText !== undefined) description = { vi: viText, en: enText };
    }
  }

  const rawKey = check.required(m, 'keyPointer', at);
  const keyPointer = rawKey === undefined ? undefined : check.pointer(rawKey, `${at}/keyPointer`);

  let personalData: string[] = [];
  if (m['personalData'] !== undefined) {
    const list = m['personalData'];
    if (!Array.isArray(list)) {
      check.fail(`${at}/personalData`, 'must be an array of JSON pointers', 'phải là mảng các con trỏ JSON');
    } else if (list.length > MAX_PERSONAL_DATA_POINTERS) {
      check.fail(
        `${at}/personalData`,
        `must list at most ${MAX_PERSONAL_DATA_POINTERS} pointers`,
        `chỉ được liệt kê tối đa ${MAX_PERSONAL_DATA_POINTERS} con trỏ`,
      );
    } else {
      personalData = list.flatMap((p: unknown, i) => check.pointer(p, `${at}/personalData/${i}`) ?? []);
      const seen = new Set<string>();
      list.forEach((p: unknown, i) => {
        if (typeof p !== 'string') return;
        if (seen.has(p)) check.fail(`${at}/personalData/${i}`, 'listed twice', 'bị liệt kê hai lần');
        seen.add(p);
      });
    }
  }

  const dataSubject: string[] = [];
  if (m['dataSubject'] !== undefined) {
    const list = m['dataSubject'];
    if (!Array.isArray(list) || list.length > MAX_DATA_SUBJECT_POINTERS) {
      check.fail(
        `${at}/dataSubject`,
        `must be an array of at most ${MAX_DATA_SUBJECT_POINTERS} JSON pointers`,
        `phải là mảng tối đa ${MAX_DATA_SUBJECT_POINTERS} con trỏ JSON`,
      );
    } else {
      list.forEach((p: unknown, i) => {
        const pointer = check.pointer(p, `${at}/dataSubject/${i}`);
        if (pointer === undefined) return;
        if (dataSubject.includes(pointer))
          check.fail(`${at}/dataSubject/${i}`, 'listed twice', 'bị liệt kê hai lần');
        else dataSubject.push(pointer);
      });
    }
  }

  let signatureRequired = false;
  if (m['signatureRequired'] !== undefined) {
    if (typeof m['signatureRequired'] === 'boolean') signatureRequired = m['signatureRequired'];
    else check.fail(`${at}/signatureRequired`, 'must be true or false', 'phải là true hoặc false');
  }

  let examples: unknown[] = [];
  if (m['examples'] !== undefined) {
    if (Array.isArray(m['examples'])) examples = m['examples'] as unknown[];
    else
      check.fail(`${at}/examples`, 'must be an array of example records', 'phải là mảng các bản ghi ví dụ');
  }

  if (owner === undefined || description === undefined || keyPointer === undefined) return undefined;
  return {
    owner,
    description,
    keyPointer,
    personalData,
    ...(dataSubject.length > 0 && { dataSubject }),
    signatureRequired,
    examples,
  };
}

/** `POST /v1/schemas/{type}/compatibility` body: `{schema, level?}`. */
export function parseCompatibilityRequest(value: unknown): {
  schema: JsonObject;
  level?: CompatibilityLevel;
} {
  const check = new BodyChecker();
  const body = check.object(value, '', ['schema', 'level']);
  let schema: JsonObject | undefined;
  let level: CompatibilityLevel | undefined;
  if (body) {
    const rawSchema = check.required(body, 'schema', '');
    if (rawSchema !== undefined) schema = check.object(rawSchema, '/schema');
    if (body['level'] !== undefined) level = checkLevel(check, body['level'], '/level');
  }
  check.refuse(
    'invalid-registry-request',
    'The compatibility check request is invalid.',
    'Yêu cầu kiểm tra tương thích không hợp lệ.',
  );
  return level === undefined ? { schema: schema! } : { schema: schema!, level };
}

/** `PUT …/config` body: `{compatibility}`. */
export function parseConfigUpdate(value: unknown): CompatibilityLevel {
  const check = new BodyChecker();
  const body = check.object(value, '', ['compatibility']);
  let level: CompatibilityLevel | undefined;
  if (body) {
    const raw = check.required(body, 'compatibility', '');
    if (raw !== undefined) level = checkLevel(check, raw, '/compatibility');
  }
  check.refuse('invalid-registry-request', 'The configuration is invalid.', 'Cấu hình không hợp lệ.');
  return level!;
}

/** `PUT …/versions/{n}/state` body: `{state}`. */
export function parseStateUpdate(value: unknown): VersionState {
  const check = new BodyChecker();
  const body = check.object(value, '', ['state']);
  let state: VersionState | undefined;
  if (body) {
    const raw = check.required(body, 'state', '');
    if (raw !== undefined) {
      if ((VERSION_STATES as readonly unknown[]).includes(raw)) state = raw as VersionState;
      else {
        check.fail(
          '/state',
          `must be one of ${VERSION_STATES.join(', ')}`,
          `phải là một trong các giá trị ${VERSION_STATES.join(', ')}`,
        );
      }
    }
  }
  check.refuse(
    'invalid-registry-request',
    'The version state change is invalid.',
    'Yêu cầu đổi trạng thái phiên bản không hợp lệ.',
  );
  return state!;
}

function checkLevel(check: BodyChecker, value: unknown, pointer: string): CompatibilityLevel | undefined {
  if (isCompatibilityLevel(value)) return value;
  check.fail(
    pointer,
    `must be one of ${COMPATIBILITY_LEVELS.join(', ')}`,
    `phải là một trong các mức ${COMPATIBILITY_LEVELS.join(', ')}`,
  );
  return undefined;
}
