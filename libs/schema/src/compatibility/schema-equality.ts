import type { SchemaDocument } from '../safe-schema/schema-document.js';
import { isAnnotationKeyword, isSchemaObject, isSubschemaKeyword } from '../safe-schema/schema-keywords.js';
import type { NodeRef } from './schema-view.js';
import { childPointer, isTrivial } from './schema-view.js';

/** JSON equality; object member order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]))
    );
  }
  if (isSchemaObject(a) && isSchemaObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]))
    );
  }
  return false;
}

/** Same members in any order (for `type`, `required`, `enum`). */
function sameSet(a: unknown, b: unknown): boolean {
  const listA = Array.isArray(a) ? a : [a];
  const listB = Array.isArray(b) ? b : [b];
  return (
    listA.every((x) => listB.some((y) => jsonEqual(x, y))) &&
    listB.every((y) => listA.some((x) => jsonEqual(x, y)))
  );
}

const SET_VALUED = new Set(['type', 'required', 'enum']);
const REFERENCE_KEYWORDS = new Set(['$ref', '$dynamicRef', '$recursiveRef']);

/**
 * Equality of two schemas, each in its own document, as validators see them: annotations are
 * ignored, references are compared by what they resolve to (registry references by URI, since
 * registered versions are immutable), and recursion is assumed equal where it closes.
 */
export class SchemaEquality {
  private readonly memo = new Map<string, boolean>();
  private readonly assumed = new Set<string>();

  constructor(
    private readonly left: SchemaDocument,
    private readonly right: SchemaDocument,
  ) {}

  equal(a: NodeRef, b: NodeRef): boolean {
    if (isTrivial(a.schema) || isTrivial(b.schema)) return isTrivial(a.schema) && isTrivial(b.schema);
    if (typeof a.schema === 'boolean' || typeof b.schema === 'boolean') return a.schema === b.schema;
    if (!isSchemaObject(a.schema) || !isSchemaObject(b.schema)) return false;
    const key = `${a.pointer}\u0000${b.pointer}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    if (this.assumed.has(key)) return true;
    this.assumed.add(key);
    const result = this.compareObjects(a.schema, a.pointer, b.schema, b.pointer);
    this.assumed.delete(key);
    this.memo.set(key, result);
    return result;
  }

  private compareObjects(
    a: Record<string, unknown>,
    pa: string,
    b: Record<string, unknown>,
    pb: string,
  ): boolean {
    const keysA = Object.keys(a).filter((k) => !isAnnotationKeyword(k));
    const keysB = Object.keys(b).filter((k) => !isAnnotationKeyword(k));
    if (keysA.length !== keysB.length || !keysA.every((k) => keysB.includes(k))) return false;
    return keysA.every((k) => this.compareKeyword(k, a[k], childPointer(pa, k), b[k], childPointer(pb, k)));
  }

  private compareKeyword(keyword: string, a: unknown, pa: string, b: unknown, pb: string): boolean {
    if (REFERENCE_KEYWORDS.has(keyword)) {
      if (typeof a !== 'string' || typeof b !== 'string') return jsonEqual(a, b);
      const from = pa.slice(0, pa.lastIndexOf('/'));
      const fromB = pb.slice(0, pb.lastIndexOf('/'));
      const ta = this.left.resolve(a, from);
      const tb = this.right.resolve(b, fromB);
      if (ta.kind === 'local' && tb.kind === 'local') {
        return this.equal(
          { pointer: ta.pointer, schema: this.left.at(ta.pointer) },
          { pointer: tb.pointer, schema: this.right.at(tb.pointer) },
        );
      }
      return ta.kind === 'external' && tb.kind === 'external' && ta.uri === tb.uri;
    }
    if (SET_VALUED.has(keyword)) return sameSet(a, b);
    if (!isSubschemaKeyword(keyword)) return jsonEqual(a, b);
    if (Array.isArray(a) || Array.isArray(b)) {
      return (
        Array.isArray(a) &&
        Array.isArray(b) &&
        a.length === b.length &&
        a.every((x, i) =>
          this.equal(
            { pointer: childPointer(pa, i), schema: x },
            { pointer: childPointer(pb, i), schema: b[i] },
          ),
        )
      );
    }
    if (
      keyword === 'properties' ||
      keyword === 'patternProperties' ||
      keyword === 'dependentSchemas' ||
      keyword === 'dependencies' ||
      keyword === '$defs' ||
      keyword === 'definitions'
    ) {
      if (!isSchemaObject(a) || !isSchemaObject(b)) return jsonEqual(a, b);
      const names = Object.keys(a);
      if (names.length !== Object.keys(b).length) return false;
      return names.every((n) => {
        if (!Object.prototype.hasOwnProperty.call(b, n)) return false;
        const x = a[n];
        const y = b[n];
        if (Array.isArray(x) || Array.isArray(y)) return sameSet(x, y);
        return this.equal(
          { pointer: childPointer(pa, n), schema: x },
          { pointer: childPointer(pb, n), schema: y },
        );
      });
    }
    return this.equal({ pointer: pa, schema: a }, { pointer: pb, schema: b });
  }
}
