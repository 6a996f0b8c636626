import { escapePointer } from '../strict-json.util.js';
import type { SchemaDocument } from '../safe-schema/schema-document.js';
import type { SchemaObject } from '../safe-schema/schema-keywords.js';
import { isAnnotationKeyword, isSchema, isSchemaObject } from '../safe-schema/schema-keywords.js';

/** A schema at a place in its document. `schema` is `true` for a keyword that is absent. */
export interface NodeRef {
  pointer: string;
  schema: unknown;
}

export type JsonType = 'null' | 'boolean' | 'object' | 'array' | 'string' | 'number' | 'integer';
const JSON_TYPES: readonly JsonType[] = ['null', 'boolean', 'object', 'array', 'string', 'number', 'integer'];

/** A keyword's value and the pointer of the keyword. */
export interface Located {
  value: unknown;
  at: string;
}

/**
 * A schema object flattened for comparison. On the writer side it is the conjunction of the
 * schema, its `$ref` targets and `allOf` branches, merged soundly: where two conjuncts set the
 * same keyword only one is kept, which can only make the writer look more permissive (so a
 * "compatible" verdict stays true). On the reader side it is exactly one object.
 */
export interface SchemaView {
  pointer: string;
  isFalse: boolean;
  keywords: Map<string, Located>;
  /** Allowed types, intersected over conjuncts; undefined for "any type". */
  types: Set<JsonType> | undefined;
  required: Map<string, string>;
  properties: Map<string, NodeRef>;
  patternProperties: Map<string, NodeRef>;
  /** `enum` and `const` constraints, each a list of allowed values. */
  valueSets: unknown[][];
  /** Registry references (`urn:lienthong:schema:...`) every instance satisfies. */
  externalRefs: Set<string>;
  /** The reader object has in-place applicators, so `unevaluated*` depend on them. */
  inPlaceApplicators: boolean;
  /** Writer side: every schema merged into this view; each holds for every instance. */
  conjuncts: NodeRef[];
  /** The writer branch this view came from, when the writer was split on `oneOf`. */
  fromOneOf?: { branches: NodeRef[]; index: number };
}

/** Keywords that are only meaningful together; a merge takes a group from one conjunct. */
const GROUPS: readonly (readonly string[])[] = [
  ['if', 'then', 'else'],
  ['contains', 'minContains', 'maxContains'],
  ['prefixItems', 'items', 'additionalItems', 'unevaluatedItems'],
  ['additionalProperties', 'unevaluatedProperties'],
];
const GROUP_OF = new Map<string, readonly string[]>(GROUPS.flatMap((g) => g.map((k) => [k, g] as const)));

const IN_PLACE_APPLICATORS = [
  '$ref',
  '$dynamicRef',
  '$recursiveRef',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'dependentSchemas',
  'dependencies',
];

export function childPointer(base: string, ...tokens: (string | number)[]): string {
  return tokens.reduce<string>((p, t) => `${p}/${escapePointer(String(t))}`, base);
}

export function emptyView(pointer: string, isFalse = false): SchemaView {
  return {
    pointer,
    isFalse,
    keywords: new Map(),
    types: isFalse ? new Set() : undefined,
    required: new Map(),
    properties: new Map(),
    patternProperties: new Map(),
    valueSets: [],
    externalRefs: new Set(),
    inPlaceApplicators: false,
    conjuncts: [],
  };
}

export function typesOf(node: SchemaObject): Set<JsonType> | undefined {
  const type = node['type'];
  let types: Set<JsonType> | undefined;
  if (typeof type === 'string') types = new Set([type as JsonType]);
  else if (Array.isArray(type))
    types = new Set(type.filter((t): t is JsonType => JSON_TYPES.includes(t as JsonType)));
  if (types && node['nullable'] === true) types.add('null');
  return types;
}

