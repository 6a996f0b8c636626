import type { SchemaDocument } from './schema-document.js';
import { REFERENCE_KEYWORDS } from './schema-document.js';
import { isSchemaObject, subschemasOf } from './schema-keywords.js';

/** A refusal found while following a schema's local references. */
export interface ReferenceFinding {
  code: 'schema-invalid' | 'schema-too-large' | 'schema-too-deep';
  pointer: string;
  message: string;
  messageVi: string;
}

export interface ReferenceLimits {
  /** Subschemas a validation may visit per instance location tree, references followed. */
  maxExpandedSubschemas: number;
  /** References followed one inside another before the schema counts as too deep. */
  maxReferenceChain: number;
}

interface OutgoingReference {
  pointer: string;
  target: string;
  /** No keyword between the entry schema and the reference moves to a part of the instance. */
  inPlace: boolean;
}

interface Entry {
  /** Schemas in the entry's subtree, definitions (`$defs`) excluded. */
  size: number;
  references: OutgoingReference[];
}

/**
 * Follows local references the way a validator would and refuses what would make validation
 * diverge or blow up, none of which the size and depth limits see:
 * - a reference that resolves to nothing (ajv would refuse to compile it too);
 * - a cycle of references that never moves into the instance (`{"$ref": "#"}`), which recurses
 *   forever on every record;
 * - a schema that, references expanded, visits more than `maxExpandedSubschemas` subschemas:
 *   `a1 = allOf[a0, a0]`, `a2 = allOf[a1, a1]`, ... doubles the work per level in a few bytes.
 * Recursion through the instance (trees) is allowed: it is bounded by the payload's own depth.
 */
export function inspectReferences(
  doc: SchemaDocument,
  limits: ReferenceLimits,
): ReferenceFinding | undefined {
  const entries = new Map<string, Entry>();
  const pending = [''];
  while (pending.length > 0) {
    const at = pending.pop()!;
    if (entries.has(at)) continue;
    const entry: Entry = { size: 0, references: [] };
    entries.set(at, entry);
    const missing = collect(doc, doc.at(at), at, true, entry);
    if (missing) return missing;
    for (const ref of entry.references) if (!entries.has(ref.target)) pending.push(ref.target);
  }

  const cycle = findInPlaceCycle(entries);
  if (cycle) {
    return {
      code: 'schema-invalid',
      pointer: cycle,
      message: 'this reference closes a cycle that never moves into the data, so validation would never end',
      messageVi:
        'tham chiếu này tạo vòng lặp không đi sâu vào dữ liệu, nên việc kiểm tra sẽ không bao giờ kết thúc',
    };
  }

  const cost = new Map<string, number>();
  const onStack = new Set<string>();
  let tooDeep: ReferenceFinding | undefined;
  const cap = limits.maxExpandedSubschemas + 1;
  const expand = (at: string, depth: number, via: string): number => {
    const known = cost.get(at);
    if (known !== undefined) return known;
    if (onStack.has(at)) return 1;
    if (depth > limits.maxReferenceChain) {
      tooDeep ??= {
        code: 'schema-too-deep',
        pointer: via,
        message: `references are nested more than ${limits.maxReferenceChain} levels deep`,
        messageVi: `các tham chiếu lồng nhau sâu hơn ${limits.maxReferenceChain} cấp`,
      };
      return cap;
    }
    onStack.add(at);
    const entry = entries.get(at)!;
    let total = entry.size;
    for (const ref of entry.references) {
      total = Math.min(cap, total + expand(ref.target, depth + 1, ref.pointer));
      if (total >= cap) break;
    }
    onStack.delete(at);
    cost.set(at, total);
    return total;
  };
  const total = expand('', 0, '');
  if (tooDeep) return tooDeep;
  if (total > limits.maxExpandedSubschemas) {
    return {
      code: 'schema-too-large',
      pointer: '',
      message: `with its references expanded the schema has more than ${limits.maxExpandedSubschemas} subschemas`,
      messageVi: `khi mở rộng các tham chiếu, lược đồ có hơn ${limits.maxExpandedSubschemas} lược đồ con`,
    };
  }
  return undefined;
}

function collect(
  doc: SchemaDocument,
  node: unknown,
  pointer: string,
  inPlace: boolean,
  entry: Entry,
): ReferenceFinding | undefined {
  entry.size += 1;
  if (!isSchemaObject(node)) return undefined;
  for (const keyword of REFERENCE_KEYWORDS) {
    const reference = node[keyword];
    if (typeof reference !== 'string') continue;
    const target = doc.resolve(reference, pointer);
    const at = `${pointer}/${keyword}`;
    if (target.kind === 'missing') {
      return {
        code: 'schema-invalid',
        pointer: at,
        message: `the reference ${reference} does not resolve to a schema in this document`,
        messageVi: `tham chiếu ${reference} không trỏ tới lược đồ nào trong tài liệu này`,
      };
    }
    if (target.kind === 'local') entry.references.push({ pointer: at, target: target.pointer, inPlace });
  }
  for (const sub of subschemasOf(node, pointer)) {
    if (sub.role === 'definition') continue;
    const missing = collect(doc, sub.schema, sub.pointer, inPlace && sub.role === 'in-place', entry);
    if (missing) return missing;
  }
  return undefined;
}

/** The pointer of a reference closing a cycle made only of in-place references, if any. */
function findInPlaceCycle(entries: Map<string, Entry>): string | undefined {
  const state = new Map<string, 'open' | 'done'>();
  // Iterative depth-first search: reference chains can be long.
  for (const start of entries.keys()) {
    if (state.has(start)) continue;
    const stack: { at: string; next: number }[] = [{ at: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const refs = entries.get(frame.at)!.references.filter((r) => r.inPlace);
      if (frame.next >= refs.length) {
        state.set(frame.at, 'done');
        stack.pop();
        continue;
      }
      const ref = refs[frame.next++]!;
      const seen = state.get(ref.target);
      if (seen === 'open') return ref.pointer;
      if (seen === undefined) {
        state.set(ref.target, 'open');
        stack.push({ at: ref.target, next: 0 });
      }
    }
  }
  return undefined;
}
