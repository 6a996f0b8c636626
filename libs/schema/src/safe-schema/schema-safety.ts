import type { ProblemPointer } from '@lienthong/contracts';
import { LienthongError, parseRegistrySchemaUri } from '@lienthong/contracts';
import type { AnySchema, ErrorObject, ValidateFunction } from 'ajv';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { LIENTHONG_KEYWORDS, VETTED_FORMATS } from '../schema-compiler.js';
import { escapePointer } from '../strict-json.util.js';
import { describeViolation } from '../validation-errors.js';
import {
  InvalidEcmaPatternError,
  UnsupportedPatternError,
  compileRe2Pattern,
  re2RegExp,
} from './re2-regexp.js';
import { inspectReferences } from './reference-graph.js';
import { REFERENCE_KEYWORDS, SchemaDocument, hasUriScheme } from './schema-document.js';
import type { SchemaDraft } from './schema-keywords.js';
import {
  draftOfDocument,
  draftOfUri,
  isNameMapKeyword,
  isSchemaObject,
  isSubschemaKeyword,
  subschemasOf,
} from './schema-keywords.js';

/** Limits on an untrusted schema document; each has a default. */
export interface SchemaSafetyOptions {
  /** Serialized size in UTF-8 bytes. Default 256 KiB. */
  maxBytes?: number;
  /** Nesting depth of the JSON document (objects and arrays). Default 32. */
  maxDepth?: number;
  /** Subschemas one validation may visit, references expanded. Default 20 000. */
  maxExpandedSubschemas?: number;
  /** References followed one inside another. Default 64. */
  maxReferenceChain?: number;
}

export const SCHEMA_SAFETY_DEFAULTS: Readonly<Required<SchemaSafetyOptions>> = {
  maxBytes: 256 * 1024,
  maxDepth: 32,
  maxExpandedSubschemas: 20_000,
  maxReferenceChain: 64,
};

/** The problem codes a schema refusal carries. */
export type SchemaProblemCode =
  | 'schema-invalid'
  | 'schema-unsafe-regex'
  | 'schema-remote-ref'
  | 'schema-data-ref'
  | 'schema-too-large'
  | 'schema-too-deep'
  | 'schema-format-not-allowed'
  | 'schema-draft-not-supported';

function decodeFragment(fragment: string): string | undefined {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return undefined;
  }
}

interface Finding extends ProblemPointer {
  code: SchemaProblemCode;
}

/** Which code wins when a schema has several kinds of problem: the most specific first. */
const PRECEDENCE: readonly SchemaProblemCode[] = [
  'schema-draft-not-supported',
  'schema-data-ref',
  'schema-remote-ref',
  'schema-unsafe-regex',
  'schema-format-not-allowed',
  'schema-invalid',
  'schema-too-deep',
  'schema-too-large',
];

const DETAILS: Readonly<Record<SchemaProblemCode, { en: string; vi: string }>> = {
  'schema-invalid': {
    en: 'The schema is not a valid JSON Schema.',
    vi: 'Lược đồ không phải JSON Schema hợp lệ.',
  },
  'schema-unsafe-regex': {
    en: 'Patterns must run on RE2: no look-around and no back-references.',
    vi: 'Mẫu phải chạy được trên RE2: không dùng look-around và tham chiếu ngược.',
  },
  'schema-remote-ref': {
    en: 'References must be local (#...) or name a registered schema (urn:lienthong:schema:<type>:<version>).',
    vi: 'Tham chiếu phải là cục bộ (#...) hoặc trỏ tới lược đồ đã đăng ký (urn:lienthong:schema:<loại>:<phiên bản>).',
  },
  'schema-data-ref': { en: '$data references are not allowed.', vi: 'Không được dùng tham chiếu $data.' },
  'schema-too-large': {
    en: 'The schema exceeds the size limit.',
    vi: 'Lược đồ vượt quá kích thước cho phép.',
  },
  'schema-too-deep': { en: 'The schema is nested too deeply.', vi: 'Lược đồ lồng nhau quá sâu.' },
  'schema-format-not-allowed': {
    en: `Allowed formats: ${VETTED_FORMATS.join(', ')}.`,
    vi: `Các định dạng được phép: ${VETTED_FORMATS.join(', ')}.`,
  },
  'schema-draft-not-supported': {
    en: 'Use JSON Schema 2020-12 (the default) or draft-07.',
    vi: 'Hãy dùng JSON Schema 2020-12 (mặc định) hoặc draft-07.',
  },
};

