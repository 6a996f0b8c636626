import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { LienthongError, registrySchemaUri } from '@lienthong/contracts';
import type { SchemaReference } from './schema-safety.js';
import { assertSchemaIsSafe, compileUntrustedSchema } from './schema-safety.js';

/** The code and pointers of a refusal, or undefined when the schema compiles. */
function refusal(
  document: unknown,
  options: Parameters<typeof compileUntrustedSchema>[1] = {},
): { code: string; pointers: string[] } | undefined {
  try {
    compileUntrustedSchema(document, options);
    return undefined;
  } catch (error) {
    if (!(error instanceof LienthongError)) throw error;
    return { code: error.code, pointers: (error.options.errors ?? []).map((e) => e.pointer) };
  }
}

const objectOf = (properties: Record<string, unknown>): Record<string, unknown> => ({
  type: 'object',
  properties,
});

const person = {
  type: 'object',
  properties: {
    hoTen: { type: 'string', minLength: 1, maxLength: 100 },
    soDinhDanh: { type: 'string', pattern: '^0[0-9]{11}$' },
  },
  required: ['hoTen'],
  additionalProperties: false,
};

describe('accepted schemas', () => {
  it('defaults to 2020-12 and validates with the compiled validator', () => {
    expect(assertSchemaIsSafe(person)).toEqual({ draft: '2020-12' });
    const { draft, validate } = compileUntrustedSchema(person);
    expect(draft).toBe('2020-12');
    expect(validate({ hoTen: 'Nguyễn Văn A', soDinhDanh: '001099012345' })).toBe(true);
    expect(validate({ hoTen: 'Nguyễn Văn A', soDinhDanh: '1234' })).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/soDinhDanh');
  });

  it.each([
    ['2020-12', 'https://json-schema.org/draft/2020-12/schema'],
    ['2020-12', 'https://json-schema.org/draft/2020-12/schema#'],
    ['07', 'http://json-schema.org/draft-07/schema#'],
    ['07', 'http://json-schema.org/draft-07/schema'],
  ])('detects draft %s from %s', (draft, uri) => {
    expect(assertSchemaIsSafe({ $schema: uri, ...person })).toEqual({ draft });
    expect(compileUntrustedSchema({ $schema: uri, ...person }).draft).toBe(draft);
  });

  it('compiles draft-07 keywords with the draft-07 dialect', () => {
    const tuple = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'array',
      items: [{ type: 'string' }, { type: 'integer' }],
      additionalItems: false,
      minItems: 2,
      definitions: { code: { type: 'string', pattern: '^[A-Z]{2}$' } },
    };
    const { validate } = compileUntrustedSchema(tuple);
    expect(validate(['a', 1])).toBe(true);
    expect(validate(['a', 1, 2])).toBe(false);
  });

  it('allows the x-lienthong-* annotations', () => {
    const annotated = {
      ...person,
      'x-lienthong-type': 'cu-tru.dang-ky',
      'x-lienthong-version': 1,
      'x-lienthong-key': '/soDinhDanh',
      'x-lienthong-owner': '000.00.00.G12',
      'x-lienthong-personal-data': ['/hoTen'],
      'x-lienthong-description': { vi: 'Đăng ký cư trú', en: 'Residence registration' },
      'x-lienthong-signature-required': false,
    };
    expect(refusal(annotated)).toBeUndefined();
  });

  it('allows "$data", "format" and "$ref" as property names', () => {
    expect(
      refusal({
        type: 'object',
        properties: { $data: { type: 'string' }, format: { type: 'string' }, $ref: { type: 'string' } },
        required: ['$data'],
      }),
    ).toBeUndefined();
  });

  it('allows local references, anchors, urn ids and recursion through the data', () => {
    const tree = {
      $id: 'urn:example:tree',
      type: 'object',
      properties: {
        name: { $ref: '#name' },
        children: { type: 'array', items: { $ref: '#' } },
        parent: { $ref: 'urn:example:tree#/$defs/link' },
      },
      $defs: {
        name: { $anchor: 'name', type: 'string', format: 'uuid' },
        link: { type: 'string' },
      },
    };
    const { validate } = compileUntrustedSchema(tree);
    const id = '0190f7a2-9b7e-7c1e-8f00-000000000000';
    expect(validate({ name: id, children: [{ name: id, children: [] }] })).toBe(true);
    expect(validate({ name: id, children: [{ name: 'x' }] })).toBe(false);
  });

  it('resolves registered schemas the caller provides, and nothing else', () => {
    const address = {
      type: 'object',
      properties: { tinh: { type: 'string', pattern: '^[0-9]{2}$' } },
      required: ['tinh'],
    };
    const references: SchemaReference[] = [{ uri: registrySchemaUri('dia-chi', 2), schema: address }];
    const withRef = { type: 'object', properties: { noiO: { $ref: 'urn:lienthong:schema:dia-chi:2' } } };
    const { validate } = compileUntrustedSchema(withRef, { references });
    expect(validate({ noiO: { tinh: '01' } })).toBe(true);
    expect(validate({ noiO: { tinh: 'Hà Nội' } })).toBe(false);

    const fragment = { $ref: 'urn:lienthong:schema:dia-chi:2#/properties/tinh' };
    expect(compileUntrustedSchema(fragment, { references }).validate('79')).toBe(true);

    expect(refusal(withRef)).toEqual({ code: 'schema-remote-ref', pointers: ['/properties/noiO/$ref'] });
    const draft07 = [
      {
        uri: registrySchemaUri('dia-chi', 2),
        schema: { $schema: 'http://json-schema.org/draft-07/schema#', ...address },
      },
    ];
    expect(refusal(withRef, { references: draft07 })).toEqual({
      code: 'schema-invalid',
      pointers: ['/properties/noiO/$ref'],
    });
  });

  it('accepts registered schemas that carry their own registry $id', () => {
    const uri = registrySchemaUri('dia-chi', 1);
    const references: SchemaReference[] = [
      { uri, schema: { $id: uri, type: 'string', maxLength: 5 } },
      { uri: registrySchemaUri('ma-so', 3), schema: { type: 'string', pattern: '^[0-9]+$' } },
    ];
    const document = objectOf({ a: { $ref: uri }, b: { $ref: 'urn:lienthong:schema:ma-so:3' } });
    const { validate } = compileUntrustedSchema(document, { references });
    expect(validate({ a: 'abc', b: '12' })).toBe(true);
    expect(validate({ a: 'abcdef', b: '12' })).toBe(false);
    expect(validate({ a: 'abc', b: 'x' })).toBe(false);
  });

  describe('the repository catalogue', () => {
    const dir = join(process.cwd(), 'schemas');
    const files = existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .flatMap((d) =>
            readdirSync(join(dir, d.name))
              .filter((f) => /^v[0-9]+\.schema\.json$/.test(f))
              .map((f) => join(dir, d.name, f)),
          )
      : [];
    const check = (file: string): void => {
      const document = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      expect(refusal(document)).toBeUndefined();
      const { validate } = compileUntrustedSchema(document);
      for (const example of (document['examples'] as unknown[] | undefined) ?? [])
        expect(validate(example)).toBe(true);
    };
    it('finds the three seeded record types of schemas/', () => {
      expect(files.length).toBeGreaterThanOrEqual(3);
    });
    // it.each refuses an empty table; the test above fails in that case.
    if (files.length > 0) it.each(files)('accepts %s', check);
  });
});

