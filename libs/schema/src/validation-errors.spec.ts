import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { toProblemPointers } from './validation-errors.js';

/** The problem pointers of validating `value` against `schema` (all errors). */
function pointers(schema: object, value: unknown) {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  expect(validate(value)).toBe(false);
  return toProblemPointers(validate.errors ?? []);
}

describe('toProblemPointers messages', () => {
  it('lists the allowed values of an enum, in both languages', () => {
    const [p] = pointers({ enum: ['thuong-tru', 'tam-tru'] }, 'x');
    expect(p).toMatchObject({
      keyword: 'enum',
      message: 'must be one of the allowed values: "thuong-tru", "tam-tru"',
      messageVi: 'phải là một trong các giá trị cho phép: "thuong-tru", "tam-tru"',
    });
  });

  it('shows ten allowed values at most', () => {
    const values = Array.from({ length: 12 }, (_, i) => i);
    const [p] = pointers({ enum: values }, 'x');
    expect(p?.message).toBe('must be one of the allowed values: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, … (12 values)');
  });

  it('says the fixed value of a const', () => {
    expect(pointers({ const: 'VN' }, 'LA')[0]).toMatchObject({
      message: 'must equal "VN"',
      messageVi: 'phải bằng "VN"',
    });
  });

  it('names types and bounds in Vietnamese words, not JSON Schema keywords', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 2 },
        code: { type: 'string', maxLength: 3 },
        age: { type: 'integer', minimum: 0, maximum: 150 },
        rate: { type: 'number', exclusiveMinimum: 0, multipleOf: 0.5 },
        tags: { type: 'array', minItems: 1 },
        flag: { type: ['boolean', 'null'] },
      },
    };
    const found = pointers(schema, { name: 'A', code: 'ABCD', age: 200, rate: 0, tags: [], flag: 'x' });
    const vi = Object.fromEntries(found.map((p) => [`${p.pointer} ${p.keyword}`, p.messageVi]));
    expect(vi).toEqual({
      '/name minLength': 'phải có ít nhất 2 ký tự',
      '/code maxLength': 'không được dài quá 3 ký tự',
      '/age maximum': 'không được lớn hơn 150',
      '/rate exclusiveMinimum': 'phải lớn hơn 0',
      '/tags minItems': 'phải có ít nhất 1 phần tử',
      '/flag type': 'phải có kiểu logic (true hoặc false) hoặc null',
    });
    for (const p of found) expect(p.messageVi).not.toMatch(/[a-z]+[A-Z][a-z]+/); // no camelCase keyword
    expect(found.find((p) => p.pointer === '/name')?.message).toBe('must be at least 2 characters long');
  });

  it('says which condition made a conditional requirement apply', () => {
    const schema = {
      type: 'object',
      if: { properties: { kind: { const: 'tam-tru' } } },
      then: { required: ['until'] },
      else: { required: ['since'] },
    };
    expect(pointers(schema, { kind: 'tam-tru' })).toEqual([
      {
        pointer: '/until',
        keyword: 'required',
        message: "required property is missing (the schema's condition at #/if is met)",
        messageVi: 'thiếu thuộc tính bắt buộc (do điều kiện tại #/if của lược đồ được thỏa mãn)',
      },
    ]);
    expect(pointers({ allOf: [schema] }, { kind: 'thuong-tru' })[0]?.message).toBe(
      "required property is missing (the schema's condition at #/allOf/0/if is not met)",
    );
  });
});