function refuse(findings: readonly Finding[]): never {
  const code = PRECEDENCE.find((c) => findings.some((f) => f.code === c)) ?? 'schema-invalid';
  const errors = findings
    .filter((f) => f.code === code)
    .map(({ pointer, message, messageVi, keyword }) =>
      keyword ? { pointer, keyword, message, messageVi } : { pointer, message, messageVi },
    );
  throw new LienthongError(code, {
    detail: DETAILS[code].en,
    detailVi: DETAILS[code].vi,
    errors,
  });
}

function fail(code: SchemaProblemCode, pointer: string, message: string, messageVi: string): never {
  refuse([{ code, pointer, message, messageVi }]);
}

/**
 * Checks an integrator's schema before anything compiles it: JSON values only, size and depth
 * limits, a supported draft, no `$data`, no reference or `$id` outside the document and the
 * registry, vetted formats only, patterns that RE2 can run, the draft's meta-schema, and local
 * references that terminate and do not blow up. Throws `LienthongError` with a `schema-*` code
 * and the JSON pointers of the offending parts; returns the draft otherwise.
 */
export function assertSchemaIsSafe(
  document: unknown,
  options: SchemaSafetyOptions = {},
): { draft: SchemaDraft } {
  const { draft } = inspectSchema(document, options);
  return { draft };
}

interface Inspection {
  draft: SchemaDraft;
  doc: SchemaDocument;
  /** Registry references: pointer of the keyword and the referenced URI. */
  registryReferences: { pointer: string; uri: string }[];
}

function inspectSchema(document: unknown, options: SchemaSafetyOptions): Inspection {
  const limits = { ...SCHEMA_SAFETY_DEFAULTS, ...options };
  checkJsonShape(document, limits.maxDepth, limits.maxBytes);
  const bytes = Buffer.byteLength(JSON.stringify(document), 'utf8');
  if (bytes > limits.maxBytes) {
    fail(
      'schema-too-large',
      '',
      `the schema is ${bytes} bytes; the limit is ${limits.maxBytes}`,
      `lược đồ có ${bytes} byte; giới hạn là ${limits.maxBytes}`,
    );
  }
  if (typeof document !== 'boolean' && !isSchemaObject(document)) {
    fail(
      'schema-invalid',
      '',
      'a schema must be an object or a boolean',
      'lược đồ phải là đối tượng hoặc giá trị boolean',
    );
  }
  const draft = draftOfDocument(document);
  if (!draft) {
    fail(
      'schema-draft-not-supported',
      '/$schema',
      'only https://json-schema.org/draft/2020-12/schema and http://json-schema.org/draft-07/schema# are supported',
      'chỉ hỗ trợ https://json-schema.org/draft/2020-12/schema và http://json-schema.org/draft-07/schema#',
    );
  }
  const doc = new SchemaDocument(document, draft);
  const registryReferences: { pointer: string; uri: string }[] = [];
  const findings = scanKeywords(doc, registryReferences);
  if (findings.length > 0) refuse(findings);

  const validator = metaSchemaValidator(draft);
  if (!validator.validateSchema(document)) refuse(metaSchemaFindings(validator.errors ?? []));
  const referenceFinding = inspectReferences(doc, limits);
  if (referenceFinding) refuse([referenceFinding]);
  return { draft, doc, registryReferences };
}

/**
 * Only JSON values, no deeper than `maxDepth`. Iterative, so hostile nesting is harmless, and it
 * stops after `maxBytes` values: each serializes to at least one byte, so more cannot fit.
 */
