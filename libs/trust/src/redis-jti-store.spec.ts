// Integration spec against the real Redis on the machine (REDIS_URL, else 127.0.0.1:6379).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { pollUntil } from '../../../test/support/poll-until.util.js';
import { RedisJtiStore } from './redis-jti-store.js';
import { AGENCY_A, AGENCY_B } from './test-fixtures.util.js';

const PREFIX = `lienthong-test:jti:${randomUUID()}:`;
let redis: Redis;
let store: RedisJtiStore;

/** Epoch seconds `ms` from now, as a verifier would pass `exp + skew`. */
const secondsFromNow = (ms: number): number => (Date.now() + ms) / 1000;

beforeAll(() => {
  redis = new Redis(process.env['REDIS_URL'] || 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  store = new RedisJtiStore(redis, { keyPrefix: PREFIX });
});

afterAll(async () => {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('RedisJtiStore', () => {
  it('accepts an id once per agency', async () => {
    const jti = randomUUID();
    const exp = Math.floor(secondsFromNow(300_000));
    expect(await store.remember(jti, AGENCY_A, exp)).toBe(true);
    expect(await store.remember(jti, AGENCY_A, exp)).toBe(false);
    expect(await store.remember(jti, AGENCY_B, exp)).toBe(true);
    expect(await store.remember(jti, AGENCY_B, exp)).toBe(false);
  });

  it('keeps the id until the given expiry, then forgets it', async () => {
    const jti = randomUUID();
    expect(await store.remember(jti, AGENCY_A, secondsFromNow(400))).toBe(true);
    expect(await store.remember(jti, AGENCY_A, secondsFromNow(400))).toBe(false);
    await pollUntil(() => store.remember(jti, AGENCY_A, secondsFromNow(60_000)), {
      timeoutMs: 10_000,
      description: 'expired jti forgotten',
    });
    expect(await store.remember(jti, AGENCY_A, secondsFromNow(60_000))).toBe(false);
  });

  it('sets the key to expire at the assertion expiry', async () => {
    const jti = randomUUID();
    const exp = Math.floor(secondsFromNow(300_000));
    await store.remember(jti, AGENCY_A, exp);
    const key = store.redisKey(jti, AGENCY_A);
    expect(key).toBe(`${PREFIX}${AGENCY_A}:${jti}`);
    expect(await redis.get(key)).toBe('1');
    expect(await redis.pexpiretime(key)).toBe(exp * 1000);
  });

  it('lets exactly one of many concurrent replicas accept an id', async () => {
    const replicas = Array.from({ length: 4 }, () => redis.duplicate());
    try {
      const stores = replicas.map((client) => new RedisJtiStore(client, { keyPrefix: PREFIX }));
      const jti = randomUUID();
      const exp = secondsFromNow(300_000);
      const results = await Promise.all(
        stores.flatMap((s) => [s, s].map((t) => t.remember(jti, AGENCY_A, exp))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(replicas.map((client) => client.quit()));
    }
  });

  it('does not confuse agency and id boundaries', async () => {
    const exp = secondsFromNow(300_000);
    const id = randomUUID();
    expect(await store.remember(`b:${id}`, 'a', exp)).toBe(true);
    expect(await store.remember(id, 'a:b', exp)).toBe(true);
    expect(await store.remember(id, 'a%3Ab', exp)).toBe(true);
  });

  it('refuses an expiry that is not a positive epoch time', async () => {
    for (const exp of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(store.remember(randomUUID(), AGENCY_A, exp)).rejects.toBeInstanceOf(RangeError);
    }
  });
});
