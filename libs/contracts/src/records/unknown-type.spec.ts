import { describe, expect, it } from '@jest/globals';
import { closestTypeName, unknownTypeError } from './unknown-type.js';

const REGISTERED = [
  'residence.registration',
  'household.registration',
  'business.license',
  'tax.declaration',
];

describe('closestTypeName', () => {
  it.each([
    ['residense.registration', 'residence.registration'], // one letter wrong
    ['residence.registraton', 'residence.registration'], // one letter missing
    ['residence-registration', 'residence.registration'], // hyphen for dot
    ['bussiness.licence', 'business.license'], // two edits
    ['tax.declarations', 'tax.declaration'],
  ])('suggests %s → %s', (typed, expected) => {
    expect(closestTypeName(typed, REGISTERED)).toBe(expected);
  });

  it.each([['vehicle.registration'], ['tax'], ['a.b']])(
    'suggests nothing for %s, which is far from every name',
    (typed) => {
      expect(closestTypeName(typed, REGISTERED)).toBeUndefined();
    },
  );

  it('never suggests the name itself, and breaks ties alphabetically', () => {
    expect(closestTypeName('tax.declaration', ['tax.declaration'])).toBeUndefined();
    expect(closestTypeName('ab.c', ['ab.d', 'ab.b'])).toBe('ab.b');
  });
});

describe('unknownTypeError', () => {
  it('is 404 unknown-type naming the closest registered type in both languages', () => {
    const error = unknownTypeError('residense.registration', REGISTERED);
    expect(error.code).toBe('unknown-type');
    expect(error.options.detail).toBe(
      'No message type "residense.registration" is registered. Did you mean "residence.registration"?',
    );
    expect(error.options.detailVi).toBe(
      'Chưa đăng ký loại thông điệp "residense.registration". Loại thông điệp đã đăng ký có tên gần nhất là "residence.registration".',
    );
  });

  it('says only that the type is not registered when nothing is close', () => {
    expect(unknownTypeError('vehicle.registration', REGISTERED).options.detail).toBe(
      'No message type "vehicle.registration" is registered.',
    );
  });
});
