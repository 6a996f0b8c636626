import { describe, expect, it } from '@jest/globals';
import { LienthongError } from '@lienthong/contracts';
import {
  assertJsonMediaType,
  parseBody,
  parseCompatibilityRequest,
  parseConfigUpdate,
  parseRegistration,
  parseSchemaId,
  parseStateUpdate,
  parseTypeName,
  parseVersionNumber,
  parseVersionRef,
} from './schemas.dto.js';

const schema = { type: 'object', properties: { id: { type: 'string', maxLength: 10 } }, required: ['id'] };
const metadata = {
  owner: '000.00.00.G01',
  description: { vi: 'Bản ghi thử', en: 'Test record' },
  keyPointer: '/id',
};

/** The code and the failing pointers of a refusal; undefined when `run` accepts. */
function refusal(run: () => unknown): { code: string; pointers: string[] } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof LienthongError)) throw error;
    return { code: error.code, pointers: (error.options.errors ?? []).map((e) => e.pointer) };
  }
}

describe('parseRegistration', () => {
  it('fills the optional metadata with its defaults, so both spellings are one registration', () => {
    const minimal = parseRegistration({ schema, metadata });
    const explicit = parseRegistration({
      schema,
      metadata: { ...metadata, personalData: [], signatureRequired: false, examples: [] },
    });
    expect(minimal).toEqual({
      schema,
      metadata: { ...metadata, personalData: [], signatureRequired: false, examples: [] },
    });
    expect(explicit).toEqual(minimal);
  });

  it('keeps data subjects only when there are some, so older registrations keep their fingerprint', () => {
    expect(
      parseRegistration({ schema, metadata: { ...metadata, dataSubject: [] } }).metadata,
    ).not.toHaveProperty('dataSubject');
    expect(
      parseRegistration({ schema, metadata: { ...metadata, personalData: ['/id'], dataSubject: ['/id'] } })
        .metadata.dataSubject,
    ).toEqual(['/id']);
  });

  it.each([
    ['personal data and a signature', { personalData: ['/id', '/a~1b'], signatureRequired: true }],
    ['examples of any JSON', { examples: [{ id: 'a' }, 'not even an object'] }],
    ['a key pointer into nested data', { keyPointer: '/citizen/id' }],
    ['data subjects', { personalData: ['/id', '/head'], dataSubject: ['/id', '/head/id'] }],
    ['Vietnamese text', { description: { vi: 'Đăng ký cư trú', en: 'Residence registration' } }],
  ])('accepts %s', (_name, extra) => {
    expect(refusal(() => parseRegistration({ schema, metadata: { ...metadata, ...extra } }))).toBeUndefined();
  });

  const notOk: [string, unknown, string[]][] = [
    ['an array', [], ['']],
    ['a string', 'schema', ['']],
    ['null', null, ['']],
    ['no schema', { metadata }, ['/schema']],
    ['no metadata', { schema }, ['/metadata']],
    ['an unknown top-level member', { schema, metadata, version: 2 }, ['/version']],
    ['a schema that is not an object', { schema: true, metadata }, ['/schema']],
    ['a schema that is an array', { schema: [schema], metadata }, ['/schema']],
    ['metadata that is not an object', { schema, metadata: 'x' }, ['/metadata']],
    ['an unknown metadata member', { schema, metadata: { ...metadata, type: 'x' } }, ['/metadata/type']],
    ['an escaped unknown member name', { schema, metadata: { ...metadata, 'a/b': 1 } }, ['/metadata/a~1b']],
    ['no owner', { schema, metadata: { ...metadata, owner: undefined } }, ['/metadata/owner']],
    [
      'data subjects as a string',
      { schema, metadata: { ...metadata, dataSubject: '/id' } },
      ['/metadata/dataSubject'],
    ],
    [
      'a data subject that is no pointer, and one listed twice',
      { schema, metadata: { ...metadata, personalData: ['/id'], dataSubject: ['id', '/id', '/id'] } },
      ['/metadata/dataSubject/0', '/metadata/dataSubject/2'],
    ],
    [
      'more than 10 data subjects',
      { schema, metadata: { ...metadata, dataSubject: Array.from({ length: 11 }, (_, i) => `/p${i}`) } },
      ['/metadata/dataSubject'],
    ],
    [
      'a lower-case owner',
      { schema, metadata: { ...metadata, owner: '000.00.00.g01' } },
      ['/metadata/owner'],
    ],
    ['an owner that is not a string', { schema, metadata: { ...metadata, owner: 12 } }, ['/metadata/owner']],
    [
      'an owner code too long',
      { schema, metadata: { ...metadata, owner: `${'1.'.repeat(18)}1` } },
      ['/metadata/owner'],
    ],
    [
      'no description',
      { schema, metadata: { ...metadata, description: undefined } },
      ['/metadata/description'],
    ],
    [
      'a description string',
      { schema, metadata: { ...metadata, description: 'x' } },
      ['/metadata/description'],
    ],
    [
      'no English description',
      { schema, metadata: { ...metadata, description: { vi: 'x' } } },
      ['/metadata/description/en'],
    ],
    [
      'an empty Vietnamese description',
      { schema, metadata: { ...metadata, description: { vi: ' ', en: 'x' } } },
      ['/metadata/description/vi'],
    ],
    [
      'a description in a third language',
      { schema, metadata: { ...metadata, description: { vi: 'x', en: 'y', fr: 'z' } } },
      ['/metadata/description/fr'],
    ],
    [
      'a description too long',
      { schema, metadata: { ...metadata, description: { vi: 'x'.repeat(2_001), en: 'y' } } },
      ['/metadata/description/vi'],
    ],
    [
      'no key pointer',
      { schema, metadata: { ...metadata, keyPointer: undefined } },
      ['/metadata/keyPointer'],
    ],
    [
      'an empty key pointer (the whole record)',
      { schema, metadata: { ...metadata, keyPointer: '' } },
      ['/metadata/keyPointer'],
    ],
    [
      'a key pointer without a slash',
      { schema, metadata: { ...metadata, keyPointer: 'id' } },
      ['/metadata/keyPointer'],
    ],
    [
      'a key pointer with a bad escape',
      { schema, metadata: { ...metadata, keyPointer: '/a~2' } },
      ['/metadata/keyPointer'],
    ],
    [
      'personal data not a list',
      { schema, metadata: { ...metadata, personalData: '/id' } },
      ['/metadata/personalData'],
    ],
    [
      'personal data with a bad pointer',
      { schema, metadata: { ...metadata, personalData: ['/id', 'name', 3] } },
      ['/metadata/personalData/1', '/metadata/personalData/2'],
    ],
    [
      'personal data listed twice',
      { schema, metadata: { ...metadata, personalData: ['/id', '/id'] } },
      ['/metadata/personalData/1'],
    ],
    [
      'too many personal data pointers',
      { schema, metadata: { ...metadata, personalData: Array.from({ length: 501 }, (_, i) => `/f${i}`) } },
      ['/metadata/personalData'],
    ],
    [
      'a signature flag that is a string',
      { schema, metadata: { ...metadata, signatureRequired: 'yes' } },
      ['/metadata/signatureRequired'],
    ],
    [
      'examples not a list',
      { schema, metadata: { ...metadata, examples: { id: 'a' } } },
      ['/metadata/examples'],
    ],
    [
      'several problems at once',
      { schema: 1, metadata: { owner: 'x', keyPointer: 'id', extra: true } },
      ['/schema', '/metadata/extra', '/metadata/owner', '/metadata/description', '/metadata/keyPointer'],
    ],
  ];

  it.each(notOk)('refuses %s with every failing pointer', (_name, body, pointers) => {
    const result = refusal(() => parseRegistration(JSON.parse(JSON.stringify(body ?? null)) as unknown));
    expect(result?.code).toBe('invalid-schema-registration');
    expect(result?.pointers.sort()).toEqual([...pointers].sort());
  });
});

