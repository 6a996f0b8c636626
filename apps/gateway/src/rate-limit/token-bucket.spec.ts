// The Redis part runs against the real Redis on the machine (REDIS_URL, else 127.0.0.1:6379).
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { RateLimitPolicy, RateLimiter } from './token-bucket.js';
import { InMemoryRateLimiter, RedisRateLimiter, bucketKey } from './token-bucket.js';

const POLICY: RateLimitPolicy = { name: 'token', ratePerSecond: 10, burst: 20 };

describe('InMemoryRateLimiter', () => {
  it('serves a burst, refuses the next with the wait for one token, and refills at the rate', async () => {
    let now = 1_000_000;
    const limiter = new InMemoryRateLimiter(() => now);
    for (let i = 0; i < 20; i++) expect((await limiter.take('A', 1, POLICY)).allowed).toBe(true);
    const refused = await limiter.take('A', 1, POLICY);
    expect(refused).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1, resetSeconds: 2 });
    now += 100; // one token back
    expect(await limiter.take('A', 1, POLICY)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await limiter.take('A', 1, POLICY)).allowed).toBe(false);
    now += 60_000; // full again, never beyond the burst
    expect(await limiter.take('A', 1, POLICY)).toMatchObject({ allowed: true, remaining: 19 });
  });

  it('keeps one bucket per agency and per policy', async () => {
    const limiter = new InMemoryRateLimiter(() => 0);
    for (let i = 0; i < 20; i++) await limiter.take('A', 1, POLICY);
    expect((await limiter.take('A', 1, POLICY)).allowed).toBe(false);
    expect((await limiter.take('B', 1, POLICY)).allowed).toBe(true);
    expect((await limiter.take('A', 1, { ...POLICY, name: 'publish' })).allowed).toBe(true);
  });

  it('charges a batch its records, all or nothing', async () => {
    const limiter = new InMemoryRateLimiter(() => 0);
    const publish: RateLimitPolicy = { name: 'publish', ratePerSecond: 1_000, burst: 2_000 };
    expect(await limiter.take('A', 1_500, publish)).toMatchObject({ allowed: true, remaining: 500 });
    // 500 left: a batch of 501 is refused whole and takes nothing.
    expect(await limiter.take('A', 501, publish)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    expect(await limiter.take('A', 500, publish)).toMatchObject({ allowed: true, remaining: 0 });
  });
});

/**
 * An operator's override changes an agency's rate and burst between two takes. Run against
 * either limiter: the new policy holds from the next take, with a bucket of its own size.
 */
async function policyChange(limiter: RateLimiter, agency: string): Promise<void> {
  const slow: RateLimitPolicy = { name: 'publish', ratePerSecond: 1, burst: 500 };
  expect(await limiter.take(agency, 500, slow)).toMatchObject({ allowed: true, remaining: 0 });
  expect((await limiter.take(agency, 100, slow)).allowed).toBe(false);

  // Raised: the larger burst is there at once, not after refilling at the old rate.
  const raised: RateLimitPolicy = { name: 'publish', ratePerSecond: 1, burst: 1_000 };
  expect(await limiter.take(agency, 900, raised)).toMatchObject({ allowed: true, remaining: 100 });

  // Lowered: the smaller burst caps the agency at once, whatever it had before.
  const lowered: RateLimitPolicy = { name: 'publish', ratePerSecond: 1, burst: 50 };
  expect((await limiter.take(agency, 51, lowered)).allowed).toBe(false);
  expect(await limiter.take(agency, 50, lowered)).toMatchObject({ allowed: true, remaining: 0 });
  expect((await limiter.take(agency, 1, lowered)).allowed).toBe(false);

  // Back to the first policy: its bucket is where it was (empty, barely refilled), not fresh.
  expect((await limiter.take(agency, 100, slow)).allowed).toBe(false);
}

describe('a changed policy (per-agency override)', () => {
  it('holds from the next take in memory', async () => {
    await policyChange(new InMemoryRateLimiter(), 'A');
  });

  it('keys a bucket by agency, route, rate and burst', () => {
    expect(bucketKey('000.00.00.G12', { name: 'publish', ratePerSecond: 5_000, burst: 10_000 })).toBe(
      'publish:000.00.00.G12:5000/10000',
    );
  });

  it('forgets a bucket only once it is full again, judged by its own rate', async () => {
    let now = 0;
    const limiter = new InMemoryRateLimiter(() => now);
    const slow: RateLimitPolicy = { name: 'publish', ratePerSecond: 1, burst: 500 };
    await limiter.take('slow', 500, slow); // full again after 500 s
    await limiter.take('fast', 20, POLICY); // full again after 2 s
    now = 120_000; // past the sweep interval
    await limiter.take('other', 1, POLICY);
    expect(limiter.size()).toBe(2); // 'slow' and 'other'
    expect((await limiter.take('slow', 200, slow)).allowed).toBe(false);
  });
});

describe('RedisRateLimiter (real Redis)', () => {
  const redis = new Redis(process.env['REDIS_URL'] || 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const prefix = `lienthong-test:rate:${randomUUID()}:`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('shares one bucket between two replicas', async () => {
    const replicas: RateLimiter[] = [
      new RedisRateLimiter(redis, prefix),
      new RedisRateLimiter(redis, prefix),
    ];
    const policy: RateLimitPolicy = { name: 'token', ratePerSecond: 0.001, burst: 20 };
    const decisions = [];
    for (let i = 0; i < 24; i++) decisions.push(await replicas[i % 2]!.take('A', 1, policy));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    expect(decisions.slice(20).every((d) => !d.allowed && d.retryAfterSeconds > 0)).toBe(true);
    expect((await replicas[0]!.take('B', 1, policy)).allowed).toBe(true);
    expect(await redis.pttl(`${prefix}${bucketKey('A', policy)}`)).toBeGreaterThan(0);
  });

  it('holds a changed policy from the next take', async () => {
    await policyChange(new RedisRateLimiter(redis, prefix), 'changing');
  });
});
