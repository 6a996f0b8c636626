import { describe, expect, it } from '@jest/globals';
import { LienthongError } from '@lienthong/contracts';
import {
  deriveMetadata,
  parseConfluentConfig,
  parseConfluentVersion,
  parseSubmittedSchema,
} from './ccompat.dto.js';
import { ConfluentError, toConfluentError } from './confluent.exception.js';

const body = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
const schema = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 10 } },
  'x-lienthong-key': '/id',
};

function confluentCode(run: () => unknown): number | string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof ConfluentError) return error.errorCode;
    if (error instanceof LienthongError) return error.code;
    throw error;
  }
}

describe('parseSubmittedSchema', () => {
  it('reads the schema string of a JSON registration, with or without empty references', () => {
    expect(parseSubmittedSchema(body({ schema: JSON.stringify(schema), schemaType: 'JSON' }))).toEqual({
      schema,
    });
    expect(
      parseSubmittedSchema(body({ schema: JSON.stringify(schema), schemaType: 'JSON', references: [] })),
    ).toEqual({
      schema,
    });
  });

  it.each([
    ['no schemaType (Confluent reads that as Avro)', { schema: '{}' }, 42201],
    ['PROTOBUF', { schema: 'syntax = "proto3";', schemaType: 'PROTOBUF' }, 42201],
    ['AVRO', { schema: '{"type":"record"}', schemaType: 'AVRO' }, 42201],
    [
      'references to other subjects',
      { schema: '{}', schemaType: 'JSON', references: [{ name: 'a', subject: 'b', version: 1 }] },
      42201,
    ],
    ['a schema that is not a string', { schema: {}, schemaType: 'JSON' }, 42201],
    ['a schema string that is not JSON', { schema: '{"type":', schemaType: 'JSON' }, 42201],
    [
      'a schema string with a duplicate key',
      { schema: '{"type":"object","type":"string"}', schemaType: 'JSON' },
      42201,
    ],
    ['a schema that is an array', { schema: '[]', schemaType: 'JSON' }, 42201],
    ['an unknown field', { schema: '{}', schemaType: 'JSON', normalize: true }, 422],
    ['a body that is not an object', ['{}'], 422],
  ])('refuses %s', (_name, value, code) => {
    expect(confluentCode(() => parseSubmittedSchema(body(value)))).toBe(code);
  });

  it('refuses an empty or malformed body', () => {
    expect(confluentCode(() => parseSubmittedSchema(undefined))).toBe(422);
    expect(confluentCode(() => parseSubmittedSchema(Buffer.from('{"schema":')))).toBe('malformed-json');
  });
});

describe('deriveMetadata', () => {
  it('takes the owner from the caller and the key from x-lienthong-key', () => {
    expect(deriveMetadata('orders', { ...schema, title: 'Orders' }, '000.00.00.G12')).toEqual({
      owner: '000.00.00.G12',
      description: { vi: 'Orders', en: 'Orders' },
      keyPointer: '/id',
      personalData: [],
      signatureRequired: false,
      examples: [],
    });
  });

  it('prefers x-lienthong-description, then description, then title, then the subject', () => {
    const bilingual = { vi: 'Đơn hàng', en: 'Orders' };
    expect(
      deriveMetadata('s', { ...schema, title: 't', 'x-lienthong-description': bilingual }, 'A').description,
    ).toEqual(bilingual);
    expect(deriveMetadata('s', { ...schema, title: 't', description: 'd' }, 'A').description.en).toBe('d');
    expect(deriveMetadata('s', { ...schema, title: 't' }, 'A').description.en).toBe('t');
    expect(deriveMetadata('s', schema, 'A').description.en).toBe('s');
  });

  it('carries declared personal data, signature requirement and examples', () => {
    const metadata = deriveMetadata(
      's',
      {
        ...schema,
        'x-lienthong-personal-data': ['/name'],
        'x-lienthong-signature-required': true,
        examples: [{ id: 'a' }],
      },
      'A',
    );
    expect(metadata).toMatchObject({
      personalData: ['/name'],
      signatureRequired: true,
      examples: [{ id: 'a' }],
    });
  });

  it.each([
    ['no x-lienthong-key', { type: 'object' }],
    ['an empty key pointer', { 'x-lienthong-key': '' }],
    ['a key that is not a pointer', { 'x-lienthong-key': 'id' }],
    ['personal data that is not a list of pointers', { ...schema, 'x-lienthong-personal-data': ['name'] }],
    ['a signature flag that is not a boolean', { ...schema, 'x-lienthong-signature-required': 'no' }],
  ])('refuses %s with a message naming what to add', (_name, document) => {
    let caught: unknown;
    try {
      deriveMetadata('orders', document, '000.00.00.G12');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfluentError);
    expect((caught as ConfluentError).errorCode).toBe(42201);
    expect((caught as ConfluentError).message).toMatch(/x-lienthong-/);
  });
});

describe('parseConfluentVersion', () => {
  it.each([
    ['latest', 'latest'],
    ['-1', 'latest'],
    ['1', 1],
    ['2147483647', 2_147_483_647],
  ])('%s', (text, version) => {
    expect(parseConfluentVersion(text)).toBe(version);
  });

  it.each(['0', '-2', '2147483648', 'abc', '1.5', ''])('refuses %p with 42202', (text) => {
    expect(confluentCode(() => parseConfluentVersion(text))).toBe(42202);
  });
});

describe('parseConfluentConfig', () => {
  it('reads compatibility (or compatibilityLevel), in any case', () => {
    expect(parseConfluentConfig(body({ compatibility: 'FULL' }))).toBe('FULL');
    expect(parseConfluentConfig(body({ compatibilityLevel: 'backward_transitive' }))).toBe(
      'BACKWARD_TRANSITIVE',
    );
  });

  it.each([
    ['an unknown level', { compatibility: 'SOMETIMES' }, 42203],
    ['no level', {}, 42203],
    ['an unknown field', { compatibility: 'FULL', mode: 'READWRITE' }, 422],
  ])('refuses %s', (_name, value, code) => {
    expect(confluentCode(() => parseConfluentConfig(body(value)))).toBe(code);
  });
});

describe('toConfluentError', () => {
  it.each([
    ['unknown-type', 404, 40401],
    ['unknown-schema-version', 404, 40402],
    ['schema-incompatible', 409, 409],
    ['invalid-type-name', 422, 42208],
    ['invalid-schema-registration', 422, 42201],
    ['schema-example-invalid', 422, 42201],
    ['registry-unavailable', 503, 50002],
    ['malformed-json', 400, 400],
  ] as const)('%s -> %i / %i', (code, status, errorCode) => {
    const error = toConfluentError(new LienthongError(code), 'en');
    expect({ status: error.status, errorCode: error.errorCode }).toEqual({ status, errorCode });
  });

  it('keeps the detail and every pointer in the message, in the asked language', () => {
    const error = new LienthongError('schema-incompatible', {
      detail: 'Not compatible.',
      detailVi: 'Không tương thích.',
      errors: [{ pointer: '/properties/a', message: 'type narrowed', messageVi: 'kiểu bị thu hẹp' }],
    });
    expect(toConfluentError(error, 'en').message).toBe('Not compatible. /properties/a: type narrowed');
    expect(toConfluentError(error, 'vi').message).toBe('Không tương thích. /properties/a: kiểu bị thu hẹp');
  });
});
