import { resolvePointer } from '../json-pointer.util.js';
import type { SchemaDraft, SchemaObject } from './schema-keywords.js';
import { isSchemaObject, subschemasOf } from './schema-keywords.js';

/** Where a reference leads: a schema in this document, another document, or nowhere. */
export type ReferenceTarget =
  { kind: 'local'; pointer: string } | { kind: 'external'; uri: string } | { kind: 'missing' };

/** The keywords that reference another schema. */
export const REFERENCE_KEYWORDS = ['$ref', '$dynamicRef', '$recursiveRef'] as const;

/** An absolute URI: it has a scheme (RFC 3986 section 3.1). */
export function hasUriScheme(uri: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri);
}

/**
 * One schema document with its embedded resources (`$id`) and anchors indexed, so references
 * resolve without fetching anything. Resolution is static: a `$dynamicRef` resolves like a
 * `$ref`, which is what ajv does unless a `$dynamicAnchor` overrides it further out.
 */
export class SchemaDocument {
  /** Absolute resource id (no fragment) to the pointer of its schema. */
  private readonly resources = new Map<string, string>();
  /** `<resource id>#<anchor>` to the pointer of its schema. */
  private readonly anchors = new Map<string, string>();
  /** Pointer of every schema object to the id of the resource that contains it. */
  private readonly resourceOfNode = new Map<string, string>();

  constructor(
    readonly root: unknown,
    readonly draft: SchemaDraft,
  ) {
    const rootId = isSchemaObject(root) && typeof root['$id'] === 'string' ? stripFragment(root['$id']) : '';
    this.resources.set(rootId, '');
    const index = (node: unknown, pointer: string, parent: string): void => {
      if (!isSchemaObject(node)) return;
      let resource = parent;
      const id = node['$id'];
      if (typeof id === 'string') {
        if (id.startsWith('#')) {
          // draft-07 plain-name fragment: an anchor, not a new resource.
          this.anchors.set(`${parent}#${id.slice(1)}`, pointer);
        } else if (hasUriScheme(id)) {
          resource = stripFragment(id);
          this.resources.set(resource, pointer);
        }
      }
      this.resourceOfNode.set(pointer, resource);
      for (const keyword of ['$anchor', '$dynamicAnchor']) {
        const anchor = node[keyword];
        if (typeof anchor === 'string') this.anchors.set(`${resource}#${anchor}`, pointer);
      }
      for (const sub of subschemasOf(node, pointer)) index(sub.schema, sub.pointer, resource);
    };
    index(root, '', rootId);
  }

  /** The value at `pointer` (RFC 6901), or undefined. */
  at(pointer: string): unknown {
    return resolvePointer(this.root, pointer);
  }

  /** True when `uri` (without fragment) names a resource declared in this document. */
  declares(uri: string): boolean {
    return this.resources.has(stripFragment(uri));
  }

  /** Resolves a reference found in the schema at `fromPointer`. */
  resolve(reference: string, fromPointer: string): ReferenceTarget {
    const base = this.resourceOfNode.get(fromPointer) ?? this.resourceOf(fromPointer);
    const hash = reference.indexOf('#');
    const uri = hash >= 0 ? reference.slice(0, hash) : reference;
    const fragment = hash >= 0 ? reference.slice(hash + 1) : '';
    const resource = uri === '' ? base : uri;
    const resourcePointer = this.resources.get(resource);
    if (resourcePointer === undefined) {
      return uri === '' || !hasUriScheme(uri) ? { kind: 'missing' } : { kind: 'external', uri: reference };
    }
    if (fragment === '') return { kind: 'local', pointer: resourcePointer };
    if (fragment.startsWith('/')) {
      let pointer: string;
      try {
        pointer = resourcePointer + decodeURIComponent(fragment);
      } catch {
        return { kind: 'missing' };
      }
      return this.at(pointer) === undefined ? { kind: 'missing' } : { kind: 'local', pointer };
    }
    const anchored = this.anchors.get(`${resource}#${fragment}`);
    return anchored === undefined ? { kind: 'missing' } : { kind: 'local', pointer: anchored };
  }

  /** The schema object at `pointer` when there is one (booleans and missing give undefined). */
  schemaAt(pointer: string): SchemaObject | boolean | undefined {
    const value = this.at(pointer);
    return typeof value === 'boolean' || isSchemaObject(value) ? value : undefined;
  }

  private resourceOf(pointer: string): string {
    // A pointer into a non-schema position (never produced by the walkers): use the nearest
    // indexed ancestor.
    let p = pointer;
    while (p !== '') {
      p = p.slice(0, p.lastIndexOf('/'));
      const found = this.resourceOfNode.get(p);
      if (found !== undefined) return found;
    }
    return this.resourceOfNode.get('') ?? '';
  }
}

function stripFragment(uri: string): string {
  const hash = uri.indexOf('#');
  return hash >= 0 ? uri.slice(0, hash) : uri;
}
