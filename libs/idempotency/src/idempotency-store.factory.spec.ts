import { describe, expect, it } from '@jest/globals';
import { createIdempotencyStore } from './idempotency-store.factory.js';
import { InMemoryIdempotencyStore } from './in-memory-idempotency-store.js';
import { RedisIdempotencyStore } from './redis-idempotency-store.js';
import { TEST_REDIS_URL, connectTestRedis, deleteKeysUnder, uniqueTestPrefix } from './redis-test.util.js';

describe('createIdempotencyStore', () => {
  it('keeps keys in memory when no Redis URL is configured', async () => {
    for (const config of [undefined, {}, { redisUrl: '' }]) {
      const store = createIdempotencyStore(config);
      expect(store).toBeInstanceOf(InMemoryIdempotencyStore);
      await store.close();
    }
  });

  it('uses Redis when a URL is configured, under the configured prefix', async () => {
    const prefix = uniqueTestPrefix('factory');
    const store = createIdempotencyStore({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix });
    const redis = connectTestRedis();
    try {
      expect(store).toBeInstanceOf(RedisIdempotencyStore);
      expect(await store.begin('scope', 'key-1', 'fp', 30_000)).toEqual({ state: 'claimed' });
      expect(await redis.exists(`${prefix}scope:key-1`)).toBe(1);
    } finally {
      await store.close();
      await deleteKeysUnder(redis, prefix);
      await redis.quit();
    }
  });

  it('fails fast on a URL that is not a Redis URL, without echoing credentials', () => {
    expect(() => createIdempotencyStore({ redisUrl: 'localhost:6379' })).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => createIdempotencyStore({ redisUrl: 'not a url' })).toThrow(/REDIS_URL/);
    let message = '';
    try {
      createIdempotencyStore({ redisUrl: 'http://user:s3cret@cache.internal:6379' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/REDIS_URL/);
    expect(message).not.toContain('s3cret');
  });
});
