import { describe, expect, it } from '@jest/globals';

import { externalBroker, parseBrokerList } from './external-broker.js';

describe('parseBrokerList', () => {
  it('splits on commas and drops blanks', () => {
    expect(parseBrokerList(' kafka-1:9092, kafka-2:9092 ,,')).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(parseBrokerList('')).toEqual([]);
    expect(parseBrokerList(undefined)).toEqual([]);
  });
});

describe('externalBroker', () => {
  it('stops nothing', async () => {
    const handle = externalBroker(['kafka:9092']);
    expect(handle.mode).toBe('external');
    await expect(handle.stop()).resolves.toBeUndefined();
  });
});
