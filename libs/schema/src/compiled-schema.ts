import type { ProblemPointer } from '@lienthong/contracts';
import { LienthongError, isAgencyCode, isMessageType } from '@lienthong/contracts';
import type { ValidateFunction } from 'ajv';
import { isJsonPointer, resolvePointer } from './json-pointer.util.js';
import { toProblemPointers } from './validation-errors.js';

/** The metadata a schema declares about its type, read from its `x-lienthong-*` keywords. */
export interface SchemaMetadata {
  type: string;
  version: number;
  keyPointer: string;
  owner: string;
  personalData: string[];
  /** Pointers whose values identify the data subject (Law 91/2025/QH15); empty when none. */
  dataSubject: string[];
  description: { vi: string; en: string };
  signatureRequired: boolean;
}

/**
 * The data-subject identifiers of a record: the non-empty strings (or safe integers, as text)
 * at each `dataSubject` pointer, deduplicated, in pointer order.
 */
export function dataSubjectsOf(payload: unknown, pointers: readonly string[]): string[] {
  const found: string[] = [];
  for (const pointer of pointers) {
    const value = resolvePointer(payload, pointer);
    const text =
      typeof value === 'string' && value.length > 0
        ? value
        : typeof value === 'number' && Number.isSafeInteger(value)
          ? String(value)
          : undefined;
    if (text !== undefined && !found.includes(text)) found.push(text);
  }
  return found;
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
  const dataSubject = document['x-lienthong-data-subject'] ?? [];
  if (
    !Array.isArray(dataSubject) ||
    !dataSubject.every((p) => typeof p === 'string' && p !== '' && isJsonPointer(p))
  ) {
    fail('x-lienthong-data-subject must be a list of non-empty JSON pointers');
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
    dataSubject: dataSubject as string[],
    description: { vi: description!.vi as string, en: description!.en as string },
    signatureRequired: signatureRequired as boolean,
  };
}
