import type { ProblemPointer } from '@lienthong/contracts';
import { isJsonPointer, resolvePointer } from '@lienthong/schema';
import type { CloudEventAttribute, SubscriptionFilter } from './subscription.js';
import { CLOUD_EVENT_ATTRIBUTES } from './subscription.js';

/** What a filter is evaluated against: the record's CloudEvents attributes and its parsed body. */
export interface FilterableEvent {
  attributes: Partial<Record<CloudEventAttribute, string>>;
  payload: unknown;
}

/** Bounds on a filter, so evaluating one costs a small, fixed amount per record. */
export const FILTER_LIMITS = {
  /** Nesting of `and` / `or`. */
  maxDepth: 8,
  /** Conditions and combinators in the whole filter. */
  maxNodes: 64,
  /** Values of one `in` list. */
  maxInValues: 100,
  /** Characters of one compared string. */
  maxStringLength: 1_000,
  /** Characters of one JSON pointer. */
  maxPointerLength: 500,
} as const;

type Scalar = string | number | boolean | null;

/**
 * Whether a record passes a subscription's filter. No filter passes everything; `and` needs
 * every condition, `or` one of them; `equals` / `in` compare JSON scalars strictly (`1` is not
 * `"1"`, an object never equals); `exists` tests presence at an RFC 6901 pointer. A condition on
 * a missing value is false (except `exists: false`); a node of unknown shape is false, so a
 * malformed filter delivers nothing rather than everything.
 */
export function matchesFilter(filter: SubscriptionFilter | undefined, event: FilterableEvent): boolean {
  return filter === undefined || evaluate(filter, event);
}

function evaluate(node: SubscriptionFilter, event: FilterableEvent): boolean {
  if (node === null || typeof node !== 'object') return false;
  if ('and' in node) return Array.isArray(node.and) && node.and.every((c) => evaluate(c, event));
  if ('or' in node) return Array.isArray(node.or) && node.or.some((c) => evaluate(c, event));
  if ('attribute' in node) {
    const value = Object.hasOwn(event.attributes, node.attribute)
      ? event.attributes[node.attribute]
      : undefined;
    if (typeof value !== 'string') return false;
    if ('equals' in node) return value === node.equals;
    if ('in' in node) return Array.isArray(node.in) && node.in.includes(value);
    return false;
  }
  if ('pointer' in node) {
    if (typeof node.pointer !== 'string') return false;
    const value = resolvePointer(event.payload, node.pointer);
    if ('exists' in node) return (value !== undefined) === node.exists;
    if (!isScalar(value)) return false;
    if ('equals' in node) return value === node.equals;
    if ('in' in node) return Array.isArray(node.in) && node.in.some((candidate) => candidate === value);
  }
  return false;
}

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** A payload pointer a filter tests, and where in the request it was written. */
export interface FilterPointer {
  pointer: string;
  at: string;
}

/**
 * Reads an untrusted filter (the `filter` member of a subscription request). Returns a copy
 * holding only the known members, or undefined with a problem per failing location appended to
 * `errors`. `pointers` receives each payload pointer the filter tests, for schema checks.
 */
export function parseSubscriptionFilter(
  value: unknown,
  at: string,
  errors: ProblemPointer[],
  pointers: FilterPointer[] = [],
): SubscriptionFilter | undefined {
  const counter = { nodes: 0 };
  const before = errors.length;
  const filter = parseNode(value, at, 1, counter, errors, pointers);
  return errors.length === before ? filter : undefined;
}