function checkJsonShape(document: unknown, maxDepth: number, maxBytes: number): void {
  const stack: { value: unknown; pointer: string; depth: number }[] = [
    { value: document, pointer: '', depth: 0 },
  ];
  let values = 0;
  while (stack.length > 0) {
    const { value, pointer, depth } = stack.pop()!;
    if (++values > maxBytes) {
      fail(
        'schema-too-large',
        '',
        `the schema is larger than ${maxBytes} bytes`,
        `lược đồ lớn hơn ${maxBytes} byte`,
      );
    }
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (Number.isFinite(value)) continue;
      fail('schema-invalid', pointer, 'not a JSON number', 'không phải số JSON');
    }
    const isArray = Array.isArray(value);
    if (!isArray && Object.prototype.toString.call(value) !== '[object Object]') {
      fail('schema-invalid', pointer, 'not a JSON value', 'không phải giá trị JSON');
    }
    if (depth + 1 > maxDepth) {
      fail(
        'schema-too-deep',
        pointer,
        `nesting deeper than ${maxDepth} levels`,
        `lồng sâu hơn ${maxDepth} cấp`,
      );
    }
    if (isArray) {
      value.forEach((item: unknown, i) =>
        stack.push({ value: item, pointer: `${pointer}/${i}`, depth: depth + 1 }),
      );
    } else {
      for (const [key, item] of Object.entries(value as object)) {
        stack.push({ value: item, pointer: `${pointer}/${escapePointer(key)}`, depth: depth + 1 });
      }
    }
  }
}

/** The security scan over every schema in the document; collects all findings. */
function scanKeywords(
  doc: SchemaDocument,
  registryReferences: { pointer: string; uri: string }[],
): Finding[] {
  const findings: Finding[] = [];
  const visit = (node: unknown, pointer: string): void => {
    if (!isSchemaObject(node)) return;
    for (const [keyword, value] of Object.entries(node)) {
      const at = `${pointer}/${escapePointer(keyword)}`;
      if (keyword === '$data') {
        findings.push({
          code: 'schema-data-ref',
          pointer: at,
          message: '$data is not allowed',
          messageVi: 'không được dùng $data',
        });
      } else if (!isSubschemaKeyword(keyword) && !isNameMapKeyword(keyword)) {
        findDataReferences(value, at, findings);
      }
      if ((REFERENCE_KEYWORDS as readonly string[]).includes(keyword) && typeof value === 'string') {
        checkReference(doc, value, at, findings, registryReferences);
      } else if (keyword === '$id' && typeof value === 'string') {
        checkId(value, at, findings);
      } else if (
        keyword === '$schema' &&
        pointer !== '' &&
        typeof value === 'string' &&
        draftOfUri(value) !== doc.draft
      ) {
        findings.push({
          code: 'schema-draft-not-supported',
          pointer: at,
          message: 'an embedded schema must use the same draft as the document',
          messageVi: 'lược đồ nhúng phải dùng cùng phiên bản đặc tả với tài liệu',
        });
      } else if (
        keyword === 'format' &&
        typeof value === 'string' &&
        !(VETTED_FORMATS as readonly string[]).includes(value)
      ) {
        findings.push({
          code: 'schema-format-not-allowed',
          pointer: at,
          message: `format "${value}" is not on the vetted list`,
          messageVi: `định dạng "${value}" không nằm trong danh sách được phép`,
        });
      } else if (keyword === 'pattern' && typeof value === 'string') {
        checkPattern(value, at, findings);
      } else if (keyword === 'patternProperties' && isSchemaObject(value)) {
        for (const name of Object.keys(value)) checkPattern(name, `${at}/${escapePointer(name)}`, findings);
      }
    }
    for (const sub of subschemasOf(node, pointer)) visit(sub.schema, sub.pointer);
  };
  visit(doc.root, '');
  return findings;
}

