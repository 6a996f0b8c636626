import { describe, expect, it } from '@jest/globals';
import { disclosureBatches } from './disclosure-log.js';

describe('disclosureBatches', () => {
  it('cuts requests by the bytes of their values, never leaving one empty', () => {
    const m = (n: number) => ({ key: 'k', value: 'x'.repeat(n) });
    expect(disclosureBatches([m(4), m(4), m(4)], 8).map((b) => b.length)).toEqual([2, 1]);
    expect(disclosureBatches([m(20), m(1)], 8).map((b) => b.length)).toEqual([1, 1]);
    expect(disclosureBatches([], 8)).toEqual([]);
  });
});
