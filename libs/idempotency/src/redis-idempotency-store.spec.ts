// Integration spec against the real Redis on the machine (REDIS_URL, else 127.0.0.1:6379).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import {
  describeIdempotencyStoreContract,
  RECEIPT_RESPONSE,
} from '../../../test/support/idempotency-store.contract.util.js';
import { IdempotencyStoreError } from './idempotency-store.js';
import { RedisIdempotencyStore, escapeKeySegment, openRedisConnection } from './redis-idempotency-store.js';
import { RedisScript } from './redis-script.util.js';
import { TEST_REDIS_URL, connectTestRedis, deleteKeysUnder, uniqueTestPrefix } from './redis-test.util.js';

const PREFIX = uniqueTestPrefix('idem');
const FP_1 = 'fingerprint-1';
const FP_2 = 'fingerprint-2';
const LEASE_MS = 15_000;
let redis: Redis;
let store: RedisIdempotencyStore;

beforeAll(() => {
  redis = connectTestRedis();
  store = new RedisIdempotencyStore({ redis, keyPrefix: PREFIX });
});

afterAll(async () => {
  await deleteKeysUnder(redis, PREFIX);
  await store.close();
  await redis.quit();
});

describeIdempotencyStoreContract('RedisIdempotencyStore', () => store);

describe('RedisIdempotencyStore', () => {
  it('writes one JSON entry per key under the prefix, expiring with its TTL', async () => {
    const key = store.redisKey('000.00.00.G12 POST /v1/messages/layout', 'key-1');
    expect(key).toBe(`${PREFIX}000.00.00.G12 POST /v1/messages/layout:key-1`);

    const claimed = await store.claim(
      '000.00.00.G12 POST /v1/messages/layout',
      'key-1',
      FP_1,
      30_000,
      LEASE_MS,
    );
    if (claimed.state !== 'claimed') throw new Error(claimed.state);
    const { token, startedAt } = claimed.claim;
    expect(JSON.parse((await redis.get(key))!)).toEqual({
      v: 1,
      fp: FP_1,
      state: 'in-flight',
      tok: token,
      t0: startedAt,
      t1: startedAt,
      n: 1,
      lu: startedAt + LEASE_MS,
    });
    const claimTtl = await redis.pttl(key);
    expect(claimTtl).toBeGreaterThan(25_000);
    expect(claimTtl).toBeLessThanOrEqual(30_000);

    await store.complete(
      '000.00.00.G12 POST /v1/messages/layout',
      'key-1',
      FP_1,
      RECEIPT_RESPONSE,
      3_600_000,
    );
    expect(JSON.parse((await redis.get(key))!)).toEqual({
      v: 1,
      fp: FP_1,
      state: 'completed',
      response: RECEIPT_RESPONSE,
    });
    expect(await redis.pttl(key)).toBeGreaterThan(3_500_000);
  });

  it('escapes the scope so that it cannot run into the key', () => {
    expect(escapeKeySegment('a:b%c')).toBe('a%3Ab%25c');
    expect(store.redisKey('a:b', 'c')).not.toBe(store.redisKey('a', 'b:c'));
  });

  it('lets exactly one of several replicas, each with its own connection, claim a key', async () => {
    const replicas = Array.from({ length: 4 }, () => connectTestRedis());
    try {
      const stores = replicas.map(
        (client) => new RedisIdempotencyStore({ redis: client, keyPrefix: PREFIX }),
      );
      for (let round = 0; round < 10; round++) {
        const results = await Promise.all(
          stores.map((s) => s.claim('replicas', `key-${round}`, FP_1, 30_000, LEASE_MS)),
        );
        expect(results.filter((r) => r.state === 'claimed')).toHaveLength(1);
      }
    } finally {
      await Promise.all(replicas.map((client) => client.quit()));
    }
  });

  it('refuses to interpret a key that does not hold one of its entries', async () => {
    const scope = 'corrupt';
    const cases = [
      'not json',
      '{"v":2,"fp":"x","state":"in-flight"}',
      // A claim without its token, times and lease (the superseded begin API wrote these).
      '{"v":1,"fp":"x","state":"in-flight"}',
      '{"v":1,"fp":"x","state":"completed"}',
      '[]',
    ];
    for (const [i, value] of cases.entries()) {
      await redis.set(store.redisKey(scope, `key-${i}`), value, 'PX', 30_000);
      await expect(store.claim(scope, `key-${i}`, FP_1, 30_000, LEASE_MS)).rejects.toBeInstanceOf(
        IdempotencyStoreError,
      );
    }
    await redis.set(store.redisKey(scope, 'lua'), 'not json', 'PX', 30_000);
    await expect(store.complete(scope, 'lua', FP_1, RECEIPT_RESPONSE, 30_000)).rejects.toBeInstanceOf(
      IdempotencyStoreError,
    );
    await expect(store.release(scope, 'lua', FP_1, 'token')).rejects.toBeInstanceOf(IdempotencyStoreError);
    expect(await redis.get(store.redisKey(scope, 'lua'))).toBe('not json');
  });

  it('keeps stores with different prefixes apart', async () => {
    const other = new RedisIdempotencyStore({ redis, keyPrefix: `${PREFIX}other:` });
    await store.claim('prefixes', 'key-1', FP_1, 30_000, LEASE_MS);
    expect((await other.claim('prefixes', 'key-1', FP_2, 30_000, LEASE_MS)).state).toBe('claimed');
  });

  it('opens and closes its own connection when given a URL, and leaves a shared client open', async () => {
    const own = new RedisIdempotencyStore({ redisUrl: TEST_REDIS_URL, keyPrefix: PREFIX });
    expect((await own.claim('own-connection', 'key-1', FP_1, 30_000, LEASE_MS)).state).toBe('claimed');
    expect(await redis.exists(store.redisKey('own-connection', 'key-1'))).toBe(1);
    await own.close();
    await own.close();
    await expect(own.claim('own-connection', 'key-2', FP_1, 30_000, LEASE_MS)).rejects.toThrow();

    const shared = new RedisIdempotencyStore({ redis, keyPrefix: PREFIX });
    await shared.close();
    expect(await redis.ping()).toBe('PONG');
  });

  it('fails fast on a URL that is not a Redis URL, without echoing credentials', () => {
    expect(() => openRedisConnection('localhost:6379')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => openRedisConnection('not a url')).toThrow(/REDIS_URL/);
    let message = '';
    try {
      openRedisConnection('http://user:s3cret@cache.internal:6379');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/REDIS_URL/);
    expect(message).not.toContain('s3cret');
  });

  it('loads a script Redis does not know yet, then runs it by its digest', async () => {
    // A source no run has loaded before, so the first call takes the NOSCRIPT path.
    const script = new RedisScript(redis, `-- ${PREFIX}\nreturn ARGV[1] .. KEYS[1]`);
    expect(await script.run(`${PREFIX}script`, 'ran:')).toBe(`ran:${PREFIX}script`);
    expect(await script.run(`${PREFIX}script`, 'again:')).toBe(`again:${PREFIX}script`);
  });
});