/**
 * `$data` as a member name anywhere in a keyword's value (`const`, `enum`, `maximum`, ...):
 * ajv would read `{"$data": ...}` there as a pointer into the instance if the option were ever
 * switched on. Subschemas are visited as schemas; property names may be anything.
 */
function findDataReferences(value: unknown, pointer: string, findings: Finding[]): void {
  if (Array.isArray(value)) {
    value.forEach((item: unknown, i) => findDataReferences(item, `${pointer}/${i}`, findings));
  } else if (isSchemaObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const at = `${pointer}/${escapePointer(key)}`;
      if (key === '$data') {
        findings.push({
          code: 'schema-data-ref',
          pointer: at,
          message: '$data is not allowed',
          messageVi: 'không được dùng $data',
        });
      }
      findDataReferences(item, at, findings);
    }
  }
}

function checkReference(
  doc: SchemaDocument,
  reference: string,
  pointer: string,
  findings: Finding[],
  registryReferences: { pointer: string; uri: string }[],
): void {
  if (reference.startsWith('#')) return;
  if (parseRegistrySchemaUri(reference)) {
    if (!doc.declares(reference)) registryReferences.push({ pointer, uri: reference });
    return;
  }
  if (hasUriScheme(reference) && doc.declares(reference)) return;
  findings.push({
    code: 'schema-remote-ref',
    pointer,
    message: `reference "${reference}" is neither local (#...) nor a registered schema (urn:lienthong:schema:<type>:<version>)`,
    messageVi: `tham chiếu "${reference}" không phải cục bộ (#...) cũng không phải lược đồ đã đăng ký (urn:lienthong:schema:<loại>:<phiên bản>)`,
  });
}

function checkId(id: string, pointer: string, findings: Finding[]): void {
  if (id.startsWith('#') || id.toLowerCase().startsWith('urn:')) return;
  findings.push({
    code: 'schema-remote-ref',
    pointer,
    message: `$id "${id}" must be a urn: identifier; a location such as an http(s) URL is not allowed`,
    messageVi: `$id "${id}" phải là định danh urn:; không được dùng địa chỉ như URL http(s)`,
  });
}

function checkPattern(pattern: string, pointer: string, findings: Finding[]): void {
  try {
    compileRe2Pattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEcmaPatternError) {
      findings.push({ code: 'schema-invalid', pointer, message: error.message, messageVi: error.messageVi });
    } else if (error instanceof UnsupportedPatternError) {
      findings.push({
        code: 'schema-unsafe-regex',
        pointer,
        message: error.message,
        messageVi: error.messageVi,
      });
    } else {
      throw error;
    }
  }
}

