import { LienthongError } from '@lienthong/contracts';
import type { CompatibilityLevel, SchemaVersionMetadata } from '@lienthong/registry';
import { COMPATIBILITY_LEVELS, isCompatibilityLevel } from '@lienthong/registry';
import { isJsonPointer, parseStrictJson } from '@lienthong/schema';
import { assertJsonMediaType } from '../schemas/schemas.dto.js';
import { CONFLUENT_CODES, ConfluentError } from './confluent.exception.js';

// ---- Confluent's bodies (Schema Registry REST API) ----

/** `POST /subjects/{s}/versions`: `{"id": n}`. */
export interface RegisteredSchemaId {
  id: number;
}

/** `GET /subjects/{s}/versions/{v}` and `POST /subjects/{s}`. */
export interface SubjectVersionBody {
  subject: string;
  version: number;
  id: number;
  schemaType: 'JSON';
  schema: string;
}

/** `GET /schemas/ids/{id}`. */
export interface SchemaByIdBody {
  schema: string;
  schemaType: 'JSON';
}

export interface CompatibilityBody {
  is_compatible: boolean;
  messages?: string[];
}

/** A schema as a Confluent client submits it, parsed. */
export interface SubmittedSchema {
  schema: Record<string, unknown>;
}

const SUBMISSION_MEMBERS = ['schema', 'schemaType', 'references'];

/** The raw body of a request that declared JSON (Confluent's media type included); 415 otherwise. */
export function jsonBody(body: Buffer | undefined, contentType: string | undefined): Buffer | undefined {
  if (Buffer.isBuffer(body)) assertJsonMediaType(contentType);
  return body;
}

/**
 * Parses `{"schema": "<JSON string>", "schemaType": "JSON", "references"?: []}`. Only JSON
 * Schema is served here: a missing `schemaType` means Avro to Confluent, so it is refused like
 * any other type (42201). Cross-subject `references` are refused too: a Lienthong schema names a
 * registered type by `urn:lienthong:schema:<type>:<version>` inside the document.
 */
export function parseSubmittedSchema(body: Buffer | undefined): SubmittedSchema {
  const value = parseStrictJson(requireBody(body));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfluentError(
      422,
      CONFLUENT_CODES.unrecognizedField,
      'The request body must be a JSON object.',
    );
  }
  const request = value as Record<string, unknown>;
  const unknown = Object.keys(request).filter((k) => !SUBMISSION_MEMBERS.includes(k));
  if (unknown.length > 0) {
    throw new ConfluentError(
      422,
      CONFLUENT_CODES.unrecognizedField,
      `Unrecognized field: ${unknown.join(', ')}`,
    );
  }
  const schemaType = request['schemaType'] ?? 'AVRO';
  if (schemaType !== 'JSON') {
    throw new ConfluentError(
      422,
      CONFLUENT_CODES.invalidSchema,
      `Invalid schema: schemaType ${JSON.stringify(schemaType)} is not supported; this registry serves JSON Schema only ("schemaType": "JSON").`,
    );
  }
  const references = request['references'];
  if (
    references !== undefined &&
    references !== null &&
    !(Array.isArray(references) && references.length === 0)
  ) {
    throw new ConfluentError(
      422,
      CONFLUENT_CODES.invalidSchema,
      'Invalid schema: references are not supported; refer to a registered type with "$ref": "urn:lienthong:schema:<type>:<version>" inside the schema.',
    );
  }
  const text = request['schema'];
  if (typeof text !== 'string') {
    throw new ConfluentError(
      422,
      CONFLUENT_CODES.invalidSchema,
      'Invalid schema: "schema" must be a string holding the JSON Schema.',
    );
  }
  let schema: unknown;
  try {
    schema = parseStrictJson(Buffer.from(text, 'utf8'));
  } catch (error) {
    const reason = error instanceof LienthongError ? error.message : 'not JSON';
    throw new ConfluentError(
      422,
      CONFLUENT_CODES.invalidSchema,
      `Invalid schema: the schema string is not strict JSON (${reason}).`,
    );
  }
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new ConfluentError(
      422,
      CONFLUENT_CODES.invalidSchema,
      'Invalid schema: a JSON Schema document must be an object.',
    );
  }
  return { schema: schema as Record<string, unknown> };
}