describe('parseCompatibilityRequest', () => {
  it('takes a schema and an optional level', () => {
    expect(parseCompatibilityRequest({ schema })).toEqual({ schema });
    expect(parseCompatibilityRequest({ schema, level: 'FULL_TRANSITIVE' })).toEqual({
      schema,
      level: 'FULL_TRANSITIVE',
    });
  });

  it.each([
    ['no schema', { level: 'FULL' }, ['/schema']],
    ['a level outside the list', { schema, level: 'STRICT' }, ['/level']],
    ['a lower-case level', { schema, level: 'full' }, ['/level']],
    ['an unknown member', { schema, metadata: {} }, ['/metadata']],
    ['not an object', [schema], ['']],
  ])('refuses %s', (_name, body, pointers) => {
    expect(refusal(() => parseCompatibilityRequest(body))).toEqual({
      code: 'invalid-registry-request',
      pointers,
    });
  });
});

describe('parseConfigUpdate', () => {
  it.each([
    'BACKWARD',
    'BACKWARD_TRANSITIVE',
    'FORWARD',
    'FORWARD_TRANSITIVE',
    'FULL',
    'FULL_TRANSITIVE',
    'NONE',
  ])('accepts %s', (level) => {
    expect(parseConfigUpdate({ compatibility: level })).toBe(level);
  });

  it.each([
    ['a level outside the list', { compatibility: 'SOMETIMES' }, ['/compatibility']],
    ['no level', {}, ['/compatibility']],
    ['Confluent’s read-side name', { compatibilityLevel: 'FULL' }, ['/compatibilityLevel', '/compatibility']],
    ['a number', { compatibility: 1 }, ['/compatibility']],
  ])('refuses %s', (_name, body, pointers) => {
    expect(refusal(() => parseConfigUpdate(body))).toEqual({ code: 'invalid-registry-request', pointers });
  });
});