describe('refusals', () => {
  it.each([
    ['draft-04', { $schema: 'http://json-schema.org/draft-04/schema#', type: 'string' }, '/$schema'],
    ['2019-09', { $schema: 'https://json-schema.org/draft/2019-09/schema', type: 'string' }, '/$schema'],
    [
      'a misspelt draft',
      { $schema: 'https://json-schema.org/draft/2020-12/schema/', type: 'string' },
      '/$schema',
    ],
    ['a non-string $schema', { $schema: 7, type: 'string' }, '/$schema'],
    [
      'an embedded schema of another draft',
      {
        type: 'object',
        properties: { a: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'string' } },
      },
      '/properties/a/$schema',
    ],
  ])('schema-draft-not-supported: %s', (_name, document, pointer) => {
    expect(refusal(document)).toEqual({ code: 'schema-draft-not-supported', pointers: [pointer] });
  });

  it.each([
    ['an unknown type name', { type: 'strin' }, '/type'],
    ['properties that are not an object', { type: 'object', properties: 5 }, '/properties'],
    ['a negative maxLength', { type: 'string', maxLength: -1 }, '/maxLength'],
    ['required that is not a list', { type: 'object', required: 'a' }, '/required'],
  ])('schema-invalid against the meta-schema: %s', (_name, document, pointer) => {
    const result = refusal(document);
    expect(result?.code).toBe('schema-invalid');
    expect(result?.pointers).toContain(pointer);
  });

  it.each([
    ['an unknown keyword', { type: 'object', propertis: {} }, '/propertis'],
    [
      'a nested unknown keyword',
      { type: 'object', properties: { a: { type: 'string', maxlength: 3 } } },
      '/properties/a/maxlength',
    ],
    [
      'a keyword without its type (strictTypes)',
      { type: 'object', properties: { a: { minLength: 1 } } },
      '/properties/a',
    ],
    [
      'required naming an undefined property (strictRequired)',
      { type: 'object', properties: {}, required: ['x'] },
      '',
    ],
  ])('schema-invalid in strict mode: %s', (_name, document, pointer) => {
    expect(refusal(document)).toEqual({ code: 'schema-invalid', pointers: [pointer] });
  });

  it.each([
    ['NaN', { type: 'number', maximum: Number.NaN }, '/maximum'],
    ['undefined', { type: 'string', title: undefined }, '/title'],
    ['a Date', { type: 'string', default: new Date(0) }, '/default'],
    ['a number as the schema', 5, ''],
  ])('schema-invalid for what is not JSON: %s', (_name, document, pointer) => {
    expect(refusal(document)).toEqual({ code: 'schema-invalid', pointers: [pointer] });
  });

  it.each([
    ['in a keyword value', { type: 'number', maximum: { $data: '1/max' } }, '/maximum/$data'],
    ['as a keyword', { type: 'string', $data: '/x' }, '/$data'],
    ['deep inside a const', { const: { a: [{ $data: '/x' }] } }, '/const/a/0/$data'],
    [
      'in a nested schema',
      { type: 'object', properties: { n: { type: 'integer', minimum: { $data: '0/m' } } } },
      '/properties/n/minimum/$data',
    ],
  ])('schema-data-ref %s', (_name, document, pointer) => {
    expect(refusal(document)).toEqual({ code: 'schema-data-ref', pointers: [pointer] });
  });

  it.each([
    [
      'an https $ref',
      { type: 'object', properties: { a: { $ref: 'https://evil.example/schema.json' } } },
      '/properties/a/$ref',
    ],
    ['a relative $ref', { $ref: 'address.json' }, '/$ref'],
    ['a file $ref', { $ref: 'file:///etc/passwd' }, '/$ref'],
    ['another urn', { $ref: 'urn:other:schema' }, '/$ref'],
    ['a malformed registry type', { $ref: 'urn:lienthong:schema:Ho_Tich:1' }, '/$ref'],
    ['a registry version 0', { $ref: 'urn:lienthong:schema:ho-tich:0' }, '/$ref'],
    ['a remote $dynamicRef', { $dynamicRef: 'https://evil.example/meta#node' }, '/$dynamicRef'],
    ['an http $id', { $id: 'http://evil.example/s.json', type: 'string' }, '/$id'],
    [
      'a nested https $id',
      { type: 'object', properties: { a: { $id: 'https://evil.example/a', type: 'string' } } },
      '/properties/a/$id',
    ],
  ])('schema-remote-ref for %s', (_name, document, pointer) => {
    expect(refusal(document)).toEqual({ code: 'schema-remote-ref', pointers: [pointer] });
  });

  it.each([
    ['a look-ahead', { type: 'string', pattern: '^(?=.*[0-9]).{8,}$' }, '/pattern'],
    ['a negative look-ahead', { type: 'string', pattern: '^(?!admin).*$' }, '/pattern'],
    ['a look-behind', { type: 'string', pattern: '(?<=VN)[0-9]+' }, '/pattern'],
    ['a back-reference', { type: 'string', pattern: '^(a)\\1$' }, '/pattern'],
    ['a named back-reference', { type: 'string', pattern: '^(?<x>a)\\k<x>$' }, '/pattern'],
    ['a huge repetition', { type: 'string', pattern: '^a{2000}$' }, '/pattern'],
    [
      'a nested property pattern',
      { type: 'object', properties: { ma: { type: 'string', pattern: '(?!x)' } } },
      '/properties/ma/pattern',
    ],
    [
      'a patternProperties key',
      { type: 'object', patternProperties: { '^(?=a)/b$': { type: 'string' } } },
      '/patternProperties/^(?=a)~1b$',
    ],
    [
      'a propertyNames pattern',
      { type: 'object', propertyNames: { pattern: '(x)\\1' } },
      '/propertyNames/pattern',
    ],
  ])('schema-unsafe-regex for %s', (_name, document, pointer) => {
    expect(refusal(document)).toEqual({ code: 'schema-unsafe-regex', pointers: [pointer] });
  });

  it('lists every unsafe pattern at once', () => {
    const document = {
      type: 'object',
      properties: { a: { type: 'string', pattern: '(?=a)' }, b: { type: 'string', pattern: '(b)\\1' } },
    };
    expect(refusal(document)).toEqual({
      code: 'schema-unsafe-regex',
      pointers: ['/properties/a/pattern', '/properties/b/pattern'],
    });
  });

  it('refuses a pattern that is not ECMAScript as schema-invalid', () => {
    expect(refusal({ type: 'string', pattern: '(' })).toEqual({
      code: 'schema-invalid',
      pointers: ['/pattern'],
    });
    // RE2 would accept these, ECMAScript with the u flag does not.
    expect(refusal({ type: 'string', pattern: '(?i)abc' })).toEqual({
      code: 'schema-invalid',
      pointers: ['/pattern'],
    });
    expect(refusal({ type: 'string', pattern: '\\Qa\\E' })).toEqual({
      code: 'schema-invalid',
      pointers: ['/pattern'],
    });
  });

  it.each([
    ['hostname', { type: 'string', format: 'hostname' }, '/format'],
    ['regex', { type: 'string', format: 'regex' }, '/format'],
    [
      'an invented format',
      { type: 'object', properties: { d: { type: 'string', format: 'ngay-thang' } } },
      '/properties/d/format',
    ],
  ])('schema-format-not-allowed for %s', (_name, document, pointer) => {
    expect(refusal(document)).toEqual({ code: 'schema-format-not-allowed', pointers: [pointer] });
  });

  it('refuses a schema larger than the size limit', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 4000 }, (_, i) => [`p${i}`, { type: 'string', description: 'x'.repeat(60) }]),
    );
    expect(refusal({ type: 'object', properties })).toEqual({ code: 'schema-too-large', pointers: [''] });
    expect(refusal(person, { maxBytes: 100 })).toEqual({ code: 'schema-too-large', pointers: [''] });
    expect(refusal(person, { maxBytes: 1000 })).toBeUndefined();
  });

  it('refuses nesting deeper than the depth limit, pointing at the first level too deep', () => {
    const nest = (levels: number): Record<string, unknown> =>
      levels === 0 ? { type: 'string' } : { type: 'object', properties: { a: nest(levels - 1) } };
    // Each level is two JSON levels: the schema and its `properties` map.
    expect(refusal(nest(15))).toBeUndefined();
    const result = refusal(nest(16));
    expect(result).toEqual({ code: 'schema-too-deep', pointers: ['/properties/a'.repeat(16)] });
    expect(refusal(nest(3), { maxDepth: 4 })?.code).toBe('schema-too-deep');
  });

  it('refuses a reference cycle that never moves into the data', () => {
    expect(refusal({ $ref: '#' })).toEqual({ code: 'schema-invalid', pointers: ['/$ref'] });
    expect(
      refusal({
        $defs: {
          a: { anyOf: [{ type: 'string' }, { $ref: '#/$defs/b' }] },
          b: { not: { $ref: '#/$defs/a' } },
        },
        $ref: '#/$defs/a',
      }),
    ).toEqual({ code: 'schema-invalid', pointers: ['/$defs/b/not/$ref'] });
  });

  it('refuses a reference to nothing', () => {
    expect(refusal({ type: 'object', properties: { a: { $ref: '#/$defs/missing' } } })).toEqual({
      code: 'schema-invalid',
      pointers: ['/properties/a/$ref'],
    });
  });

  it('refuses references that expand exponentially', () => {
    const $defs: Record<string, unknown> = { a0: { type: 'string', minLength: 1 } };
    for (let i = 1; i <= 24; i++)
      $defs[`a${i}`] = { allOf: [{ $ref: `#/$defs/a${i - 1}` }, { $ref: `#/$defs/a${i - 1}` }] };
    expect(refusal({ $defs, $ref: '#/$defs/a24' })).toEqual({ code: 'schema-too-large', pointers: [''] });
  });

  it('refuses a chain of references longer than the limit', () => {
    const $defs: Record<string, unknown> = { d0: { type: 'string' } };
    for (let i = 1; i <= 80; i++) $defs[`d${i}`] = { $ref: `#/$defs/d${i - 1}` };
    expect(refusal({ $defs, $ref: '#/$defs/d80' })?.code).toBe('schema-too-deep');
    expect(refusal({ $defs, $ref: '#/$defs/d80' }, { maxReferenceChain: 100 })).toBeUndefined();
  });

  it('names the most specific problem when there are several kinds', () => {
    const document = { type: 'string', format: 'hostname', pattern: '(?=x)', $ref: 'https://evil.example/' };
    expect(refusal(document)?.code).toBe('schema-remote-ref');
  });

  it('carries bilingual messages for each pointer', () => {
    let thrown: unknown;
    try {
      compileUntrustedSchema({ type: 'string', pattern: '(?=x)' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LienthongError);
    const e = thrown as LienthongError;
    expect(e.options.detail).toBeTruthy();
    expect(e.options.detailVi).toBeTruthy();
    expect(e.options.errors?.[0]?.message).toMatch(/look-ahead/);
    expect(e.options.errors?.[0]?.messageVi).toMatch(/look-ahead/);
  });
});