/** `PUT /config[/{s}]` body: `{"compatibility": LEVEL}` (Confluent also reads `compatibilityLevel`). */
export function parseConfluentConfig(body: Buffer | undefined): CompatibilityLevel {
  const value = parseStrictJson(requireBody(body));
  const request = (
    value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {}
  ) as Record<string, unknown>;
  const unknown = Object.keys(request).filter((k) => k !== 'compatibility' && k !== 'compatibilityLevel');
  if (unknown.length > 0) {
    throw new ConfluentError(
      422,
      CONFLUENT_CODES.unrecognizedField,
      `Unrecognized field: ${unknown.join(', ')}`,
    );
  }
  const raw = request['compatibility'] ?? request['compatibilityLevel'];
  const level = typeof raw === 'string' ? raw.toUpperCase() : raw;
  if (!isCompatibilityLevel(level)) {
    throw new ConfluentError(
      422,
      CONFLUENT_CODES.invalidCompatibilityLevel,
      `Invalid compatibility level. Valid values are ${COMPATIBILITY_LEVELS.join(', ')}.`,
    );
  }
  return level;
}

/** Confluent's `{version}`: a positive 32-bit integer, `latest`, or -1 (latest). */
export function parseConfluentVersion(version: string): number | 'latest' {
  if (version === 'latest' || version === '-1') return 'latest';
  if (/^[1-9][0-9]{0,9}$/.test(version) && Number(version) <= 2 ** 31 - 1) return Number(version);
  throw new ConfluentError(
    422,
    CONFLUENT_CODES.invalidVersion,
    `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  );
}

function requireBody(body: Buffer | undefined): Buffer {
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw new ConfluentError(422, CONFLUENT_CODES.unrecognizedField, 'The request body is empty.');
  }
  return body;
}

/** Longest description carried over from a schema's `title`/`description`. */
const MAX_DERIVED_DESCRIPTION = 2_000;

/**
 * Lienthong metadata for a schema registered through the Confluent API, which carries none.
 * The owner is the calling agency; the record key must be declared in the schema itself as
 * `x-lienthong-key` (there is no sensible default: the key orders a record stream); the
 * description comes from `x-lienthong-description`, else `description` or `title`; personal data
 * and signature requirement from their `x-lienthong-*` keywords; examples from `examples`.
 */
export function deriveMetadata(
  subject: string,
  schema: Record<string, unknown>,
  owner: string,
): SchemaVersionMetadata {
  const refuse = (message: string): never => {
    throw new ConfluentError(422, CONFLUENT_CODES.invalidSchema, `Invalid schema: ${message}`);
  };
  const keyPointer = schema['x-lienthong-key'];
  if (keyPointer === undefined) {
    refuse(
      `Lienthong needs the record key of ${subject}: add "x-lienthong-key": "<JSON pointer>" (e.g. "/id") to the schema; it names the field that becomes the Kafka key.`,
    );
  }
  if (typeof keyPointer !== 'string' || keyPointer === '' || !isJsonPointer(keyPointer)) {
    refuse('x-lienthong-key must be a non-empty JSON pointer such as "/id".');
  }
  const personalData = schema['x-lienthong-personal-data'] ?? [];
  if (
    !Array.isArray(personalData) ||
    !personalData.every((p) => typeof p === 'string' && p !== '' && isJsonPointer(p))
  ) {
    refuse('x-lienthong-personal-data must be an array of JSON pointers.');
  }
  const dataSubject = schema['x-lienthong-data-subject'] ?? [];
  if (
    !Array.isArray(dataSubject) ||
    !dataSubject.every((p) => typeof p === 'string' && p !== '' && isJsonPointer(p))
  ) {
    refuse('x-lienthong-data-subject must be an array of JSON pointers.');
  }
  const signatureRequired = schema['x-lienthong-signature-required'] ?? false;
  if (typeof signatureRequired !== 'boolean') refuse('x-lienthong-signature-required must be true or false.');
  return {
    owner,
    description: describe(subject, schema),
    keyPointer: keyPointer as string,
    personalData: personalData as string[],
    ...((dataSubject as string[]).length > 0 && { dataSubject: dataSubject as string[] }),
    signatureRequired: signatureRequired as boolean,
    examples: Array.isArray(schema['examples']) ? (schema['examples'] as unknown[]) : [],
  };
}

function describe(subject: string, schema: Record<string, unknown>): { vi: string; en: string } {
  const declared = schema['x-lienthong-description'] as { vi?: unknown; en?: unknown } | undefined;
  if (typeof declared?.vi === 'string' && typeof declared.en === 'string' && declared.vi && declared.en) {
    return { vi: declared.vi, en: declared.en };
  }
  const text = [schema['description'], schema['title']].find(
    (t): t is string => typeof t === 'string' && t.trim() !== '',
  );
  const description = (text ?? subject).slice(0, MAX_DERIVED_DESCRIPTION);
  return { vi: description, en: description };
}