/** The view of one schema object alone: no references or `allOf` followed. */
export function viewOf(ref: NodeRef): SchemaView {
  if (ref.schema === false) return emptyView(ref.pointer, true);
  const view = emptyView(ref.pointer);
  if (!isSchemaObject(ref.schema)) return view;
  const node = ref.schema;
  for (const [keyword, value] of Object.entries(node)) {
    if (isAnnotationKeyword(keyword)) continue;
    const at = childPointer(ref.pointer, keyword);
    view.keywords.set(keyword, { value, at });
    if (keyword === 'required' && Array.isArray(value)) {
      value.forEach((name: unknown, i) => {
        if (typeof name === 'string' && !view.required.has(name))
          view.required.set(name, childPointer(at, i));
      });
    } else if ((keyword === 'properties' || keyword === 'patternProperties') && isSchemaObject(value)) {
      const target = keyword === 'properties' ? view.properties : view.patternProperties;
      for (const [name, schema] of Object.entries(value)) {
        if (isSchema(schema)) target.set(name, { pointer: childPointer(at, name), schema });
      }
    } else if (keyword === 'enum' && Array.isArray(value)) {
      view.valueSets.push(value);
    } else if (keyword === 'const') {
      view.valueSets.push([value]);
    }
  }
  view.types = typesOf(node);
  view.inPlaceApplicators = IN_PLACE_APPLICATORS.some((k) => node[k] !== undefined);
  return view;
}

/** Adds `source`'s constraints to `target` (the writer-side merge described on SchemaView). */
export function mergeInto(target: SchemaView, source: SchemaView): void {
  if (source.isFalse) {
    target.isFalse = true;
    target.types = new Set();
    return;
  }
  const targetHad = new Set(target.keywords.keys());
  for (const [keyword, located] of source.keywords) {
    const group = GROUP_OF.get(keyword);
    if (group?.some((k) => targetHad.has(k))) continue;
    if (!target.keywords.has(keyword)) target.keywords.set(keyword, located);
  }
  for (const [name, at] of source.required) if (!target.required.has(name)) target.required.set(name, at);
  for (const [name, ref] of source.properties)
    if (!target.properties.has(name)) target.properties.set(name, ref);
  for (const [name, ref] of source.patternProperties)
    if (!target.patternProperties.has(name)) target.patternProperties.set(name, ref);
  target.valueSets.push(...source.valueSets);
  target.conjuncts.push(...source.conjuncts);
  for (const uri of source.externalRefs) target.externalRefs.add(uri);
  if (source.types) {
    target.types = target.types ? intersectTypes(target.types, source.types) : new Set(source.types);
  }
  if (target.types && target.types.size === 0) target.isFalse = true;
}

function intersectTypes(a: Set<JsonType>, b: Set<JsonType>): Set<JsonType> {
  const out = new Set<JsonType>();
  for (const t of a) {
    if (b.has(t)) out.add(t);
    else if (t === 'integer' && b.has('number')) out.add('integer');
    else if (t === 'number' && b.has('integer')) out.add('integer');
  }
  return out;
}

/** Whether a set of allowed types (undefined: any) admits `t`; `integer` is inside `number`. */
export function admits(types: Set<JsonType> | undefined, t: JsonType): boolean {
  return types === undefined || types.has(t) || (t === 'integer' && types.has('number'));
}

/**
 * The writer-side view of a schema: the schema merged with the targets of its references and
 * its `allOf` branches. Registry references are kept as facts; unresolvable ones dropped.
 */
export function writerView(doc: SchemaDocument, ref: NodeRef, seen: Set<string> = new Set()): SchemaView {
  const view = viewOf(ref);
  view.conjuncts.push(ref);
  if (!isSchemaObject(ref.schema) || seen.has(ref.pointer)) return view;
  seen.add(ref.pointer);
  const node = ref.schema;
  for (const keyword of ['$ref', '$dynamicRef', '$recursiveRef']) {
    const reference = node[keyword];
    if (typeof reference !== 'string') continue;
    const target = doc.resolve(reference, ref.pointer);
    if (target.kind === 'local')
      mergeInto(view, writerView(doc, { pointer: target.pointer, schema: doc.at(target.pointer) }, seen));
    else if (target.kind === 'external') view.externalRefs.add(reference);
  }
  const allOf = node['allOf'];
  if (Array.isArray(allOf)) {
    allOf.forEach((schema: unknown, i) =>
      mergeInto(view, writerView(doc, { pointer: childPointer(ref.pointer, 'allOf', i), schema }, seen)),
    );
  }
  seen.delete(ref.pointer);
  return view;
}

