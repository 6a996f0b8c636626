import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** Schema annotations Lienthong reads; declared to ajv so strict mode accepts them. */
export const LIENTHONG_KEYWORDS = [
  'x-lienthong-type',
  'x-lienthong-version',
  'x-lienthong-key',
  'x-lienthong-owner',
  'x-lienthong-personal-data',
  'x-lienthong-data-subject',
  'x-lienthong-description',
  'x-lienthong-signature-required',
] as const;

/** The only `format`s a schema may use: each has a well-defined, linear-time check. */
export const VETTED_FORMATS = ['date', 'date-time', 'time', 'email', 'uuid', 'uri'] as const;

/**
 * An ajv instance for trusted JSON Schema 2020-12 documents in strict mode (the benchmark's
 * plain-ajv baseline). Registered, untrusted schemas compile through `compileUntrustedSchema`.
 */
export function createSchemaCompiler(): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    allErrors: true,
    $data: false,
    validateFormats: true,
    addUsedSchema: false,
    loadSchema: undefined,
  });
  addFormats.default(ajv, [...VETTED_FORMATS]);
  ajv.addVocabulary([...LIENTHONG_KEYWORDS]);
  return ajv;
}

export type { ErrorObject, ValidateFunction };
