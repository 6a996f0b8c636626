import type { ProblemPointer } from '@lienthong/contracts';
import type { ErrorObject } from 'ajv';
import { escapePointer } from './strict-json.util.js';

/**
 * Turns ajv errors into failing JSON pointers with bilingual messages. For `required` and
 * `additionalProperties` the pointer names the missing or extra property itself (ajv reports
 * its parent), which is what an integrator needs to fix the record.
 */
export function toProblemPointers(errors: readonly ErrorObject[]): ProblemPointer[] {
  const seen = new Set<string>();
  const out: ProblemPointer[] = [];
  for (const error of errors) {
    // `if` only says "the then-branch failed"; the then-branch's own errors say what to fix.
    if (error.keyword === 'if') continue;
    const p = withCondition(describeViolation(error), error.schemaPath);
    const dedupe = `${p.pointer}\u0000${p.keyword ?? ''}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    out.push(p);
  }
  return out;
}

/**
 * A violation inside a `then` or `else` branch says which condition made it apply: the record
 * is otherwise valid, and the integrator needs to know why this field became required.
 */
function withCondition(p: ProblemPointer, schemaPath: string): ProblemPointer {
  const branch = /^(.*)\/(then|else)\/[^]*$/.exec(schemaPath);
  if (!branch) return p;
  const at = `${branch[1]}/if`;
  const met = branch[2] === 'then';
  return {
    ...p,
    message: `${p.message} (the schema's condition at ${at} is ${met ? '' : 'not '}met)`,
    ...(p.messageVi !== undefined && {
      messageVi: `${p.messageVi} (do điều kiện tại ${at} của lược đồ ${met ? 'được' : 'không được'} thỏa mãn)`,
    }),
  };
}

/** JSON Schema type names as a Vietnamese message says them. */
const TYPE_NAMES_VI: Readonly<Record<string, string>> = {
  string: 'chuỗi ký tự',
  number: 'số',
  integer: 'số nguyên',
  boolean: 'logic (true hoặc false)',
  object: 'đối tượng',
  array: 'mảng',
  null: 'null',
};

/** What a bound keyword requires, in English and Vietnamese, given its limit. */
const LIMIT_MESSAGES: Readonly<Record<string, (limit: string) => [string, string]>> = {
  minLength: (n) => [`must be at least ${n} characters long`, `phải có ít nhất ${n} ký tự`],
  maxLength: (n) => [`must be at most ${n} characters long`, `không được dài quá ${n} ký tự`],
  minimum: (n) => [`must be at least ${n}`, `không được nhỏ hơn ${n}`],
  maximum: (n) => [`must be at most ${n}`, `không được lớn hơn ${n}`],
  exclusiveMinimum: (n) => [`must be greater than ${n}`, `phải lớn hơn ${n}`],
  exclusiveMaximum: (n) => [`must be less than ${n}`, `phải nhỏ hơn ${n}`],
  minItems: (n) => [`must have at least ${n} items`, `phải có ít nhất ${n} phần tử`],
  maxItems: (n) => [`must have at most ${n} items`, `không được có quá ${n} phần tử`],
  minProperties: (n) => [`must have at least ${n} properties`, `phải có ít nhất ${n} thuộc tính`],
  maxProperties: (n) => [`must have at most ${n} properties`, `không được có quá ${n} thuộc tính`],
  multipleOf: (n) => [`must be a multiple of ${n}`, `phải là bội số của ${n}`],
};

/** Allowed values as JSON, at most ten (values of the schema, never of the record). */
function listValues(values: unknown): string {
  const list = Array.isArray(values) ? values : [];
  const shown = list
    .slice(0, 10)
    .map((v) => JSON.stringify(v))
    .join(', ');
  return list.length > 10 ? `${shown}, … (${list.length} values)` : shown;
}

/** One ajv error as a pointer with bilingual messages (conditions aside). */
export function describeViolation(e: ErrorObject): ProblemPointer {
  const params = e.params as Record<string, unknown>;
  const base = e.instancePath;
  const keyword = e.keyword;
  switch (keyword) {
    case 'required': {
      const name = String(params['missingProperty']);
      return {
        pointer: `${base}/${escapePointer(name)}`,
        keyword,
        message: 'required property is missing',
        messageVi: 'thiếu thuộc tính bắt buộc',
      };
    }
    case 'additionalProperties': {
      const name = String(params['additionalProperty']);
      return {
        pointer: `${base}/${escapePointer(name)}`,
        keyword,
        message: 'property is not allowed by the schema',
        messageVi: 'thuộc tính không được lược đồ cho phép',
      };
    }
    case 'type': {
      const types = String(params['type']).split(',');
      return {
        pointer: base,
        keyword,
        message: `must be of type ${types.join(' or ')}`,
        messageVi: `phải có kiểu ${types.map((t) => TYPE_NAMES_VI[t] ?? t).join(' hoặc ')}`,
      };
    }
    case 'enum': {
      const allowed = listValues(params['allowedValues']);
      return {
        pointer: base,
        keyword,
        message: `must be one of the allowed values: ${allowed}`,
        messageVi: `phải là một trong các giá trị cho phép: ${allowed}`,
      };
    }
    case 'const': {
      const value = listValues([params['allowedValue']]);
      return {
        pointer: base,
        keyword,
        message: `must equal ${value}`,
        messageVi: `phải bằng ${value}`,
      };
    }
    case 'pattern':
      return {
        pointer: base,
        keyword,
        message: `must match the pattern ${String(params['pattern'])}`,
        messageVi: `phải khớp mẫu ${String(params['pattern'])}`,
      };
    case 'format':
      return {
        pointer: base,
        keyword,
        message: `must be a valid ${String(params['format'])}`,
        messageVi: `phải đúng định dạng ${String(params['format'])}`,
      };
    case 'minLength':
    case 'maxLength':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties':
    case 'multipleOf': {
      const limit = String(params['limit'] ?? params['multipleOf']);
      const [en, vi] = LIMIT_MESSAGES[keyword]?.(limit) ?? [
        `violates ${keyword} ${limit}`,
        `không thỏa điều kiện ${keyword} ${limit}`,
      ];
      return { pointer: base, keyword, message: en, messageVi: vi };
    }
    case 'uniqueItems':
      return {
        pointer: base,
        keyword,
        message: 'items must be unique',
        messageVi: 'các phần tử không được trùng nhau',
      };
    default:
      return {
        pointer: base,
        keyword,
        message: e.message ?? `fails ${keyword}`,
        messageVi: `không thỏa điều kiện ${keyword}`,
      };
  }
}
