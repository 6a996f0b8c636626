import type { Redis } from 'ioredis';

/** A token bucket: `burst` requests at once, refilled at `ratePerSecond`. */
export interface RateLimitPolicy {
  /** Policy name in the `RateLimit-Policy` / `RateLimit` headers. */
  name: string;
  ratePerSecond: number;
  burst: number;
}

/** What one take from a bucket decided. */
export interface RateDecision {
  allowed: boolean;
  /** Whole tokens left after this take (0 when refused). */
  remaining: number;
  /** Seconds until `cost` more tokens are there (0 when allowed). */
  retryAfterSeconds: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
}

/** Takes `cost` tokens from the bucket `key`, or none when there are not enough. */
export interface RateLimiter {
  take(key: string, cost: number, policy: RateLimitPolicy): Promise<RateDecision>;
}

/**
 * Where one agency's bucket under one policy lives. The rate and burst are part of it: when an
 * operator changes an agency's limits the next take starts a full bucket of the new size,
 * instead of carrying over a level counted at another rate (and, in Redis, an expiry computed
 * for another burst). Switching back within the expiry resumes the earlier bucket, refilled
 * for the time in between, which is what it would hold had it never been left.
 */
export function bucketKey(key: string, policy: RateLimitPolicy): string {
  return `${policy.name}:${key}:${policy.ratePerSecond}/${policy.burst}`;
}

/** The bucket arithmetic, shared by the in-memory limiter and mirrored by the Redis script. */
export function decide(
  tokens: number,
  cost: number,
  policy: RateLimitPolicy,
): { allowed: boolean; tokens: number } & RateDecision {
  const allowed = cost <= tokens;
  const left = allowed ? tokens - cost : tokens;
  return {
    allowed,
    tokens: left,
    remaining: Math.floor(left),
    retryAfterSeconds: allowed ? 0 : Math.ceil((Math.min(cost, policy.burst) - left) / policy.ratePerSecond),
    resetSeconds: Math.ceil((policy.burst - left) / policy.ratePerSecond),
  };
}

/** One replica's buckets (no `REDIS_URL`). Idle buckets are dropped once full again. */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number; fullAt: number }>();
  private sweptAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  take(key: string, cost: number, policy: RateLimitPolicy): Promise<RateDecision> {
    const now = this.now();
    const at = bucketKey(key, policy);
    const bucket = this.buckets.get(at);
    const tokens = bucket
      ? Math.min(policy.burst, bucket.tokens + ((now - bucket.at) / 1000) * policy.ratePerSecond)
      : policy.burst;
    const { tokens: left, ...decision } = decide(tokens, cost, policy);
    const fullAt = now + ((policy.burst - left) / policy.ratePerSecond) * 1000;
    this.buckets.set(at, { tokens: left, at: now, fullAt });
    if (now - this.sweptAt > 60_000) this.sweep(now);
    return Promise.resolve(decision);
  }

  /**
   * Forgets buckets that are full again: a new one is the same. Judged per bucket, as buckets
   * of one route differ in rate and burst (operators' overrides), so a slow one is kept.
   */
  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.fullAt <= now) this.buckets.delete(key);
    }
  }

  /** How many buckets this replica holds. */
  size(): number {
    return this.buckets.size;
  }
}

/**
 * The same bucket in Redis, so that every replica draws from one (`REDIS_URL`). One script call
 * per take: read, refill by Redis' own clock (replicas' clocks may differ), take, write.
 */
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = burst
if state[1] then
  tokens = math.min(burst, tonumber(state[1]) + (now - tonumber(state[2])) / 1000 * rate)
end
local allowed = 0
if cost <= tokens then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(tokens)}
`;

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'lienthong:rate:',
  ) {}

  async take(key: string, cost: number, policy: RateLimitPolicy): Promise<RateDecision> {
    const [allowed, tokens] = (await this.redis.eval(
      TAKE_SCRIPT,
      1,
      `${this.prefix}${bucketKey(key, policy)}`,
      policy.ratePerSecond,
      policy.burst,
      cost,
    )) as [number, string];
    const left = Number(tokens);
    const decision = decide(allowed === 1 ? left + cost : left, cost, policy);
    return {
      allowed: allowed === 1,
      remaining: Math.floor(left),
      retryAfterSeconds: allowed === 1 ? 0 : decision.retryAfterSeconds,
      resetSeconds: Math.ceil((policy.burst - left) / policy.ratePerSecond),
    };
  }
}
