import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { SchemaDocument } from '../safe-schema/schema-document.js';
import { compileRe2Pattern } from '../safe-schema/re2-regexp.js';
import { isAnnotationKeyword, isSchemaObject } from '../safe-schema/schema-keywords.js';
import { jsonEqual } from './schema-equality.js';
import type { JsonType, NodeRef } from './schema-view.js';
import { admits, childPointer, typesOf } from './schema-view.js';

/** Whether one concrete value is valid under a schema, as far as this checker can tell. */
export type InstanceVerdict =
  | { result: 'valid' }
  | { result: 'invalid'; keyword: string; at: string }
  | { result: 'unknown'; keyword: string; at: string };

const VALID: InstanceVerdict = { result: 'valid' };
const MAX_STEPS = 10_000;

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

/**
 * Validates one value (an `enum` or `const` member of the writer schema) against a reader
 * schema. A small validator for the keywords the compatibility rules use; anything else
 * answers `unknown`, which the checker reports as an unsupported construct.
 */
export function checkInstance(doc: SchemaDocument, value: unknown, ref: NodeRef): InstanceVerdict {
  let steps = 0;
  const check = (v: unknown, node: NodeRef): InstanceVerdict => {
    if (++steps > MAX_STEPS) return { result: 'unknown', keyword: '$ref', at: node.pointer };
    if (node.schema === true) return VALID;
    if (node.schema === false) return { result: 'invalid', keyword: 'false', at: node.pointer };
    if (!isSchemaObject(node.schema)) return VALID;
    const s = node.schema;
    const at = (k: string): string => childPointer(node.pointer, k);
    const invalid = (k: string): InstanceVerdict => ({ result: 'invalid', keyword: k, at: at(k) });
    const unknown = (k: string): InstanceVerdict => ({ result: 'unknown', keyword: k, at: at(k) });
    let pending: InstanceVerdict | undefined;
    const all = (verdicts: Iterable<InstanceVerdict>): InstanceVerdict => {
      let firstUnknown: InstanceVerdict | undefined;
      for (const verdict of verdicts) {
        if (verdict.result === 'invalid') return verdict;
        if (verdict.result === 'unknown') firstUnknown ??= verdict;
      }
      return firstUnknown ?? VALID;
    };
    const type = jsonTypeOf(v);
    for (const [k, kv] of Object.entries(s)) {
      if (isAnnotationKeyword(k)) continue;
      let verdict: InstanceVerdict = VALID;
      switch (k) {
        case '$ref': {
          if (typeof kv !== 'string') break;
          const target = doc.resolve(kv, node.pointer);
          verdict =
            target.kind === 'local'
              ? check(v, { pointer: target.pointer, schema: doc.at(target.pointer) })
              : unknown(k);
          break;
        }
        case 'type':
        case 'nullable':
          if (!admits(typesOf(s), type)) verdict = invalid('type');
          break;
        case 'enum':
          if (Array.isArray(kv) && !kv.some((x) => jsonEqual(x, v))) verdict = invalid(k);
          break;
        case 'const':
          if (!jsonEqual(kv, v)) verdict = invalid(k);
          break;
        case 'allOf':
          if (Array.isArray(kv))
            verdict = all(
              kv.map((x: unknown, i) => check(v, { pointer: childPointer(at(k), i), schema: x })),
            );
          break;
        case 'anyOf':
        case 'oneOf': {
          if (!Array.isArray(kv)) break;
          const verdicts = kv.map((x: unknown, i) =>
            check(v, { pointer: childPointer(at(k), i), schema: x }),
          );
          const valid = verdicts.filter((x) => x.result === 'valid').length;
          if (verdicts.some((x) => x.result === 'unknown')) verdict = unknown(k);
          else if (k === 'anyOf' ? valid === 0 : valid !== 1) verdict = invalid(k);
          break;
        }
        case 'not': {
          const inner = check(v, { pointer: at(k), schema: kv });
          verdict = inner.result === 'valid' ? invalid(k) : inner.result === 'invalid' ? VALID : unknown(k);
          break;
        }
        case 'if': {
          const condition = check(v, { pointer: at(k), schema: kv });
          if (condition.result === 'unknown') verdict = unknown(k);
          else {
            const branch = condition.result === 'valid' ? 'then' : 'else';
            if (s[branch] !== undefined) verdict = check(v, { pointer: at(branch), schema: s[branch] });
          }
          break;
        }
        case 'then':
        case 'else':
          break;
        default:
          verdict = checkTypedKeyword(k, kv, v, type, node, check) ?? unknown(k);
      }
      if (verdict.result === 'invalid') return verdict;
      if (verdict.result === 'unknown') pending ??= verdict;
    }
    return pending ?? VALID;
  };
  return check(value, ref);
}

