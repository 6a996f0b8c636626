/** What a subscriber may see of a record, beyond its own projection. */
export interface ProjectionOptions {
  /** Pointers the record's schema marks as personal data (`metadata.personalData`). */
  personalData: readonly string[];
  /** Whether the subscriber holds `subscribe-personal-data` for the record's type. */
  personalDataAllowed: boolean;
}

/** A node of a pointer trie: `end` when a pointer stops here (its whole subtree is meant). */
interface PointerTrie {
  end: boolean;
  children: Map<string, PointerTrie>;
}

const REMOVED = Symbol('removed');

/**
 * Applies a subscription's projection (Law 91/2025/QH15 data minimisation): keeps only the
 * allow-listed RFC 6901 pointers, each with its whole subtree, and removes the schema's
 * personal-data pointers unless the subscriber is allowed them — with or without a projection.
 * Objects keep their member order; an array keeps its selected elements in order (so indices
 * may shift); a pointer that matches nothing adds nothing. `changed` is false only when the
 * result is the input itself, untouched: then the exact original bytes and the publisher's
 * signature may be forwarded.
 */
export function projectPayload(
  payload: unknown,
  projection: readonly string[] | undefined,
  options: ProjectionOptions,
): { payload: unknown; changed: boolean } {
  const keep = projection === undefined ? undefined : buildTrie(projection);
  const remove = options.personalDataAllowed ? undefined : buildTrie(options.personalData);
  if (keep === undefined && (remove === undefined || (!remove.end && remove.children.size === 0))) {
    return { payload, changed: false };
  }
  const state = { changed: false };
  const result = walk(payload, keep, remove, state);
  if (!state.changed) return { payload, changed: false };
  if (result !== REMOVED) return { payload: result, changed: true };
  return { payload: Array.isArray(payload) ? [] : isObject(payload) ? {} : null, changed: true };
}

/**
 * Projection pointers that reveal personal data: equal to, or inside, one of `personalData`.
 * A pointer above a personal field (`/address` when `/address/detail` is personal) reveals
 * nothing by itself: the personal part is removed from what it selects.
 */
export function pointersRevealing(
  pointers: readonly string[],
  personalData: readonly string[],
): { pointer: string; personal: string }[] {
  const found: { pointer: string; personal: string }[] = [];
  for (const pointer of pointers) {
    const tokens = pointerTokens(pointer);
    const personal = personalData.find((p) => isPrefix(pointerTokens(p), tokens));
    if (personal !== undefined) found.push({ pointer, personal });
  }
  return found;
}

/** The reference tokens of an RFC 6901 pointer, unescaped (section 4: `~1` before `~0`). */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isPrefix(prefix: string[], tokens: string[]): boolean {
  return prefix.length <= tokens.length && prefix.every((t, i) => t === tokens[i]);
}

function buildTrie(pointers: readonly string[]): PointerTrie {
  const root: PointerTrie = { end: false, children: new Map() };
  for (const pointer of pointers) {
    if (pointer !== '' && !pointer.startsWith('/')) continue; // not a pointer: selects nothing
    let node = root;
    for (const token of pointerTokens(pointer)) {
      let child = node.children.get(token);
      if (!child) {
        child = { end: false, children: new Map() };
        node.children.set(token, child);
      }
      node = child;
    }
    node.end = true;
  }
  return root;
}

/**
 * `keep` undefined means "everything below is selected"; `remove` undefined means "nothing
 * below is removed". Shares untouched subtrees with the input instead of copying them.
 */
function walk(
  value: unknown,
  keep: PointerTrie | undefined,
  remove: PointerTrie | undefined,
  state: { changed: boolean },
): unknown {
  if (remove?.end) {
    state.changed = true;
    return REMOVED;
  }
  const keepAll = keep === undefined || keep.end;
  if (keepAll && (remove === undefined || remove.children.size === 0)) return value;
  const childKeep = (token: string): PointerTrie | undefined | typeof REMOVED =>
    keepAll ? undefined : (keep.children.get(token) ?? REMOVED);

  if (Array.isArray(value)) {
    const out: unknown[] = [];
    value.forEach((item, i) => {
      const child = project(item, String(i), childKeep, remove, state);
      if (child !== REMOVED) out.push(child);
    });
    return keepAll || out.length > 0 ? out : removedEmpty(state);
  }
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    let members = 0;
    for (const [name, item] of Object.entries(value)) {
      const child = project(item, name, childKeep, remove, state);
      if (child === REMOVED) continue;
      // A member named `__proto__` stays data, never a prototype.
      Object.defineProperty(out, name, {
        value: child,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      members++;
    }
    return keepAll || members > 0 ? out : removedEmpty(state);
  }
  if (keepAll) return value;
  // A scalar where the projection wanted to go deeper: nothing there to keep.
  state.changed = true;
  return REMOVED;
}

/** A container only traversed on the way to selected pointers, and none of them was there. */
function removedEmpty(state: { changed: boolean }): typeof REMOVED {
  state.changed = true;
  return REMOVED;
}

function project(
  item: unknown,
  token: string,
  childKeep: (token: string) => PointerTrie | undefined | typeof REMOVED,
  remove: PointerTrie | undefined,
  state: { changed: boolean },
): unknown {
  const keep = childKeep(token);
  if (keep === REMOVED) {
    state.changed = true;
    return REMOVED;
  }
  return walk(item, keep, remove?.children.get(token), state);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
