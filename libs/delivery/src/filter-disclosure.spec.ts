import { describe, expect, it } from '@jest/globals';
import { personalDataInFilter } from './filter-disclosure.js';
import type { SubscriptionFilter } from './subscription.js';

describe('personalDataInFilter', () => {
  const filter: SubscriptionFilter = {
    and: [
      { attribute: 'subject', equals: '001195012345' },
      { attribute: 'source', equals: '000.00.00.G01' },
      {
        or: [
          { pointer: '/holder/citizenId', exists: true },
          { pointer: '/status', equals: 'OK' },
        ],
      },
      { pointer: '/holderName', equals: 'x' },
    ],
  };

  it('finds subject conditions when the key is personal, and pointers at or inside personal fields', () => {
    expect(personalDataInFilter(filter, { personalData: ['/holder'], keyIsPersonal: true })).toEqual([
      { at: '/filter/and/0/attribute', reveals: 'subject' },
      { at: '/filter/and/2/or/0/pointer', reveals: '/holder' },
    ]);
  });

  it('finds nothing when the key and the tested fields are not personal', () => {
    expect(personalDataInFilter(filter, { personalData: ['/note'], keyIsPersonal: false })).toEqual([]);
    expect(personalDataInFilter(undefined, { personalData: ['/note'], keyIsPersonal: true })).toEqual([]);
  });

  it('reads malformed stored filters without throwing', () => {
    const odd = { and: [null, 3, { or: 'x' }, { attribute: 'subject' }] } as unknown as SubscriptionFilter;
    expect(personalDataInFilter(odd, { personalData: [], keyIsPersonal: true })).toEqual([
      { at: '/filter/and/3/attribute', reveals: 'subject' },
    ]);
  });
});