/** Keywords that apply to one instance type; undefined for a keyword this checker does not know. */
function checkTypedKeyword(
  k: string,
  kv: unknown,
  v: unknown,
  type: JsonType,
  node: NodeRef,
  check: (v: unknown, node: NodeRef) => InstanceVerdict,
): InstanceVerdict | undefined {
  const at = childPointer(node.pointer, k);
  const invalid: InstanceVerdict = { result: 'invalid', keyword: k, at };
  const isNumber = type === 'number' || type === 'integer';
  switch (k) {
    case 'minLength':
    case 'maxLength': {
      if (type !== 'string' || typeof kv !== 'number') return VALID;
      const length = [...(v as string)].length;
      return (k === 'minLength' ? length >= kv : length <= kv) ? VALID : invalid;
    }
    case 'pattern':
      if (type !== 'string' || typeof kv !== 'string') return VALID;
      try {
        return compileRe2Pattern(kv).test(v as string) ? VALID : invalid;
      } catch {
        return { result: 'unknown', keyword: k, at };
      }
    case 'format': {
      if (type !== 'string' || typeof kv !== 'string') return VALID;
      const format = (fullFormats as Record<string, unknown>)[kv];
      const test =
        typeof format === 'function' || format instanceof RegExp
          ? format
          : isSchemaObject(format)
            ? format['validate']
            : undefined;
      if (test instanceof RegExp) return test.test(v as string) ? VALID : invalid;
      if (typeof test === 'function') return (test as (s: string) => boolean)(v as string) ? VALID : invalid;
      return undefined;
    }
    case 'minimum':
      return !isNumber || typeof kv !== 'number' || (v as number) >= kv ? VALID : invalid;
    case 'maximum':
      return !isNumber || typeof kv !== 'number' || (v as number) <= kv ? VALID : invalid;
    case 'exclusiveMinimum':
      return !isNumber || typeof kv !== 'number' || (v as number) > kv ? VALID : invalid;
    case 'exclusiveMaximum':
      return !isNumber || typeof kv !== 'number' || (v as number) < kv ? VALID : invalid;
    case 'multipleOf': {
      if (!isNumber || typeof kv !== 'number') return VALID;
      const q = (v as number) / kv;
      return Math.abs(q - Math.round(q)) < 1e-9 ? VALID : invalid;
    }
    case 'minItems':
    case 'maxItems':
      if (type !== 'array' || typeof kv !== 'number') return VALID;
      return (k === 'minItems' ? (v as unknown[]).length >= kv : (v as unknown[]).length <= kv)
        ? VALID
        : invalid;
    case 'uniqueItems': {
      if (type !== 'array' || kv !== true) return VALID;
      const items = v as unknown[];
      return items.every((x, i) => items.findIndex((y) => jsonEqual(x, y)) === i) ? VALID : invalid;
    }
    case 'items':
    case 'prefixItems':
    case 'additionalItems': {
      if (type !== 'array') return VALID;
      const parent = node.schema as Record<string, unknown>;
      const items = v as unknown[];
      const prefix = Array.isArray(parent['prefixItems'])
        ? parent['prefixItems']
        : Array.isArray(parent['items'])
          ? parent['items']
          : [];
      if (k === 'prefixItems' || (k === 'items' && Array.isArray(kv))) {
        return first(
          items
            .slice(0, prefix.length)
            .map((x, i) => check(x, { pointer: childPointer(at, i), schema: prefix[i] })),
        );
      }
      if (k === 'additionalItems' && !Array.isArray(parent['items'])) return VALID;
      return first(items.slice(prefix.length).map((x) => check(x, { pointer: at, schema: kv })));
    }
    case 'required':
      if (type !== 'object' || !Array.isArray(kv)) return VALID;
      return kv.every((name) => typeof name !== 'string' || Object.prototype.hasOwnProperty.call(v, name))
        ? VALID
        : invalid;
    case 'minProperties':
    case 'maxProperties': {
      if (type !== 'object' || typeof kv !== 'number') return VALID;
      const count = Object.keys(v as object).length;
      return (k === 'minProperties' ? count >= kv : count <= kv) ? VALID : invalid;
    }
    case 'properties':
    case 'patternProperties':
    case 'additionalProperties': {
      if (type !== 'object') return VALID;
      const parent = node.schema as Record<string, unknown>;
      const properties = isSchemaObject(parent['properties']) ? parent['properties'] : {};
      const patterns = isSchemaObject(parent['patternProperties'])
        ? Object.keys(parent['patternProperties'])
        : [];
      const verdicts: InstanceVerdict[] = [];
      for (const [name, item] of Object.entries(v as object)) {
        if (k === 'properties') {
          if (Object.prototype.hasOwnProperty.call(properties, name))
            verdicts.push(check(item, { pointer: childPointer(at, name), schema: properties[name] }));
          continue;
        }
        let matched: boolean[];
        try {
          matched = patterns.map((p) => compileRe2Pattern(p).test(name));
        } catch {
          return { result: 'unknown', keyword: k, at };
        }
        if (k === 'patternProperties') {
          patterns.forEach((p, i) => {
            if (matched[i])
              verdicts.push(
                check(item, { pointer: childPointer(at, p), schema: (kv as Record<string, unknown>)[p] }),
              );
          });
        } else if (!Object.prototype.hasOwnProperty.call(properties, name) && !matched.some(Boolean)) {
          verdicts.push(check(item, { pointer: at, schema: kv }));
        }
      }
      return first(verdicts);
    }
    case 'propertyNames':
      if (type !== 'object') return VALID;
      return first(Object.keys(v as object).map((name) => check(name, { pointer: at, schema: kv })));
    case 'dependentRequired':
      if (type !== 'object' || !isSchemaObject(kv)) return VALID;
      return Object.entries(kv).every(
        ([p, names]) =>
          !Object.prototype.hasOwnProperty.call(v, p) ||
          !Array.isArray(names) ||
          names.every((n) => Object.prototype.hasOwnProperty.call(v, n as string)),
      )
        ? VALID
        : invalid;
    case 'contains':
    case 'minContains':
    case 'maxContains':
    case 'dependentSchemas':
    case 'dependencies':
    case 'unevaluatedItems':
    case 'unevaluatedProperties':
      return (
        k.endsWith('Items') || k.endsWith('Contains') || k === 'contains'
          ? type === 'array'
          : type === 'object'
      )
        ? undefined
        : VALID;
    default:
      return undefined;
  }
}

function first(verdicts: InstanceVerdict[]): InstanceVerdict {
  return (
    verdicts.find((v) => v.result === 'invalid') ?? verdicts.find((v) => v.result === 'unknown') ?? VALID
  );
}
