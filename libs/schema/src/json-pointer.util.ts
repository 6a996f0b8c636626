/**
 * Resolves an RFC 6901 JSON pointer against a parsed document; undefined when any step is
 * missing. Only own properties are followed.
 */
export function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  if (!pointer.startsWith('/')) return undefined;
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object') {
      if (!Object.prototype.hasOwnProperty.call(current, token)) return undefined;
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}

/** True when `pointer` is syntactically an RFC 6901 JSON pointer. */
export function isJsonPointer(pointer: string): boolean {
  return pointer === '' || /^(\/([^~/]|~[01])*)+$/.test(pointer);
}