/** One conjunct of a reader schema: a plain object, a registry reference, or something opaque. */
export type ReaderPart =
  | { kind: 'view'; view: SchemaView }
  | { kind: 'external'; uri: string; at: string }
  | { kind: 'opaque'; at: string; what: string; whatVi: string };

/**
 * The conjuncts of a reader schema: the object itself (its `$ref` and `allOf` removed), the
 * targets of its references and its `allOf` branches, recursively. A writer fits the reader
 * exactly when it fits every conjunct; `satisfied` skips conjuncts already known to hold.
 */
export function readerParts(
  doc: SchemaDocument,
  ref: NodeRef,
  satisfied: (conjunct: NodeRef) => boolean = () => false,
  seen: Set<string> = new Set(),
): ReaderPart[] {
  const view = viewOf(ref);
  if (!isSchemaObject(ref.schema)) return [{ kind: 'view', view }];
  if (seen.has(ref.pointer)) {
    return [
      {
        kind: 'opaque',
        at: ref.pointer,
        what: 'a reference cycle that never moves into the data',
        whatVi: 'một vòng tham chiếu không đi sâu vào dữ liệu',
      },
    ];
  }
  seen.add(ref.pointer);
  const node = ref.schema;
  for (const keyword of ['$ref', '$dynamicRef', '$recursiveRef', 'allOf']) view.keywords.delete(keyword);
  const parts: ReaderPart[] = [{ kind: 'view', view }];
  const reference = node['$ref'];
  if (typeof reference === 'string') {
    const at = childPointer(ref.pointer, '$ref');
    const target = doc.resolve(reference, ref.pointer);
    if (target.kind === 'local') {
      const targetRef = { pointer: target.pointer, schema: doc.at(target.pointer) };
      if (!satisfied(targetRef)) parts.push(...readerParts(doc, targetRef, satisfied, seen));
    } else if (target.kind === 'external') parts.push({ kind: 'external', uri: reference, at });
    else
      parts.push({
        kind: 'opaque',
        at,
        what: `the unresolvable reference ${reference}`,
        whatVi: `tham chiếu không phân giải được ${reference}`,
      });
  }
  for (const keyword of ['$dynamicRef', '$recursiveRef']) {
    if (node[keyword] !== undefined) {
      parts.push({
        kind: 'opaque',
        at: childPointer(ref.pointer, keyword),
        what: `${keyword}, which resolves only at validation time`,
        whatVi: `${keyword}, chỉ được phân giải khi kiểm tra dữ liệu`,
      });
    }
  }
  const allOf = node['allOf'];
  if (Array.isArray(allOf)) {
    allOf.forEach((schema: unknown, i) => {
      const branch = { pointer: childPointer(ref.pointer, 'allOf', i), schema };
      if (!satisfied(branch)) parts.push(...readerParts(doc, branch, satisfied, seen));
    });
  }
  seen.delete(ref.pointer);
  return parts;
}

/** A schema that accepts everything: `true`, `{}`, or only annotations. */
export function isTrivial(schema: unknown): boolean {
  if (schema === true) return true;
  if (!isSchemaObject(schema)) return false;
  return Object.keys(schema).every((k) => isAnnotationKeyword(k));
}

/** The single-subschema value of `keyword` in a view, or `true` where the keyword is absent. */
export function subschema(view: SchemaView, keyword: string): NodeRef {
  const located = view.keywords.get(keyword);
  if (located && isSchema(located.value)) return { pointer: located.at, schema: located.value };
  return { pointer: childPointer(view.pointer, keyword), schema: true };
}

/** The list of subschemas under `keyword` (`anyOf`, `prefixItems`, ...), empty when absent. */
export function subschemaList(view: SchemaView, keyword: string): NodeRef[] {
  const located = view.keywords.get(keyword);
  if (!located || !Array.isArray(located.value)) return [];
  return located.value.map((schema: unknown, i) => ({ pointer: childPointer(located.at, i), schema }));
}

/** The pointer of `keyword` in a view, where it is or where it would be. */
export function keywordPointer(view: SchemaView, keyword: string): string {
  return view.keywords.get(keyword)?.at ?? childPointer(view.pointer, keyword);
}

/** A numeric keyword's value, when it is a number. */
export function numberAt(view: SchemaView, keyword: string): number | undefined {
  const value = view.keywords.get(keyword)?.value;
  return typeof value === 'number' ? value : undefined;
}
