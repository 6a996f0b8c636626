import { describe, expect, it } from '@jest/globals';
import {
  decodeDisclosureFacts,
  deliveredPersonalFields,
  disclosureFacts,
  encodeDisclosureFacts,
} from './disclosure-facts.js';
import { projectPayload } from './projection.js';

const record = {
  registrationId: 'CT-2026-000123',
  citizenId: '001099012345',
  fullName: 'Nguyễn Văn An',
  address: { provinceCode: '01', detail: 'Số 1 Tràng Tiền' },
  householdHeadCitizenId: '001066001122',
};
const personalData = ['/citizenId', '/fullName', '/address', '/householdHeadCitizenId'];
const dataSubject = ['/citizenId', '/householdHeadCitizenId'];
const hash = (id: string) => `h(${id})`;

function facts(projection: string[] | undefined, personalDataAllowed = true) {
  const { payload } = projectPayload(record, projection, { personalData, personalDataAllowed });
  return disclosureFacts(
    { original: record, delivered: payload, dataSubject, personalData, projection },
    hash,
  );
}

describe('disclosureFacts', () => {
  it('names every subject and every personal field of a whole record', () => {
    expect(facts(undefined)).toEqual({
      subjects: [
        { hash: 'h(001099012345)', pointer: '/citizenId' },
        { hash: 'h(001066001122)', pointer: '/householdHeadCitizenId' },
      ],
      fields: personalData,
    });
  });

  it('names the parts of a personal field a projection selected, and subjects it removed', () => {
    expect(facts(['/registrationId', '/address/detail'])).toEqual({
      subjects: [
        { hash: 'h(001099012345)', pointer: '/citizenId' },
        { hash: 'h(001066001122)', pointer: '/householdHeadCitizenId' },
      ],
      fields: ['/address/detail'],
    });
  });

  it('is nothing when no personal field is delivered', () => {
    expect(facts(undefined, false)).toBeUndefined();
    expect(facts(['/registrationId'])).toBeUndefined();
  });

  it('is nothing without subjects, and counts one identifier once', () => {
    expect(
      disclosureFacts(
        {
          original: record,
          delivered: record,
          dataSubject: ['/missing'],
          personalData,
          projection: undefined,
        },
        hash,
      ),
    ).toBeUndefined();
    const same = { ...record, householdHeadCitizenId: record.citizenId };
    expect(
      disclosureFacts(
        { original: same, delivered: same, dataSubject, personalData, projection: undefined },
        hash,
      )?.subjects,
    ).toEqual([{ hash: 'h(001099012345)', pointer: '/citizenId' }]);
  });
});

describe('deliveredPersonalFields', () => {
  it('names a whole field when the projection selects it or something above it', () => {
    expect(deliveredPersonalFields({ address: { detail: 'x' } }, ['/address/detail'], ['/address'])).toEqual([
      '/address/detail',
    ]);
  });
});

describe('disclosure facts header', () => {
  it('round-trips and refuses what is not one', () => {
    const f = { subjects: [{ hash: 'x3Jk', pointer: '/citizenId' }], fields: ['/citizenId', '/address'] };
    const header = encodeDisclosureFacts(f);
    expect(decodeDisclosureFacts(header)).toEqual(f);
    for (const bad of [undefined, '', 'x', '{}', '{"s":[],"f":["/a"]}', '{"s":[["h","/p"]],"f":[1]}']) {
      expect(decodeDisclosureFacts(bad)).toBeUndefined();
    }
  });
});
