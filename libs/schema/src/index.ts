export { isJsonPointer, resolvePointer } from './json-pointer.util.js';
export { CompiledSchema, dataSubjectsOf, readSchemaMetadata } from './compiled-schema.js';
export type { SchemaMetadata } from './compiled-schema.js';
export { LIENTHONG_KEYWORDS, VETTED_FORMATS, createSchemaCompiler } from './schema-compiler.js';
export { MAX_JSON_DEPTH, escapePointer, parseStrictJson, splitJsonArray } from './strict-json.util.js';
export { toProblemPointers } from './validation-errors.js';
export {
  COMPATIBILITY_LEVELS,
  DEFAULT_COMPATIBILITY_LEVEL,
  isCompatibilityLevel,
} from './compatibility/compatibility-level.js';
export type { CompatibilityLevel } from './compatibility/compatibility-level.js';
export { assertCompatible, checkCompatibility } from './compatibility/compatibility-checker.js';
export type {
  CompatibilityReason,
  CompatibilityResult,
  PreviousSchemaVersion,
} from './compatibility/compatibility-checker.js';
export { COMPATIBILITY_RULES } from './compatibility/compatibility-rules.js';
export type { CompatibilityRule } from './compatibility/compatibility-rules.js';
export {
  SCHEMA_SAFETY_DEFAULTS,
  assertSchemaIsSafe,
  compileUntrustedSchema,
} from './safe-schema/schema-safety.js';
export type {
  CompiledUntrustedSchema,
  SchemaReference,
  SchemaSafetyOptions,
  UntrustedSchemaOptions,
} from './safe-schema/schema-safety.js';
export { findBreaks, isSubschema } from './compatibility/schema-inclusion.js';
export type { SchemaBreak, SchemaLabels } from './compatibility/compatibility-rules.js';
export { createSafeSchemaCompiler } from './safe-schema/schema-safety.js';
export type { SchemaProblemCode } from './safe-schema/schema-safety.js';
export { UnsupportedPatternError, compileRe2Pattern, re2RegExp } from './safe-schema/re2-regexp.js';
export { draftOfDocument } from './safe-schema/schema-keywords.js';
export type { SchemaDraft } from './safe-schema/schema-keywords.js';
