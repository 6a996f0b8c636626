import { describe, expect, it } from '@jest/globals';
import { pointerTokens, pointersRevealing, projectPayload } from './projection.js';

const record = () => ({
  registrationId: 'G01.01.00004-250714-0001',
  citizenId: '001203012345',
  fullName: 'Nguyễn Thị Lan',
  registrationKind: 'THUONG_TRU',
  address: { provinceCode: '01', communeCode: '00004', detail: 'Số 12 phố Phan Đình Phùng' },
  representatives: [
    { name: 'A', personalId: '1', title: 'CEO' },
    { name: 'B', personalId: '2', title: 'CFO' },
  ],
  'a/b': 1,
  'm~n': 2,
});
const personalData = ['/citizenId', '/fullName', '/address/detail', '/representatives'];
const open = { personalData, personalDataAllowed: true };
const closed = { personalData, personalDataAllowed: false };

describe('projectPayload', () => {
  it('returns the input itself, unchanged, without a projection when personal data is allowed', () => {
    const payload = record();
    const result = projectPayload(payload, undefined, open);
    expect(result.changed).toBe(false);
    expect(result.payload).toBe(payload);
  });

  it('returns the input itself when the personal fields are absent', () => {
    const payload = { registrationId: 'x', address: { provinceCode: '01' } };
    const result = projectPayload(payload, undefined, closed);
    expect(result).toEqual({ payload, changed: false });
    expect(result.payload).toBe(payload);
  });

  it('removes personal data without a projection, and never touches the input', () => {
    const payload = record();
    const before = JSON.stringify(payload);
    const result = projectPayload(payload, undefined, closed);
    expect(result.changed).toBe(true);
    expect(result.payload).toEqual({
      registrationId: 'G01.01.00004-250714-0001',
      registrationKind: 'THUONG_TRU',
      address: { provinceCode: '01', communeCode: '00004' },
      'a/b': 1,
      'm~n': 2,
    });
    expect(JSON.stringify(payload)).toBe(before);
  });

  it('keeps only the allow-listed pointers, each with its whole subtree, in the input member order', () => {
    const result = projectPayload(record(), ['/address', '/registrationId', '/a~1b', '/m~0n'], open);
    expect(result.changed).toBe(true);
    expect(JSON.stringify(result.payload)).toBe(
      JSON.stringify({
        registrationId: 'G01.01.00004-250714-0001',
        address: { provinceCode: '01', communeCode: '00004', detail: 'Số 12 phố Phan Đình Phùng' },
        'a/b': 1,
        'm~n': 2,
      }),
    );
  });

  it('removes personal data below a projected subtree unless allowed', () => {
    expect(projectPayload(record(), ['/address'], closed).payload).toEqual({
      address: { provinceCode: '01', communeCode: '00004' },
    });
    expect(projectPayload(record(), ['/address/detail', '/citizenId'], closed).payload).toEqual({});
    expect(projectPayload(record(), ['/address/detail', '/citizenId'], open).payload).toEqual({
      citizenId: '001203012345',
      address: { detail: 'Số 12 phố Phan Đình Phùng' },
    });
  });

  it('selects array elements by index, keeping their order', () => {
    const payload = record();
    expect(
      projectPayload(payload, ['/representatives/1/title', '/representatives/0/name'], open).payload,
    ).toEqual({
      representatives: [{ name: 'A' }, { title: 'CFO' }],
    });
    expect(projectPayload(payload, ['/representatives/1'], open).payload).toEqual({
      representatives: [{ name: 'B', personalId: '2', title: 'CFO' }],
    });
  });

  it('reports a change when the projection selects everything but a pointer goes nowhere', () => {
    const payload = { a: 1, b: { c: 2 } };
    const all = projectPayload(payload, ['/a', '/b'], open);
    expect(all.changed).toBe(false);
    expect(all.payload).toBe(payload);
    const partial = projectPayload(payload, ['/a', '/b/d', '/zz'], open);
    expect(partial).toEqual({ payload: { a: 1 }, changed: true });
    expect(projectPayload(payload, ['/a/deeper'], open)).toEqual({ payload: {}, changed: true });
    expect(projectPayload({ a: 1, b: {} }, ['/a', '/b/c'], open)).toEqual({
      payload: { a: 1 },
      changed: true,
    });
  });

  it('keeps scalars a personal pointer would go through', () => {
    const payload = { address: 'Hà Nội', other: 1 };
    expect(
      projectPayload(payload, undefined, { personalData: ['/address/detail'], personalDataAllowed: false }),
    ).toEqual({
      payload,
      changed: false,
    });
  });

  it('keeps a member named __proto__ as data, never as a prototype', () => {
    const payload = JSON.parse('{"__proto__": {"polluted": true}, "x": 1, "p": 2}') as Record<
      string,
      unknown
    >;
    const result = projectPayload(payload, ['/__proto__', '/x'], open).payload as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(JSON.stringify(result)).toBe('{"__proto__":{"polluted":true},"x":1}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('empties the record when the whole record is personal data', () => {
    expect(projectPayload({ a: 1 }, undefined, { personalData: [''], personalDataAllowed: false })).toEqual({
      payload: {},
      changed: true,
    });
  });
});

describe('pointersRevealing', () => {
  it('flags pointers equal to or inside a personal pointer, not those above one', () => {
    expect(
      pointersRevealing(
        ['/address', '/address/detail', '/citizenId', '/representatives/0/name', '/registrationId'],
        personalData,
      ),
    ).toEqual([
      { pointer: '/address/detail', personal: '/address/detail' },
      { pointer: '/citizenId', personal: '/citizenId' },
      { pointer: '/representatives/0/name', personal: '/representatives' },
    ]);
  });

  it('compares unescaped tokens, so /a~1b is not inside /a', () => {
    expect(pointersRevealing(['/a~1b'], ['/a'])).toEqual([]);
    expect(pointersRevealing(['/a/b'], ['/a'])).toEqual([{ pointer: '/a/b', personal: '/a' }]);
    expect(pointerTokens('/a~1b/~0c')).toEqual(['a/b', '~c']);
    expect(pointerTokens('/~01')).toEqual(['~1']);
  });
});