function metaSchemaFindings(errors: readonly ErrorObject[]): Finding[] {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const e of errors) {
    const { message, messageVi } = describeViolation(e);
    const key = `${e.instancePath}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({
      code: 'schema-invalid',
      pointer: e.instancePath,
      keyword: e.keyword,
      message: `does not match the meta-schema: ${message}`,
      messageVi: `không khớp siêu lược đồ (meta-schema): ${messageVi ?? message}`,
    });
  }
  return findings;
}

type SchemaCompiler = Ajv | Ajv2020;

/**
 * An ajv instance for untrusted schemas of one draft: strict mode, all errors, no `$data`,
 * nothing fetched, vetted formats, `x-lienthong-*` annotations, and RE2 for every pattern.
 */
export function createSafeSchemaCompiler(draft: SchemaDraft): SchemaCompiler {
  const options = {
    strict: true,
    allErrors: true,
    $data: false,
    validateFormats: true,
    addUsedSchema: false,
    loadSchema: undefined,
    code: { regExp: re2RegExp },
  } as const;
  const ajv = draft === '07' ? new Ajv(options) : new Ajv2020(options);
  addFormats.default(ajv, [...VETTED_FORMATS]);
  ajv.addVocabulary([...LIENTHONG_KEYWORDS]);
  // ajv resolves `$anchor` (2020-12 section 8.2.2) but its strict mode does not list the keyword.
  if (draft === '2020-12') ajv.addKeyword('$anchor');
  return ajv;
}

const metaValidators = new Map<SchemaDraft, SchemaCompiler>();

/** One shared instance per draft; `validateSchema` adds nothing to it. */
function metaSchemaValidator(draft: SchemaDraft): SchemaCompiler {
  let ajv = metaValidators.get(draft);
  if (!ajv) {
    ajv = createSafeSchemaCompiler(draft);
    metaValidators.set(draft, ajv);
  }
  return ajv;
}

/** A registered schema version that a new schema may reference by its registry URI. */
export interface SchemaReference {
  /** `urn:lienthong:schema:<type>:<version>`. */
  uri: string;
  schema: unknown;
}

export interface UntrustedSchemaOptions extends SchemaSafetyOptions {
  /** Registered schemas the document may reference; nothing else is resolvable. */
  references?: readonly SchemaReference[];
}

export interface CompiledUntrustedSchema {
  draft: SchemaDraft;
  validate: ValidateFunction;
}

/**
 * Checks an untrusted schema with {@link assertSchemaIsSafe} and compiles it with ajv in strict
 * mode for its draft, patterns on RE2, only the given registered schemas resolvable. Throws
 * `LienthongError` (`schema-*` codes) on any refusal.
 */
export function compileUntrustedSchema(
  document: unknown,
  options: UntrustedSchemaOptions = {},
): CompiledUntrustedSchema {
  const { draft, registryReferences } = inspectSchema(document, options);
  const references = options.references ?? [];
  const byUri = new Map(references.map((r) => [stripFragment(r.uri), r]));
  const findings: Finding[] = [];
  for (const { pointer, uri } of registryReferences) {
    const target = byUri.get(stripFragment(uri));
    if (!target) {
      findings.push({
        code: 'schema-remote-ref',
        pointer,
        message: `${stripFragment(uri)} is not a registered schema`,
        messageVi: `${stripFragment(uri)} không phải lược đồ đã đăng ký`,
      });
    } else if (draftOfDocument(target.schema) !== draft) {
      findings.push({
        code: 'schema-invalid',
        pointer,
        message: `${stripFragment(uri)} uses a different JSON Schema draft; drafts cannot be mixed`,
        messageVi: `${stripFragment(uri)} dùng phiên bản JSON Schema khác; không thể trộn các phiên bản`,
      });
    }
  }
  if (findings.length > 0) refuse(findings);

  const ajv = createSafeSchemaCompiler(draft);
  for (const reference of references)
    ajv.addSchema(reference.schema as AnySchema, stripFragment(reference.uri));
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(document as AnySchema);
  } catch (error) {
    const message = (error as Error).message;
    fail(
      'schema-invalid',
      compileErrorPointer(message, document),
      message,
      `không biên dịch được ở chế độ nghiêm ngặt: ${message}`,
    );
  }
  return { draft, validate };
}

/** Best effort: the pointer ajv names in a strict-mode message, or the unknown keyword's place. */
function compileErrorPointer(message: string, document: unknown): string {
  const at = /at "#([^"]*)"/.exec(message);
  if (at) return decodeFragment(at[1] ?? '') ?? '';
  const unknown = /unknown keyword: "([^"]+)"/.exec(message);
  if (unknown) {
    const keyword = unknown[1]!;
    let found: string | undefined;
    const visit = (node: unknown, pointer: string): void => {
      if (found !== undefined || !isSchemaObject(node)) return;
      if (Object.prototype.hasOwnProperty.call(node, keyword)) {
        found = `${pointer}/${escapePointer(keyword)}`;
        return;
      }
      for (const sub of subschemasOf(node, pointer)) visit(sub.schema, sub.pointer);
    };
    visit(document, '');
    if (found !== undefined) return found;
  }
  return '';
}

function stripFragment(uri: string): string {
  const hash = uri.indexOf('#');
  return hash >= 0 ? uri.slice(0, hash) : uri;
}
