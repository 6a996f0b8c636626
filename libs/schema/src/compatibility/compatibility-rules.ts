/**
 * The rules a schema change can break, named by what the reading schema does to data the
 * writing schema allows. The README in this folder explains each, with its direction.
 */
export const COMPATIBILITY_RULES = [
  'schema-rejects-all',
  'type-narrowed',
  'type-changed',
  'enum-added',
  'enum-narrowed',
  'const-added',
  'const-changed',
  'min-length-tightened',
  'max-length-tightened',
  'pattern-tightened',
  'format-tightened',
  'minimum-tightened',
  'maximum-tightened',
  'exclusive-minimum-tightened',
  'exclusive-maximum-tightened',
  'multiple-of-tightened',
  'min-items-tightened',
  'max-items-tightened',
  'unique-items-added',
  'contains-tightened',
  'additional-items-narrowed',
  'min-properties-tightened',
  'max-properties-tightened',
  'property-added-to-open-model',
  'property-added-not-covered-by-partially-open-model',
  'property-removed-from-closed-model',
  'property-removed-not-covered-by-partially-open-model',
  'required-property-added',
  'property-made-required',
  'additional-properties-narrowed',
  'pattern-properties-narrowed',
  'property-names-tightened',
  'dependent-required-added',
  'dependent-schema-tightened',
  'any-of-narrowed',
  'one-of-narrowed',
  'one-of-not-exclusive',
  'unsupported-construct',
] as const;

export type CompatibilityRule = (typeof COMPATIBILITY_RULES)[number];

/**
 * One way data valid under the writing schema can be invalid under the reading one. Messages
 * name the two schemas through the labels the caller chose ("the new schema", "version 2").
 */
export interface SchemaBreak {
  rule: CompatibilityRule;
  /** Where the difference is in the reading schema (RFC 6901). */
  readerPointer: string;
  /** Where the difference is in the writing schema (RFC 6901). */
  writerPointer: string;
  message: string;
  messageVi: string;
}

/** How messages name the two schemas, in English and Vietnamese. */
export interface SchemaLabels {
  reader: string;
  writer: string;
  readerVi: string;
  writerVi: string;
}

export const DEFAULT_LABELS: SchemaLabels = {
  reader: 'the reading schema',
  writer: 'the writing schema',
  readerVi: 'lược đồ đọc',
  writerVi: 'lược đồ ghi',
};

/** A break before labelling: `{R}` and `{W}` stand for the reading and writing schemas. */
export interface RawBreak {
  rule: CompatibilityRule;
  readerPointer: string;
  writerPointer: string;
  en: string;
  vi: string;
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export function labelBreak(raw: RawBreak, labels: SchemaLabels): SchemaBreak {
  return {
    rule: raw.rule,
    readerPointer: raw.readerPointer,
    writerPointer: raw.writerPointer,
    message: capitalize(raw.en.replaceAll('{R}', labels.reader).replaceAll('{W}', labels.writer)),
    messageVi: capitalize(raw.vi.replaceAll('{R}', labels.readerVi).replaceAll('{W}', labels.writerVi)),
  };
}

/** A value as it appears in a message: JSON, shortened. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
