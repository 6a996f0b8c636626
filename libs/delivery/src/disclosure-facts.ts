import { pointerTokens } from './projection.js';

/** What a delivery discloses: the subjects (keyed hashes, with the pointer each was read at) and the personal fields. */
export interface DisclosureFacts {
  subjects: { hash: string; pointer: string }[];
  fields: string[];
}

/** Parsed pointers: the same few schema pointers are read for every delivery of every record. */
const TOKENS = new Map<string, string[]>();
const TOKENS_MAX = 10_000;

function tokensOf(pointer: string): string[] {
  let tokens = TOKENS.get(pointer);
  if (tokens === undefined) {
    if (TOKENS.size >= TOKENS_MAX) TOKENS.clear();
    tokens = pointerTokens(pointer);
    TOKENS.set(pointer, tokens);
  }
  return tokens;
}

function isPrefix(prefix: string[], tokens: string[]): boolean {
  return prefix.length <= tokens.length && prefix.every((t, i) => t === tokens[i]);
}

function resolve(value: unknown, tokens: string[]): unknown {
  let node = value;
  for (const token of tokens) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/**
 * The personal-data pointers present in a delivered (projected) payload. When the projection
 * selected only part of a personal field (`/address/detail` of personal `/address`), the parts
 * delivered are named rather than the whole field.
 */
export function deliveredPersonalFields(
  delivered: unknown,
  personalData: readonly string[],
  projection: readonly string[] | undefined,
): string[] {
  const found = new Set<string>();
  for (const p of personalData) {
    const tokens = tokensOf(p);
    if (resolve(delivered, tokens) === undefined) continue;
    if (projection === undefined || projection.some((q) => isPrefix(tokensOf(q), tokens))) {
      found.add(p);
      continue;
    }
    for (const q of projection) {
      const inner = tokensOf(q);
      if (isPrefix(tokens, inner) && resolve(delivered, inner) !== undefined) found.add(q);
    }
  }
  return [...found];
}

/**
 * What one delivery discloses, or undefined when it discloses nothing: a record counts as a
 * disclosure of its subjects when at least one personal field reached the subscriber. The
 * subject identifiers are read from the original record (a projection may have removed them) and
 * leave this function only as `hash(id)`.
 */
export function disclosureFacts(
  input: {
    original: unknown;
    delivered: unknown;
    dataSubject: readonly string[];
    personalData: readonly string[];
    projection: readonly string[] | undefined;
  },
  hash: (subjectId: string) => string,
): DisclosureFacts | undefined {
  if (input.dataSubject.length === 0) return undefined;
  const fields = deliveredPersonalFields(input.delivered, input.personalData, input.projection);
  if (fields.length === 0) return undefined;
  const subjects: DisclosureFacts['subjects'] = [];
  const seen = new Set<string>();
  for (const pointer of input.dataSubject) {
    const value = resolve(input.original, tokensOf(pointer));
    const id =
      typeof value === 'string' && value.length > 0
        ? value
        : typeof value === 'number' && Number.isSafeInteger(value)
          ? String(value)
          : undefined;
    if (id === undefined) continue;
    const h = hash(id);
    if (seen.has(h)) continue;
    seen.add(h);
    subjects.push({ hash: h, pointer });
  }
  return subjects.length > 0 ? { subjects, fields } : undefined;
}

/** The facts as one Kafka header value on parked (retry, dead-letter) deliveries; no clear identifier. */
export function encodeDisclosureFacts(facts: DisclosureFacts): string {
  return JSON.stringify({ s: facts.subjects.map((s) => [s.hash, s.pointer]), f: facts.fields });
}

/** Reads `encodeDisclosureFacts` back; undefined when absent or malformed. */
export function decodeDisclosureFacts(header: string | undefined): DisclosureFacts | undefined {
  if (header === undefined) return undefined;
  try {
    const value = JSON.parse(header) as { s?: unknown; f?: unknown };
    const s = value.s;
    const f = value.f;
    if (!Array.isArray(s) || !Array.isArray(f) || !f.every((x) => typeof x === 'string')) return undefined;
    const subjects = s.flatMap((pair: unknown) =>
      Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string'
        ? [{ hash: pair[0], pointer: pair[1] }]
        : [],
    );
    return subjects.length > 0 && f.length > 0 ? { subjects, fields: f } : undefined;
  } catch {
    return undefined;
  }
}
