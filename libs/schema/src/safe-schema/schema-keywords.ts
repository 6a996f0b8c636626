import { escapePointer } from '../strict-json.util.js';

/** The JSON Schema dialects Lienthong accepts. */
export type SchemaDraft = '2020-12' | '07';

export const DRAFT_2020_12_URI = 'https://json-schema.org/draft/2020-12/schema';
export const DRAFT_07_URI = 'http://json-schema.org/draft-07/schema#';

/** The draft a `$schema` URI names (with or without its empty fragment), or undefined. */
export function draftOfUri(uri: string): SchemaDraft | undefined {
  const bare = uri.endsWith('#') ? uri.slice(0, -1) : uri;
  if (bare === DRAFT_2020_12_URI) return '2020-12';
  if (bare === DRAFT_07_URI.slice(0, -1)) return '07';
  return undefined;
}

/** The draft a document declares; 2020-12 when it declares none. Undefined for an unknown one. */
export function draftOfDocument(document: unknown): SchemaDraft | undefined {
  if (!isSchemaObject(document) || document['$schema'] === undefined) return '2020-12';
  const declared = document['$schema'];
  return typeof declared === 'string' ? draftOfUri(declared) : undefined;
}

export type SchemaObject = Record<string, unknown>;

export function isSchemaObject(value: unknown): value is SchemaObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Keywords whose value is one subschema, applied to the same instance location. */
const IN_PLACE_SINGLE = ['not', 'if', 'then', 'else'] as const;
/** Keywords whose value is one subschema, applied to parts of the instance. */
const DESCENDING_SINGLE = [
  'additionalProperties',
  'propertyNames',
  'contains',
  'additionalItems',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
] as const;
const IN_PLACE_ARRAY = ['allOf', 'anyOf', 'oneOf'] as const;
const DESCENDING_ARRAY = ['prefixItems'] as const;
const IN_PLACE_MAP = ['dependentSchemas', 'dependencies'] as const;
const DESCENDING_MAP = ['properties', 'patternProperties'] as const;
/** Subschemas that are only ever reached through a reference. */
const DEFINITION_MAP = ['$defs', 'definitions'] as const;

const IN_PLACE = new Set<string>([...IN_PLACE_SINGLE, ...IN_PLACE_ARRAY, ...IN_PLACE_MAP]);
const DEFINITIONS = new Set<string>(DEFINITION_MAP);
const SINGLE = new Set<string>([...IN_PLACE_SINGLE, ...DESCENDING_SINGLE]);
const ARRAY = new Set<string>([...IN_PLACE_ARRAY, ...DESCENDING_ARRAY]);
const MAP = new Set<string>([...IN_PLACE_MAP, ...DESCENDING_MAP, ...DEFINITION_MAP]);

/** Keywords whose value is a subschema, a list of them or a map of them. */
export function isSubschemaKeyword(keyword: string): boolean {
  return SINGLE.has(keyword) || ARRAY.has(keyword) || MAP.has(keyword) || keyword === 'items';
}

/** Keywords whose object value maps names (of properties or definitions) to subschemas. */
export function isNameMapKeyword(keyword: string): boolean {
  return MAP.has(keyword) || keyword === 'dependentRequired';
}

/** How a subschema is reached from its parent. */
export type SubschemaRole = 'in-place' | 'descending' | 'definition';

export interface Subschema {
  keyword: string;
  pointer: string;
  schema: unknown;
  role: SubschemaRole;
}

/**
 * The direct subschemas of a schema object, in keyword order, for both drafts: `items` as a
 * schema or (draft-07) an array of them, `dependencies` values that are schemas. Values of the
 * wrong shape are skipped; the meta-schema check reports them.
 */
export function subschemasOf(node: SchemaObject, pointer: string): Subschema[] {
  const out: Subschema[] = [];
  for (const [keyword, value] of Object.entries(node)) {
    const base = `${pointer}/${escapePointer(keyword)}`;
    const role: SubschemaRole = DEFINITIONS.has(keyword)
      ? 'definition'
      : IN_PLACE.has(keyword)
        ? 'in-place'
        : 'descending';
    if (SINGLE.has(keyword) || keyword === 'items') {
      if (Array.isArray(value) && keyword === 'items') {
        value.forEach((schema: unknown, i) => out.push({ keyword, pointer: `${base}/${i}`, schema, role }));
      } else if (isSchema(value)) {
        out.push({ keyword, pointer: base, schema: value, role });
      }
    } else if (ARRAY.has(keyword)) {
      if (Array.isArray(value))
        value.forEach((schema: unknown, i) => out.push({ keyword, pointer: `${base}/${i}`, schema, role }));
    } else if (MAP.has(keyword) && isSchemaObject(value)) {
      for (const [name, schema] of Object.entries(value)) {
        if (isSchema(schema)) out.push({ keyword, pointer: `${base}/${escapePointer(name)}`, schema, role });
      }
    }
  }
  return out;
}

/** A schema is an object or a boolean (JSON Schema 2020-12 section 4.3.2). */
export function isSchema(value: unknown): value is SchemaObject | boolean {
  return typeof value === 'boolean' || isSchemaObject(value);
}

/** Calls `visit` for every schema in the document (root included), depth first. */
export function forEachSchema(root: unknown, visit: (node: SchemaObject, pointer: string) => void): void {
  const walk = (node: unknown, pointer: string): void => {
    if (!isSchemaObject(node)) return;
    visit(node, pointer);
    for (const sub of subschemasOf(node, pointer)) walk(sub.schema, sub.pointer);
  };
  walk(root, '');
}

/**
 * Keywords that only annotate: they never make an instance invalid, so neither the
 * compatibility checker nor schema equality looks at them.
 */
export const ANNOTATION_KEYWORDS = new Set<string>([
  '$schema',
  '$id',
  '$anchor',
  '$dynamicAnchor',
  '$vocabulary',
  '$comment',
  '$defs',
  'definitions',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentEncoding',
  'contentMediaType',
  'contentSchema',
]);

/** True for annotation keywords, Lienthong's `x-lienthong-*` ones included. */
export function isAnnotationKeyword(keyword: string): boolean {
  return ANNOTATION_KEYWORDS.has(keyword) || keyword.startsWith('x-lienthong-');
}
