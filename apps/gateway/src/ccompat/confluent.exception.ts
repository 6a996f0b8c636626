import type { Language, LienthongError, ProblemCode } from '@lienthong/contracts';
import { PROBLEM_CATALOGUE } from '@lienthong/contracts';

/** Confluent Schema Registry's media type; its clients send it and accept it back. */
export const CONFLUENT_MEDIA_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * Confluent Schema Registry error codes (its REST API reference, "Errors"): a 5-digit code whose
 * first three digits are the HTTP status, or the bare status for generic errors.
 */
export const CONFLUENT_CODES = {
  subjectNotFound: 40401,
  versionNotFound: 40402,
  schemaNotFound: 40403,
  subjectConfigNotFound: 40408,
  incompatibleSchema: 409,
  unrecognizedField: 422,
  invalidSchema: 42201,
  invalidVersion: 42202,
  invalidCompatibilityLevel: 42203,
  invalidSubject: 42208,
  storeTimeout: 50002,
  internal: 50001,
} as const;

/** An error in Confluent's shape, `{error_code, message}`, with its HTTP status. */
export class ConfluentError extends Error {
  override readonly name = 'ConfluentError';

  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The body Confluent clients parse on an error. */
export interface ConfluentErrorBody {
  error_code: number;
  message: string;
}

/** Lienthong codes with a Confluent counterpart other than the HTTP status. */
const SPECIFIC_CODES: Partial<Record<ProblemCode, { status: number; errorCode: number }>> = {
  'unknown-type': { status: 404, errorCode: CONFLUENT_CODES.subjectNotFound },
  'unknown-schema-version': { status: 404, errorCode: CONFLUENT_CODES.versionNotFound },
  'schema-incompatible': { status: 409, errorCode: CONFLUENT_CODES.incompatibleSchema },
  'invalid-type-name': { status: 422, errorCode: CONFLUENT_CODES.invalidSubject },
  'registry-unavailable': { status: 503, errorCode: CONFLUENT_CODES.storeTimeout },
  'internal-error': { status: 500, errorCode: CONFLUENT_CODES.internal },
};

/** Maps a domain error to Confluent's codes; the message keeps Lienthong's detail and pointers. */
export function toConfluentError(error: LienthongError, lang: Language): ConfluentError {
  const title = PROBLEM_CATALOGUE[error.code][lang];
  const detail =
    (lang === 'vi' ? (error.options.detailVi ?? error.options.detail) : error.options.detail) ?? title;
  const pointers = (error.options.errors ?? [])
    .slice(0, 20)
    .map(
      (e) =>
        `${e.pointer === '' ? '/' : e.pointer}: ${lang === 'vi' ? (e.messageVi ?? e.message) : e.message}`,
    );
  const message = pointers.length > 0 ? `${detail} ${pointers.join('; ')}` : detail;
  const specific = SPECIFIC_CODES[error.code];
  if (specific) return new ConfluentError(specific.status, specific.errorCode, message);
  const status = PROBLEM_CATALOGUE[error.code].status;
  // Every other 422 is a refusal of the schema itself (safety limits, meta-schema, examples).
  if (status === 422) return new ConfluentError(422, CONFLUENT_CODES.invalidSchema, message);
  return new ConfluentError(status, status, message);
}
