import type { Redis } from 'ioredis';
import type { JtiStore } from './jti-store.js';

/** Default prefix of every key the store writes. */
export const JTI_REDIS_KEY_PREFIX = 'lienthong:jti:';

export interface RedisJtiStoreOptions {
  /** Prepended to every key; lets several deployments or test runs share one Redis. */
  keyPrefix?: string;
}

/**
 * A `JtiStore` in Redis (6.2 or later), shared by every gateway replica. `remember` is one
 * `SET <prefix><agency>:<jti> 1 PXAT <expiry> NX`: atomic, so of two replicas seeing the same
 * assertion exactly one accepts it, and Redis drops the id when the assertion expires. The
 * client belongs to the caller (it may be shared with the idempotency store); the store never
 * closes it.
 */
export class RedisJtiStore implements JtiStore {
  readonly keyPrefix: string;

  constructor(
    private readonly redis: Pick<Redis, 'set'>,
    options: RedisJtiStoreOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? JTI_REDIS_KEY_PREFIX;
  }

  /** The Redis key for `jti` of `agencyId`; the agency is escaped so its first `:` ends it. */
  redisKey(jti: string, agencyId: string): string {
    return `${this.keyPrefix}${agencyId.replace(/[%:]/g, (ch) => (ch === '%' ? '%25' : '%3A'))}:${jti}`;
  }

  async remember(jti: string, agencyId: string, expiresAtSeconds: number): Promise<boolean> {
    // PXAT rather than EXAT: a JWT NumericDate may have a fraction (RFC 7519 section 2).
    const expiresAtMs = Math.ceil(expiresAtSeconds * 1000);
    if (!Number.isSafeInteger(expiresAtMs) || expiresAtMs <= 0) {
      throw new RangeError(`expiry must be a positive epoch time in seconds, got ${expiresAtSeconds}`);
    }
    const reply = await this.redis.set(this.redisKey(jti, agencyId), '1', 'PXAT', expiresAtMs, 'NX');
    return reply === 'OK';
  }
}
