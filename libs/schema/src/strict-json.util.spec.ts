import { describe, expect, it } from '@jest/globals';
import { LienthongError } from '@lienthong/contracts';
import { MAX_JSON_DEPTH, parseStrictJson, splitJsonArray } from './strict-json.util.js';

function codeOf(text: string | Uint8Array): string | undefined {
  try {
    parseStrictJson(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
    return undefined;
  } catch (error) {
    return error instanceof LienthongError ? error.code : 'not-a-domain-error';
  }
}

function pointersOf(text: string): string[] {
  try {
    parseStrictJson(Buffer.from(text, 'utf8'));
    return [];
  } catch (error) {
    return (error as LienthongError).options.errors?.map((e) => e.pointer) ?? [];
  }
}

describe('parseStrictJson', () => {
  it('parses ordinary JSON, Vietnamese text included', () => {
    expect(parseStrictJson(Buffer.from('{"hoTen":"Nguyễn Thị Ánh Tuyết","n":[1,{"a":null}]}'))).toEqual({
      hoTen: 'Nguyễn Thị Ánh Tuyết',
      n: [1, { a: null }],
    });
  });

  it.each([
    [
      '{"a":1',
      'The body ends before its JSON value does.',
      'Nội dung kết thúc khi giá trị JSON chưa kết thúc.',
    ],
    [
      '{"a":1,}',
      /^The body is not valid JSON \(error at character 7\)\.$/,
      /^Nội dung không phải là JSON hợp lệ \(lỗi tại ký tự thứ 7\)\.$/,
    ],
    ['{"citizenId":001099012345x}', /^The body is not valid JSON/, /^Nội dung không phải là JSON hợp lệ/],
  ])('says why %s is not JSON in both languages, quoting none of the body', (text, en, vi) => {
    let refusal: LienthongError | undefined;
    try {
      parseStrictJson(Buffer.from(text));
    } catch (error) {
      refusal = error as LienthongError;
    }
    expect(refusal?.code).toBe('malformed-json');
    expect(refusal?.options.detail).toMatch(en);
    expect(refusal?.options.detailVi).toMatch(vi);
    expect(`${refusal?.options.detail} ${refusal?.options.detailVi}`).not.toContain('001099012345');
  });

  it('allows the same name in different objects and inside string values', () => {
    expect(codeOf('{"a":{"x":1},"b":{"x":2},"c":"\\"a\\":1,\\"a\\":2","d":["a","a"]}')).toBeUndefined();
  });

  it.each([
    ['empty body', '', 'empty-body'],
    ['truncated', '{"a":1', 'malformed-json'],
    ['trailing comma', '{"a":1,}', 'malformed-json'],
    ['two values', '{} {}', 'malformed-json'],
    ['single quotes', "{'a':1}", 'malformed-json'],
    ['duplicate key', '{"a":1,"a":2}', 'duplicate-json-key'],
    ['duplicate key nested', '{"x":{"a":1,"b":{"c":1,"c":1}}}', 'duplicate-json-key'],
    ['duplicate key spelled with an escape', '{"a":1,"\\u0061":2}', 'duplicate-json-key'],
    ['__proto__', '{"__proto__":{"admin":true}}', 'forbidden-json-key'],
    ['nested constructor', '{"a":[{"constructor":{"prototype":{}}}]}', 'forbidden-json-key'],
    ['escaped __proto__', '{"\\u005f_proto__":1}', 'forbidden-json-key'],
  ])('refuses %s', (_name, text, code) => {
    expect(codeOf(text)).toBe(code);
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(codeOf(Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).toBe(
      'malformed-json',
    );
  });

  it('refuses nesting beyond the limit without recursing', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(codeOf(deep)).toBe('json-too-deep');
    const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(codeOf(ok)).toBeUndefined();
  });

  it('points at the repeated member', () => {
    expect(pointersOf('{"a":{"list":[0,{"k":1,"k":2}]}}')).toEqual(['/a/list/1/k']);
    expect(pointersOf('{"a/b":{"~":1,"~":2}}')).toEqual(['/a~1b/~0']);
  });

  it('refuses lone surrogate escapes in values and names (RFC 8259 section 8.2)', () => {
    expect(codeOf('{"a":"\\ud800"}')).toBe('malformed-json');
    expect(codeOf('{"x\\udfff":1}')).toBe('malformed-json');
    expect(codeOf('["ok","\\uDC00x"]')).toBe('malformed-json');
    expect(codeOf('"\\ud83d"')).toBe('malformed-json');
    expect(pointersOf('{"a":[1,{"b":"\\ud800"}]}')).toEqual(['/a/1/b']);
    expect(pointersOf('{"a":{"x\\udfff":1}}')).toEqual(['/a/x\udfff']);
  });

  it('accepts surrogate pairs and escaped backslashes before a u', () => {
    expect(parseStrictJson(Buffer.from('{"e":"\\ud83d\\ude00","\\ud83d\\ude00":1}'))).toEqual({
      e: '😀',
      '😀': 1,
    });
    expect(codeOf('{"p":"\\\\ud800"}')).toBeUndefined(); // the text `\ud800`, no escape
  });

  it('refuses integer literals outside ±(2^53−1) as unsafe-integer, with the pointer', () => {
    expect(codeOf('{"n":9007199254740993}')).toBe('unsafe-integer');
    expect(codeOf('{"n":-9007199254740993}')).toBe('unsafe-integer');
    expect(codeOf('[1,9007199254740992]')).toBe('unsafe-integer');
    expect(codeOf('123456789012345678901234567890')).toBe('unsafe-integer');
    expect(pointersOf('{"a":[0,{"id":9007199254740993}]}')).toEqual(['/a/1/id']);
    let thrown: unknown;
    try {
      parseStrictJson(Buffer.from(`[${'9'.repeat(20_000)}]`));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LienthongError);
    expect((thrown as LienthongError).options.detail?.length).toBeLessThan(120);
  });

  it('accepts safe integers, fractions, exponents, and long digit runs inside strings', () => {
    expect(parseStrictJson(Buffer.from('[9007199254740991,-9007199254740991,0,-0]'))).toEqual([
      9007199254740991, -9007199254740991, 0, -0,
    ]);
    expect(codeOf('[1e300,1.5,9007199254740993.5,-2E-5]')).toBeUndefined();
    expect(codeOf('{"id":"9007199254740993","9007199254740993":1}')).toBeUndefined();
  });

  it('finds the end of strings with escaped quotes and trailing backslashes', () => {
    // Escaped quotes and braces inside values and names must not look like structure.
    expect(codeOf('{"a":"x\\"}, \\"a\\": {","b":1}')).toBeUndefined();
    expect(codeOf('{"a\\\\":1,"a":2}')).toBeUndefined(); // names `a\` and `a` differ
    expect(codeOf('{"a\\\\":1,"a\\\\":2}')).toBe('duplicate-json-key');
    expect(codeOf('{"q\\"":1,"q\\u0022":2}')).toBe('duplicate-json-key'); // both are `q"`
    expect(pointersOf('{"v":"\\\\\\"","o":{"k\\\\\\"":1,"k\\\\\\"":2}}')).toEqual(['/o/k\\"']);
    expect(codeOf('{"x":"\\\\","__proto__":1}')).toBe('forbidden-json-key');
  });
});

describe('splitJsonArray', () => {
  it('returns each element byte for byte', () => {
    const text = ' [ {"a":"x,]y","b":[1,2]} ,\n  "Nguyễn" ,3, {"c":{"d":"\\"]"}}\t] ';
    const parts = splitJsonArray(Buffer.from(text, 'utf8')).map((b) => b.toString('utf8'));
    expect(parts).toEqual(['{"a":"x,]y","b":[1,2]}', '"Nguyễn"', '3', '{"c":{"d":"\\"]"}}']);
    expect(parts.map((p) => JSON.parse(p) as unknown)).toEqual(JSON.parse(text) as unknown[]);
  });

  it('returns nothing for an empty array', () => {
    expect(splitJsonArray(Buffer.from('[ ]'))).toEqual([]);
  });
});