describe('patterns on RE2', () => {
  it('enforces each pattern of a schema separately', () => {
    const { validate } = compileUntrustedSchema({
      type: 'object',
      properties: { a: { type: 'string', pattern: '^a+$' }, b: { type: 'string', pattern: '^b+$' } },
      patternProperties: { '^x-': { type: 'integer' } },
    });
    expect(validate({ a: 'aa', b: 'bb', 'x-n': 1 })).toBe(true);
    expect(validate({ a: 'bb' })).toBe(false);
    expect(validate({ b: 'aa' })).toBe(false);
    expect(validate({ 'x-n': 'one' })).toBe(false);
  });

  it('validates a hostile input against a catastrophic-backtracking pattern', () => {
    // With the native engine this takes longer than the age of the universe.
    const { validate } = compileUntrustedSchema({ type: 'string', pattern: '^(a+)+$' });
    expect(validate(`${'a'.repeat(50_000)}!`)).toBe(false);
    expect(validate('a'.repeat(50_000))).toBe(true);
  });

  it('keeps ECMAScript meaning for Vietnamese text and Unicode properties', () => {
    const { validate } = compileUntrustedSchema({
      type: 'string',
      pattern: '^\\p{Lu}\\p{Ll}*(\\s\\p{Lu}\\p{Ll}*)*$',
    });
    expect(validate('Nguyễn Thị Ánh')).toBe(true);
    expect(validate('nguyễn')).toBe(false);
  });
});