describe('parseStateUpdate', () => {
  it.each(['active', 'deprecated', 'disabled'])('accepts %s', (state) => {
    expect(parseStateUpdate({ state })).toBe(state);
  });

  it.each([
    ['an unknown state', { state: 'deleted' }, ['/state']],
    ['no state', {}, ['/state']],
    ['an extra member', { state: 'disabled', reason: 'x' }, ['/reason']],
  ])('refuses %s', (_name, body, pointers) => {
    expect(refusal(() => parseStateUpdate(body))).toEqual({ code: 'invalid-registry-request', pointers });
  });
});

describe('path parameters', () => {
  it('reads type names, versions and ids', () => {
    expect(parseTypeName('residence.registration')).toBe('residence.registration');
    expect(parseVersionRef('t', 'latest')).toBe('latest');
    expect(parseVersionRef('t', '12')).toBe(12);
    expect(parseVersionNumber('t', '3')).toBe(3);
    expect(parseSchemaId('42')).toBe(42);
  });

  it.each([
    ['a type with upper case', () => parseTypeName('Residence'), 'invalid-type-name'],
    ['a type with a slash', () => parseTypeName('a/b'), 'invalid-type-name'],
    ['version 0', () => parseVersionRef('t', '0'), 'unknown-schema-version'],
    ['a negative version', () => parseVersionRef('t', '-1'), 'unknown-schema-version'],
    ['a version with a leading zero', () => parseVersionRef('t', '01'), 'unknown-schema-version'],
    ['a version too large', () => parseVersionRef('t', '1234567890'), 'unknown-schema-version'],
    ['latest where a number is needed', () => parseVersionNumber('t', 'latest'), 'unknown-schema-version'],
    ['an id that is not a number', () => parseSchemaId('abc'), 'unknown-schema-version'],
  ])('refuses %s', (_name, run, code) => {
    expect(refusal(run)?.code).toBe(code);
  });
});

describe('parseBody', () => {
  it('parses a JSON body declared as JSON (or a +json type)', () => {
    expect(parseBody(Buffer.from('{"a":1}'), 'application/json')).toEqual({ a: 1 });
    expect(
      parseBody(Buffer.from('{"a":1}'), 'application/vnd.schemaregistry.v1+json; charset=utf-8'),
    ).toEqual({
      a: 1,
    });
  });

  it.each([
    ['no body', undefined, 'application/json', 'empty-body'],
    [
      'a form-encoded body',
      Buffer.from('a=1'),
      'application/x-www-form-urlencoded',
      'unsupported-media-type',
    ],
    ['no content type', Buffer.from('{}'), undefined, 'unsupported-media-type'],
    ['JSON lookalike type', Buffer.from('{}'), 'application/jsonx', 'unsupported-media-type'],
    ['malformed JSON', Buffer.from('{"a":'), 'application/json', 'malformed-json'],
    ['a duplicate member', Buffer.from('{"a":1,"a":2}'), 'application/json', 'duplicate-json-key'],
  ])('refuses %s', (_name, body, contentType, code) => {
    expect(refusal(() => parseBody(body, contentType))?.code).toBe(code);
  });

  it('knows JSON media types', () => {
    expect(refusal(() => assertJsonMediaType('application/problem+json'))).toBeUndefined();
    expect(refusal(() => assertJsonMediaType('text/json'))?.code).toBe('unsupported-media-type');
  });
});
