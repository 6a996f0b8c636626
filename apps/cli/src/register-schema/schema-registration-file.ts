import type { SchemaMetadata } from '@lienthong/schema';
import { UsageError } from '../common/cli.exception.js';
import { parseJsonFile } from '../common/cli-files.js';
import { isJsonObject } from '../common/json-value.util.js';
import { errorMessage } from '../common/error-message.util.js';

/** The body of `POST /v1/schemas/{type}/versions` made from a file. */
export interface RegistrationRequest {
  /** The exact bytes to send. */
  body: Buffer;
  /** `registration`: the file already was `{schema, metadata}`; `annotated-schema`: converted. */
  form: 'registration' | 'annotated-schema';
  /** The `x-lienthong-version` an annotated schema declares. */
  fileVersion?: number;
}

/**
 * Turns a schema file into a registration request. A file that is already a registration
 * (`{schema, metadata}`) is sent byte for byte, so the pointers of a refusal point into it. A
 * schema carrying `x-lienthong-*` keywords (as in `schemas/<type>/v<N>.schema.json`) becomes
 * `{schema, metadata}` by the rules the gateway seeds its catalogue with
 * (`apps/gateway/src/registry/seed-catalogue.ts`): the keywords are read by
 * `readSchemaMetadata`, the document is registered as it is, and its `examples` become the
 * metadata's examples.
 */
export async function registrationFromFile(
  bytes: Buffer,
  path: string,
  type: string,
): Promise<RegistrationRequest> {
  const document = parseJsonFile(bytes, path, 'schema file');
  if (!isJsonObject(document)) throw new UsageError(`schema file ${path} is not a JSON object`);

  if (!('x-lienthong-type' in document) && ('schema' in document || 'metadata' in document)) {
    return { body: bytes, form: 'registration' };
  }
  if (!('x-lienthong-type' in document)) {
    throw new UsageError(
      `schema file ${path} is neither a registration ({"schema": …, "metadata": …}) nor a JSON Schema with x-lienthong-* keywords`,
    );
  }

  // Loaded here, not at start-up: the schema lib brings ajv, which the other commands never need.
  const { readSchemaMetadata } = await import('@lienthong/schema');
  let metadata: SchemaMetadata;
  try {
    metadata = readSchemaMetadata(document, `schema file ${path}`);
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  if (metadata.type !== type) {
    throw new UsageError(`schema file ${path} declares x-lienthong-type ${metadata.type}, not ${type}`);
  }
  const registration = {
    schema: document,
    metadata: {
      owner: metadata.owner,
      description: metadata.description,
      keyPointer: metadata.keyPointer,
      personalData: metadata.personalData,
      ...(metadata.dataSubject.length > 0 && { dataSubject: metadata.dataSubject }),
      signatureRequired: metadata.signatureRequired,
      examples: Array.isArray(document['examples']) ? (document['examples'] as unknown[]) : [],
    },
  };
  return {
    body: Buffer.from(JSON.stringify(registration), 'utf8'),
    form: 'annotated-schema',
    fileVersion: metadata.version,
  };
}
