import { describe, expect, it } from '@jest/globals';
import { LienthongError } from '@lienthong/contracts';
import {
  IDEMPOTENCY_KEY_MAX_LENGTH,
  idempotencyScope,
  isIdempotencyKey,
  readIdempotencyKey,
} from './idempotency-key.js';

const UUID = '8e03978e-40d5-43e8-bc93-6894a57f9324';

describe('isIdempotencyKey', () => {
  it.each([UUID, 'a', '01J9Z8Q0V6-~_.!#$&*+/=?^`|', 'x'.repeat(IDEMPOTENCY_KEY_MAX_LENGTH), 'a"b\\c'])(
    'accepts %p',
    (key) => expect(isIdempotencyKey(key)).toBe(true),
  );

  it.each(['', ' ', 'a b', 'x'.repeat(256), 'tab\t', 'new\nline', 'khóa', 'nul\0', '\x7f'])(
    'refuses %p',
    (key) => expect(isIdempotencyKey(key)).toBe(false),
  );
});

describe('readIdempotencyKey', () => {
  it('is undefined when the header is absent', () => {
    expect(readIdempotencyKey(undefined)).toBeUndefined();
  });

  it('reads the sf-string form of the draft, unescaping it', () => {
    expect(readIdempotencyKey(`"${UUID}"`)).toBe(UUID);
    expect(readIdempotencyKey('"a\\"b\\\\c"')).toBe('a"b\\c');
    expect(readIdempotencyKey([`"${UUID}"`])).toBe(UUID);
  });

  it('reads a bare key, as many clients send one', () => {
    expect(readIdempotencyKey(UUID)).toBe(UUID);
    expect(readIdempotencyKey(` ${UUID} `)).toBe(UUID);
  });

  it.each([
    ['empty', ''],
    ['empty string', '""'],
    ['unterminated', '"abc'],
    ['trailing characters', '"abc"def'],
    ['two joined headers', `"${UUID}", "${UUID}"`],
    ['bare comma list', 'a,b'],
    ['space inside', '"a b"'],
    ['bad escape', '"a\\nb"'],
    ['non-ASCII', '"khóa"'],
    ['control character', '"a\u0001"'],
    ['too long', `"${'x'.repeat(256)}"`],
    ['bare with quote', 'a"b'],
  ])('refuses %s as invalid-header', (_name, value) => {
    let thrown: unknown;
    try {
      readIdempotencyKey(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LienthongError);
    expect((thrown as LienthongError).code).toBe('invalid-header');
    expect((thrown as LienthongError).options.detailVi).toBeDefined();
  });

  it('refuses a repeated header', () => {
    expect(() => readIdempotencyKey([`"${UUID}"`, `"${UUID}"`])).toThrow(LienthongError);
    expect(() => readIdempotencyKey([])).toThrow(LienthongError);
  });
});

describe('idempotencyScope', () => {
  it('names the agency and the concrete route', () => {
    expect(idempotencyScope('000.00.00.G12', 'post', '/v1/messages/ho-tich.khai-sinh')).toBe(
      '000.00.00.G12 POST /v1/messages/ho-tich.khai-sinh',
    );
  });
});
