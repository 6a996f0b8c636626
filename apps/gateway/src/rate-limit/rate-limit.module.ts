import { Global, Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../trust/trust.module.js';
import { AgencyRateLimits, RATE_LIMITER } from './rate-limit.service.js';
import type { RateLimiter } from './token-bucket.js';
import { InMemoryRateLimiter, RedisRateLimiter } from './token-bucket.js';

/** Per-agency rate limits: one bucket per replica, or one shared in Redis when REDIS_URL is set. */
@Global()
@Module({
  providers: [
    {
      provide: RATE_LIMITER,
      inject: [REDIS],
      useFactory: (redis: Redis | undefined): RateLimiter =>
        redis ? new RedisRateLimiter(redis) : new InMemoryRateLimiter(),
    },
    AgencyRateLimits,
  ],
  exports: [AgencyRateLimits],
})
export class RateLimitModule {}
