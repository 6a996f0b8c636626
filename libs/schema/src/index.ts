export { isJsonPointer, resolvePointer } from './json-pointer.util.js';
export {
  CompiledSchema,
  SchemaCatalogue,
  compileSchema,
  loadSchemaCatalogue,
  readSchemaMetadata,
} from './schema-catalogue.js';
export type { SchemaMetadata } from './schema-catalogue.js';
export { LIENTHONG_KEYWORDS, VETTED_FORMATS, createSchemaCompiler } from './schema-compiler.js';
export { MAX_JSON_DEPTH, escapePointer, parseStrictJson } from './strict-json.util.js';
export { toProblemPointers } from './validation-errors.js';
