// Test-only helpers for the specs that run against the real Redis on the machine.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the integration specs use: `REDIS_URL`, else the local one. */
export const TEST_REDIS_URL = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';

/** A key prefix no other run shares, so parallel runs never see each other's keys. */
export function uniqueTestPrefix(label: string): string {
  return `lienthong-test:${label}:${randomUUID()}:`;
}

/** A connection that fails a command at once rather than queue it while Redis is down. */
export function connectTestRedis(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: false });
}

/** Deletes every key under `prefix` (the prefix holds no glob characters). */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
