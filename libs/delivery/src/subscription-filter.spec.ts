import { describe, expect, it } from '@jest/globals';
import type { ProblemPointer } from '@lienthong/contracts';
import type { FilterPointer } from './subscription-filter.js';
import { FILTER_LIMITS, matchesFilter, parseSubscriptionFilter } from './subscription-filter.js';
import type { SubscriptionFilter } from './subscription.js';

const event = {
  attributes: { type: 'residence.registration', source: '000.00.00.G01', subject: '001203012345' },
  payload: {
    registrationKind: 'TAM_TRU',
    count: 3,
    flag: false,
    nothing: null,
    address: { provinceCode: '01', communeCode: '00004' },
    tags: ['a', 'b'],
    'a/b': 'slash',
    'm~n': 'tilde',
  },
};

describe('matchesFilter', () => {
  const ok: [string, SubscriptionFilter | undefined][] = [
    ['no filter', undefined],
    ['an attribute equal', { attribute: 'type', equals: 'residence.registration' }],
    ['an attribute in a list', { attribute: 'source', in: ['000.00.00.G12', '000.00.00.G01'] }],
    ['a nested field equal', { pointer: '/address/provinceCode', equals: '01' }],
    ['a number equal', { pointer: '/count', equals: 3 }],
    ['false equal', { pointer: '/flag', equals: false }],
    ['null equal', { pointer: '/nothing', equals: null }],
    ['a value in a mixed list', { pointer: '/count', in: ['3', 3] }],
    ['an array element', { pointer: '/tags/1', equals: 'b' }],
    [
      'escaped tokens (RFC 6901 ~1, ~0)',
      {
        and: [
          { pointer: '/a~1b', exists: true },
          { pointer: '/m~0n', equals: 'tilde' },
        ],
      },
    ],
    ['a present field', { pointer: '/address', exists: true }],
    ['a null field is present', { pointer: '/nothing', exists: true }],
    ['an absent field', { pointer: '/validUntil', exists: false }],
    [
      'and of true',
      {
        and: [
          { pointer: '/count', equals: 3 },
          { attribute: 'subject', equals: '001203012345' },
        ],
      },
    ],
    [
      'or with one true',
      {
        or: [
          { pointer: '/count', equals: 4 },
          { pointer: '/flag', equals: false },
        ],
      },
    ],
    [
      'nested combinators',
      {
        and: [
          {
            or: [
              { pointer: '/x', exists: true },
              { pointer: '/count', in: [1, 2, 3] },
            ],
          },
          { pointer: '/tags', exists: true },
        ],
      },
    ],
  ];
  it.each(ok)('passes %s', (_name, filter) => {
    expect(matchesFilter(filter, event)).toBe(true);
  });

  const notOk: [string, SubscriptionFilter][] = [
    ['a different attribute value', { attribute: 'type', equals: 'enterprise.registration' }],
    ['a missing attribute', { attribute: 'dataschema', equals: 'x' }],
    ['an attribute outside the list', { attribute: 'source', in: ['000.00.00.G12'] }],
    ['a string against a number (strict)', { pointer: '/count', equals: '3' }],
    ['a number against a string (strict)', { pointer: '/address/provinceCode', equals: 1 }],
    ['null against false (strict)', { pointer: '/flag', equals: null }],
    ['an object never equals', { pointer: '/address', equals: '[object Object]' }],
    ['an array never equals', { pointer: '/tags', in: ['a,b'] }],
    ['a missing field equals nothing', { pointer: '/validUntil', equals: null }],
    ['a missing field is in no list', { pointer: '/validUntil', in: [null] }],
    ['a present field does not pass exists:false', { pointer: '/count', exists: false }],
    ['a path through a scalar', { pointer: '/count/0', exists: true }],
    ['an index past the end', { pointer: '/tags/2', exists: true }],
    ['a non-canonical index', { pointer: '/tags/01', exists: true }],
    [
      'and with one false',
      {
        and: [
          { pointer: '/count', equals: 3 },
          { pointer: '/flag', equals: true },
        ],
      },
    ],
    [
      'or of false',
      {
        or: [
          { pointer: '/count', equals: 4 },
          { attribute: 'type', equals: 'x' },
        ],
      },
    ],
  ];
  it.each(notOk)('refuses %s', (_name, filter) => {
    expect(matchesFilter(filter, event)).toBe(false);
  });

  it('matches nothing for a node of unknown shape, rather than everything', () => {
    for (const node of [
      {},
      { not: { pointer: '/count', exists: true } },
      null,
      { pointer: 5, exists: true },
    ]) {
      expect(matchesFilter(node as unknown as SubscriptionFilter, event)).toBe(false);
    }
  });

  it('does not read inherited members as attributes or fields', () => {
    expect(matchesFilter({ pointer: '/toString', exists: true }, event)).toBe(false);
    expect(
      matchesFilter(
        { attribute: 'id', equals: 'x' },
        { attributes: Object.create({ id: 'x' }) as object, payload: {} },
      ),
    ).toBe(false);
  });
});

