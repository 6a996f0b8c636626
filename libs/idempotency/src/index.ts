export {
  IDEMPOTENCY_KEY_MAX_LENGTH,
  IDEMPOTENCY_KEY_PATTERN,
  idempotencyScope,
  isIdempotencyKey,
  readIdempotencyKey,
} from './idempotency-key.js';
export type {
  ClaimResult,
  CompleteResult,
  IdempotencyClaim,
  IdempotencyStore,
  StoredResponse,
} from './idempotency-store.js';
export { idempotencyRecordTag } from './idempotency-record-tag.util.js';
export {
  IDEMPOTENCY_DEFAULT_TTL_MS,
  IdempotencyStoreError,
  IdempotencyStoreFullError,
} from './idempotency-store.js';
export type { InMemoryIdempotencyStoreOptions } from './in-memory-idempotency-store.js';
export { InMemoryIdempotencyStore } from './in-memory-idempotency-store.js';
export type { RedisIdempotencyStoreOptions } from './redis-idempotency-store.js';
export {
  IDEMPOTENCY_REDIS_KEY_PREFIX,
  RedisIdempotencyStore,
  openRedisConnection,
} from './redis-idempotency-store.js';
export { requestFingerprint } from './request-fingerprint.util.js';
