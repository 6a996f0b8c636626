import { describe, expect, it } from '@jest/globals';
import { validate, version } from 'uuid';
import { newRecordId } from './record-id.js';

describe('newRecordId', () => {
  it('returns RFC 9562 version 7 UUIDs carrying the time', () => {
    const now = Date.UTC(2026, 10, 28, 3, 0, 0);
    const id = newRecordId(now);
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(7);
    expect(id[19]).toMatch(/[89ab]/); // RFC 9562 variant
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(now);
  });

  it('is unique and strictly increasing, also within one millisecond and past 4,096 ids in it', () => {
    const now = Date.UTC(2030, 0, 1);
    const ids = Array.from({ length: 10_000 }, () => newRecordId(now));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // A clock that steps back does not break the order either.
    expect(newRecordId(now - 5_000) > ids[ids.length - 1]!).toBe(true);
  });
});
