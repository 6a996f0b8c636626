import type { IdempotencyStore } from './idempotency-store.js';
import type { InMemoryIdempotencyStoreOptions } from './in-memory-idempotency-store.js';
import { InMemoryIdempotencyStore } from './in-memory-idempotency-store.js';
import { RedisIdempotencyStore } from './redis-idempotency-store.js';

export interface IdempotencyStoreConfig {
  /** `REDIS_URL`: set on every replica when more than one runs; unset means in memory. */
  redisUrl?: string;
  /** Redis key prefix; default `lienthong:idem:`. */
  keyPrefix?: string;
  /** Bounds of the in-memory store. */
  memory?: InMemoryIdempotencyStoreOptions;
  /** Redis connection errors, e.g. to log them. */
  onConnectionError?: (error: Error) => void;
}

/** Redis when `redisUrl` is set (an empty string counts as unset), otherwise in memory. */
export function createIdempotencyStore(config: IdempotencyStoreConfig = {}): IdempotencyStore {
  if (config.redisUrl === undefined || config.redisUrl === '') {
    return new InMemoryIdempotencyStore(config.memory);
  }
  return new RedisIdempotencyStore({
    redisUrl: config.redisUrl,
    ...(config.keyPrefix !== undefined && { keyPrefix: config.keyPrefix }),
    ...(config.onConnectionError !== undefined && { onConnectionError: config.onConnectionError }),
  });
}
