import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { dataSubjectsOf, readSchemaMetadata } from './compiled-schema.js';

const residence = JSON.parse(readFileSync('schemas/residence.registration/v1.schema.json', 'utf8')) as Record<
  string,
  unknown
>;

describe('readSchemaMetadata: x-lienthong-data-subject', () => {
  it('reads the subjects of a seed schema', () => {
    expect(readSchemaMetadata(residence, 'seed').dataSubject).toEqual([
      '/citizenId',
      '/householdHeadCitizenId',
    ]);
  });

  it('defaults to none', () => {
    const { ['x-lienthong-data-subject']: _dropped, ...rest } = residence;
    expect(readSchemaMetadata(rest, 'seed').dataSubject).toEqual([]);
  });

  it.each([['/citizenId'], [['citizenId']], [['']], [[1]]])('refuses %j', (value) => {
    expect(() => readSchemaMetadata({ ...residence, 'x-lienthong-data-subject': value }, 'f')).toThrow(
      'x-lienthong-data-subject',
    );
  });
});

describe('dataSubjectsOf', () => {
  it('reads each subject once, strings and safe integers, skipping what is absent or empty', () => {
    const payload = { citizenId: '001099012345', head: { id: '001099012345' }, other: 42, empty: '' };
    expect(dataSubjectsOf(payload, ['/citizenId', '/head/id', '/other', '/empty', '/missing'])).toEqual([
      '001099012345',
      '42',
    ]);
  });
});
