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
    const p = describe(error);
    const dedupe = `${p.pointer}\u0000${p.keyword ?? ''}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    out.push(p);
  }
  return out;
}

function describe(e: ErrorObject): ProblemPointer {
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
    case 'type':
      return {
        pointer: base,
        keyword,
        message: `must be of type ${String(params['type'])}`,
        messageVi: `phải có kiểu ${String(params['type'])}`,
      };
    case 'enum':
      return {
        pointer: base,
        keyword,
        message: 'must be one of the allowed values',
        messageVi: 'phải là một trong các giá trị cho phép',
      };
    case 'const':
      return {
        pointer: base,
        keyword,
        message: 'must equal the fixed value',
        messageVi: 'phải bằng giá trị cố định',
      };
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
    case 'multipleOf':
      return {
        pointer: base,
        keyword,
        message: `violates ${keyword} ${String(params['limit'] ?? params['multipleOf'])}`,
        messageVi: `vi phạm giới hạn ${keyword} ${String(params['limit'] ?? params['multipleOf'])}`,
      };
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