describe('parseSubscriptionFilter', () => {
  const parse = (value: unknown) => {
    const errors: ProblemPointer[] = [];
    const pointers: FilterPointer[] = [];
    const filter = parseSubscriptionFilter(value, '/filter', errors, pointers);
    return { filter, errors: errors.map((e) => e.pointer), pointers };
  };

  it('returns a copy of a valid filter and the pointers it tests, with where they are written', () => {
    const value = {
      and: [
        { attribute: 'source', in: ['000.00.00.G01'] },
        {
          or: [
            { pointer: '/address/provinceCode', equals: '01' },
            { pointer: '/validUntil', exists: false },
          ],
        },
      ],
    };
    const result = parse(value);
    expect(result.errors).toEqual([]);
    expect(result.filter).toEqual(value);
    expect(result.filter).not.toBe(value);
    expect(result.pointers).toEqual([
      { pointer: '/address/provinceCode', at: '/filter/and/1/or/0/pointer' },
      { pointer: '/validUntil', at: '/filter/and/1/or/1/pointer' },
    ]);
  });

  const deep = (levels: number): unknown =>
    levels === 0 ? { pointer: '/a', exists: true } : { and: [deep(levels - 1)] };
  const notOk: [string, unknown, string[]][] = [
    ['an array', [], ['/filter']],
    ['a string', 'type == x', ['/filter']],
    ['an empty object', {}, ['/filter']],
    ['an unknown operator', { not: { pointer: '/a', exists: true } }, ['/filter']],
    ['an empty and', { and: [] }, ['/filter/and']],
    ['or that is not an array', { or: { pointer: '/a', exists: true } }, ['/filter/or']],
    [
      'and mixed with a condition',
      { and: [{ pointer: '/a', exists: true }], pointer: '/b' },
      ['/filter/pointer'],
    ],
    ['an unknown attribute', { attribute: 'time', equals: 'x' }, ['/filter/attribute']],
    ['an attribute compared with a number', { attribute: 'type', equals: 1 }, ['/filter/equals']],
    ['an attribute without operator', { attribute: 'type' }, ['/filter']],
    ['an attribute with exists', { attribute: 'type', exists: true }, ['/filter/exists']],
    ['two operators', { pointer: '/a', equals: 1, in: [1] }, ['/filter/in']],
    ['a pointer without a slash', { pointer: 'address', equals: 'x' }, ['/filter/pointer']],
    ['a bad escape', { pointer: '/a~2', equals: 'x' }, ['/filter/pointer']],
    ['the root pointer', { pointer: '', exists: true }, ['/filter/pointer']],
    ['an object value', { pointer: '/a', equals: { b: 1 } }, ['/filter/equals']],
    ['a non-finite number', { pointer: '/a', in: [1, Number.NaN] }, ['/filter/in/1']],
    ['an empty in', { pointer: '/a', in: [] }, ['/filter/in']],
    ['exists not boolean', { pointer: '/a', exists: 'yes' }, ['/filter/exists']],
    [
      'a long string',
      { pointer: '/a', equals: 'x'.repeat(FILTER_LIMITS.maxStringLength + 1) },
      ['/filter/equals'],
    ],
    [
      'too many values',
      { pointer: '/a', in: new Array(FILTER_LIMITS.maxInValues + 1).fill(1) },
      ['/filter/in'],
    ],
    ['too deep', deep(FILTER_LIMITS.maxDepth), [`/filter${'/and/0'.repeat(FILTER_LIMITS.maxDepth - 1)}/and`]],
    ['a bad child, located', { or: [{ pointer: '/a', exists: true }, { pointer: '/b' }] }, ['/filter/or/1']],
  ];
  it.each(notOk)('refuses %s', (_name, value, pointers) => {
    const result = parse(value);
    expect(result.filter).toBeUndefined();
    expect(result.errors).toEqual(pointers);
  });

  it('accepts filters up to the limits and refuses one condition more', () => {
    const conditions = (n: number) => ({
      or: new Array(n).fill({ pointer: '/a', exists: true }) as unknown[],
    });
    expect(parse(deep(FILTER_LIMITS.maxDepth - 1)).errors).toEqual([]);
    expect(parse(conditions(FILTER_LIMITS.maxNodes - 1)).errors).toEqual([]);
    expect(parse(conditions(FILTER_LIMITS.maxNodes)).errors).toContain(
      `/filter/or/${FILTER_LIMITS.maxNodes - 1}`,
    );
  });
});