function parseNode(
  value: unknown,
  at: string,
  depth: number,
  counter: { nodes: number },
  errors: ProblemPointer[],
  pointers: FilterPointer[],
): SubscriptionFilter | undefined {
  const fail = (pointer: string, message: string, messageVi: string): undefined => {
    errors.push({ pointer, message, messageVi });
    return undefined;
  };
  if (++counter.nodes > FILTER_LIMITS.maxNodes) {
    return fail(
      at,
      `a filter has at most ${FILTER_LIMITS.maxNodes} conditions`,
      `bộ lọc có tối đa ${FILTER_LIMITS.maxNodes} điều kiện`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail(at, 'must be a filter object', 'phải là một đối tượng bộ lọc');
  }
  const node = value as Record<string, unknown>;
  const names = Object.keys(node);
  const shape = (allowed: string[]): boolean => {
    const unknown = names.filter((n) => !allowed.includes(n));
    for (const name of unknown) {
      fail(`${at}/${name}`, 'unknown member', 'thành phần không xác định');
    }
    return unknown.length === 0;
  };

  for (const combinator of ['and', 'or'] as const) {
    if (!(combinator in node)) continue;
    if (!shape([combinator])) return undefined;
    const list = node[combinator];
    if (!Array.isArray(list) || list.length === 0) {
      return fail(
        `${at}/${combinator}`,
        'must be a non-empty array of filters',
        'phải là mảng bộ lọc không rỗng',
      );
    }
    if (depth >= FILTER_LIMITS.maxDepth) {
      return fail(
        `${at}/${combinator}`,
        `filters nest at most ${FILTER_LIMITS.maxDepth} levels`,
        `bộ lọc lồng tối đa ${FILTER_LIMITS.maxDepth} cấp`,
      );
    }
    const children = list.map((child, i) =>
      parseNode(child, `${at}/${combinator}/${i}`, depth + 1, counter, errors, pointers),
    );
    if (children.some((c) => c === undefined)) return undefined;
    return combinator === 'and'
      ? { and: children as SubscriptionFilter[] }
      : { or: children as SubscriptionFilter[] };
  }

  if ('attribute' in node) {
    const attribute = node['attribute'];
    const operator = 'equals' in node ? 'equals' : 'in' in node ? 'in' : undefined;
    if (!shape(['attribute', operator ?? 'equals'])) return undefined;
    if (typeof attribute !== 'string' || !(CLOUD_EVENT_ATTRIBUTES as readonly string[]).includes(attribute)) {
      return fail(
        `${at}/attribute`,
        `must be one of ${CLOUD_EVENT_ATTRIBUTES.join(', ')}`,
        `phải là một trong ${CLOUD_EVENT_ATTRIBUTES.join(', ')}`,
      );
    }
    const name = attribute as CloudEventAttribute;
    if (operator === 'equals') {
      const expected = node['equals'];
      if (!isBoundedString(expected)) return failString(`${at}/equals`, fail);
      return { attribute: name, equals: expected };
    }
    if (operator === 'in') {
      const list = parseInList(node['in'], `${at}/in`, fail, isBoundedString);
      return list && { attribute: name, in: list as string[] };
    }
    return fail(at, 'an attribute condition needs equals or in', 'điều kiện thuộc tính cần equals hoặc in');
  }

  if ('pointer' in node) {
    const operator =
      'equals' in node ? 'equals' : 'in' in node ? 'in' : 'exists' in node ? 'exists' : undefined;
    if (!shape(['pointer', operator ?? 'equals'])) return undefined;
    const pointer = node['pointer'];
    if (!isPayloadPointer(pointer)) {
      return fail(
        `${at}/pointer`,
        `must be a non-empty RFC 6901 JSON pointer of at most ${FILTER_LIMITS.maxPointerLength} characters, such as /address/provinceCode`,
        `phải là con trỏ JSON (RFC 6901) không rỗng, tối đa ${FILTER_LIMITS.maxPointerLength} ký tự, ví dụ /address/provinceCode`,
      );
    }
    let parsed: SubscriptionFilter | undefined;
    if (operator === 'equals') {
      const expected = node['equals'];
      if (!isComparable(expected)) return failScalar(`${at}/equals`, fail);
      parsed = { pointer, equals: expected };
    } else if (operator === 'in') {
      const list = parseInList(node['in'], `${at}/in`, fail, isComparable);
      parsed = list && { pointer, in: list as Scalar[] };
    } else if (operator === 'exists') {
      if (typeof node['exists'] !== 'boolean') {
        return fail(`${at}/exists`, 'must be true or false', 'phải là true hoặc false');
      }
      parsed = { pointer, exists: node['exists'] };
    } else {
      return fail(
        at,
        'a pointer condition needs equals, in or exists',
        'điều kiện con trỏ cần equals, in hoặc exists',
      );
    }
    if (parsed) pointers.push({ pointer, at: `${at}/pointer` });
    return parsed;
  }

  return fail(
    at,
    'must have and, or, attribute or pointer',
    'phải có một trong các thành phần and, or, attribute hoặc pointer',
  );
}

/** A pointer into a record: non-empty (the whole record is not a field) and bounded. */
export function isPayloadPointer(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value !== '' &&
    value.length <= FILTER_LIMITS.maxPointerLength &&
    isJsonPointer(value)
  );
}

function isBoundedString(value: unknown): value is string {
  return typeof value === 'string' && value.length <= FILTER_LIMITS.maxStringLength;
}

function isComparable(value: unknown): value is Scalar {
  if (typeof value === 'number') return Number.isFinite(value);
  return value === null || typeof value === 'boolean' || isBoundedString(value);
}

function parseInList(
  value: unknown,
  at: string,
  fail: (pointer: string, message: string, messageVi: string) => undefined,
  accepts: (item: unknown) => boolean,
): unknown[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > FILTER_LIMITS.maxInValues) {
    return fail(
      at,
      `must be an array of 1 to ${FILTER_LIMITS.maxInValues} values`,
      `phải là mảng từ 1 đến ${FILTER_LIMITS.maxInValues} giá trị`,
    );
  }
  const bad = value.findIndex((item) => !accepts(item));
  if (bad >= 0) {
    return accepts === isBoundedString ? failString(`${at}/${bad}`, fail) : failScalar(`${at}/${bad}`, fail);
  }
  return [...(value as unknown[])];
}

function failString(at: string, fail: (p: string, m: string, v: string) => undefined): undefined {
  return fail(
    at,
    `must be a string of at most ${FILTER_LIMITS.maxStringLength} characters`,
    `phải là chuỗi tối đa ${FILTER_LIMITS.maxStringLength} ký tự`,
  );
}

function failScalar(at: string, fail: (p: string, m: string, v: string) => undefined): undefined {
  return fail(
    at,
    `must be a string (at most ${FILTER_LIMITS.maxStringLength} characters), a number, true, false or null`,
    `phải là chuỗi (tối đa ${FILTER_LIMITS.maxStringLength} ký tự), số, true, false hoặc null`,
  );
}
