import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ProblemPointer } from '@lienthong/contracts';
import { LienthongError, isAgencyCode, isMessageType } from '@lienthong/contracts';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { isJsonPointer, resolvePointer } from './json-pointer.util.js';
import { createSchemaCompiler } from './schema-compiler.js';
import { toProblemPointers } from './validation-errors.js';

/** The metadata a schema declares about its type, read from its `x-lienthong-*` keywords. */
export interface SchemaMetadata {
  type: string;
  version: number;
  keyPointer: string;
  owner: string;
  personalData: string[];
  description: { vi: string; en: string };
  signatureRequired: boolean;
}

/** One compiled, immutable schema version. Compiled once; validation never recompiles. */
export class CompiledSchema {
  constructor(
    readonly metadata: SchemaMetadata,
    readonly document: Readonly<Record<string, unknown>>,
    private readonly validator: ValidateFunction,
  ) {}

  get type(): string {
    return this.metadata.type;
  }

  get version(): number {
    return this.metadata.version;
  }

  /** Failing pointers, or an empty list when the payload is valid. */
  validate(payload: unknown): ProblemPointer[] {
    if (this.validator(payload)) return [];
    return toProblemPointers(this.validator.errors ?? []);
  }

  /**
   * The Kafka record key: the string (or integer) at the type's key pointer. Throws
   * `record-key-missing` when the payload has none; a valid payload always has one when the
   * schema requires the key field, which loading checks against the examples.
   */
  recordKey(payload: unknown): string {
    const value = resolvePointer(payload, this.metadata.keyPointer);
    if (typeof value === 'string' && value.length > 0) return value;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    throw new LienthongError('record-key-missing', {
      detail: `No string value at ${this.metadata.keyPointer}.`,
      detailVi: `Không có giá trị chuỗi tại ${this.metadata.keyPointer}.`,
      errors: [
        {
          pointer: this.metadata.keyPointer,
          message: 'record key is missing',
          messageVi: 'thiếu khoá bản ghi',
        },
      ],
    });
  }
}

/** The set of known message types and their schema versions. */
export class SchemaCatalogue {
  private readonly byType = new Map<string, CompiledSchema[]>();

  add(schema: CompiledSchema): void {
    const versions = this.byType.get(schema.type) ?? [];
    if (versions.some((v) => v.version === schema.version)) {
      throw new Error(`Schema ${schema.type} v${schema.version} is declared twice`);
    }
    versions.push(schema);
    versions.sort((a, b) => a.version - b.version);
    this.byType.set(schema.type, versions);
  }

  /** The latest version of `type`, or undefined for an unknown type. */
  latest(type: string): CompiledSchema | undefined {
    const versions = this.byType.get(type);
    return versions?.[versions.length - 1];
  }

  types(): string[] {
    return [...this.byType.keys()].sort();
  }

  all(): CompiledSchema[] {
    return [...this.byType.values()].flat();
  }
}

/** Reads and checks the `x-lienthong-*` metadata of a schema document. */
export function readSchemaMetadata(document: Record<string, unknown>, origin: string): SchemaMetadata {
  const fail = (what: string): never => {
    throw new Error(`${origin}: ${what}`);
  };
  const type = document['x-lienthong-type'];
  if (typeof type !== 'string' || !isMessageType(type)) fail('x-lienthong-type must be a message type name');
  const version = document['x-lienthong-version'];
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    fail('x-lienthong-version must be a positive integer');
  }
  const keyPointer = document['x-lienthong-key'];
  if (typeof keyPointer !== 'string' || keyPointer === '' || !isJsonPointer(keyPointer)) {
    fail('x-lienthong-key must be a non-empty JSON pointer');
  }
  const owner = document['x-lienthong-owner'];
  if (typeof owner !== 'string' || !isAgencyCode(owner)) fail('x-lienthong-owner must be an agency code');
  const personalData = document['x-lienthong-personal-data'] ?? [];
  if (!Array.isArray(personalData) || !personalData.every((p) => typeof p === 'string' && isJsonPointer(p))) {
    fail('x-lienthong-personal-data must be a list of JSON pointers');
  }
  const description = document['x-lienthong-description'] as { vi?: unknown; en?: unknown } | undefined;
  if (typeof description?.vi !== 'string' || typeof description.en !== 'string') {
    fail('x-lienthong-description must have vi and en strings');
  }
  const signatureRequired = document['x-lienthong-signature-required'] ?? false;
  if (typeof signatureRequired !== 'boolean') fail('x-lienthong-signature-required must be a boolean');
  return {
    type: type as string,
    version: version as number,
    keyPointer: keyPointer as string,
    owner: owner as string,
    personalData: personalData as string[],
    description: { vi: description!.vi as string, en: description!.en as string },
    signatureRequired: signatureRequired as boolean,
  };
}

/** Compiles one schema document, checking its metadata and that every example validates. */
export function compileSchema(
  ajv: Ajv2020,
  document: Record<string, unknown>,
  origin: string,
): CompiledSchema {
  const metadata = readSchemaMetadata(document, origin);
  let validator: ValidateFunction;
  try {
    validator = ajv.compile(document);
  } catch (error) {
    throw new Error(`${origin}: schema does not compile: ${(error as Error).message}`, { cause: error });
  }
  const schema = new CompiledSchema(metadata, document, validator);
  const examples = document['examples'];
  if (examples !== undefined) {
    if (!Array.isArray(examples)) throw new Error(`${origin}: examples must be an array`);
    examples.forEach((example: unknown, i) => {
      const errors = schema.validate(example);
      if (errors.length > 0) {
        throw new Error(`${origin}: examples[${i}] is invalid: ${JSON.stringify(errors)}`);
      }
      schema.recordKey(example);
    });
  }
  return schema;
}

/**
 * Loads the file catalogue: `<dir>/<type>/v<N>.schema.json`. Fails fast, naming the file, when
 * a schema is malformed, since a gateway must not start with a catalogue it cannot enforce.
 */
export function loadSchemaCatalogue(dir: string, ajv: Ajv2020 = createSchemaCompiler()): SchemaCatalogue {
  const catalogue = new SchemaCatalogue();
  for (const entry of readdirSync(dir).sort()) {
    const typeDir = join(dir, entry);
    if (!statSync(typeDir).isDirectory()) continue;
    for (const file of readdirSync(typeDir).sort()) {
      if (!/^v[0-9]+\.schema\.json$/.test(file)) continue;
      const origin = join(typeDir, file);
      const document = JSON.parse(readFileSync(origin, 'utf8')) as Record<string, unknown>;
      const schema = compileSchema(ajv, document, origin);
      if (schema.type !== entry) throw new Error(`${origin}: x-lienthong-type must equal its folder name`);
      if (`v${schema.version}.schema.json` !== file) {
        throw new Error(`${origin}: x-lienthong-version must match the file name`);
      }
      catalogue.add(schema);
    }
  }
  return catalogue;
}
