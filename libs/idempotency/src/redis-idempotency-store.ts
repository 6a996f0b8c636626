import { Redis } from 'ioredis';
import type { BeginResult, CompleteResult, IdempotencyStore, StoredResponse } from './idempotency-store.js';
import {
  IdempotencyStoreError,
  assertStoreArguments,
  requireStoredResponse,
  toStoredResponse,
} from './idempotency-store.js';
import { RedisScript } from './redis-script.util.js';

/** Default prefix of every key the store writes. */
export const IDEMPOTENCY_REDIS_KEY_PREFIX = 'lienthong:idem:';

interface RedisStoreCommon {
  /** Prepended to every key; lets several deployments or test runs share one Redis. */
  keyPrefix?: string;
}

export type RedisIdempotencyStoreOptions = RedisStoreCommon &
  (
    | {
        /** A client the caller owns (e.g. shared with the jti replay cache); `close()` leaves it open. */
        redis: Redis;
      }
    | {
        /** `redis://` or `rediss://` URL; the store opens its own connection and `close()` ends it. */
        redisUrl: string;
        /** Connection errors (ioredis reconnects by itself); without it they are not reported. */
        onConnectionError?: (error: Error) => void;
      }
  );

/**
 * Entry layout, one JSON string per key, expiring with the key:
 * `{"v":1,"fp":"<fingerprint>","state":"in-flight"}` then
 * `{"v":1,"fp":"<fingerprint>","state":"completed","response":{status,headers,body}}`.
 */
interface EncodedEntry {
  v: 1;
  fp: string;
  state: 'in-flight' | 'completed';
  response?: StoredResponse;
}

// Lua runs atomically in Redis, so the fingerprint check and the write cannot interleave with
// another replica's begin, complete or abandon (Redis `EVAL`, "Atomicity of scripts").
const COMPLETE_LUA = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, entry = pcall(cjson.decode, current)
  if not ok or type(entry) ~= 'table' then return 'corrupt' end
  if entry.fp ~= ARGV[1] then return 'mismatch' end
  if entry.state == 'completed' then return 'already-completed' end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 'stored'
`;

const ABANDON_LUA = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, entry = pcall(cjson.decode, current)
if not ok or type(entry) ~= 'table' then return -1 end
if entry.fp ~= ARGV[1] or entry.state ~= 'in-flight' then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * An `IdempotencyStore` in Redis (7 or later), shared by every gateway replica. `begin` is one
 * `SET key <in-flight> PX ttl NX GET`: it claims a free key, or returns the entry holding it,
 * atomically and in one round trip. `complete` and `abandon` are Lua scripts that compare the
 * fingerprint before writing.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly keyPrefix: string;
  private readonly redis: Redis;
  private readonly ownsConnection: boolean;
  private readonly completeScript: RedisScript;
  private readonly abandonScript: RedisScript;
  private closing: Promise<void> | undefined;

  constructor(options: RedisIdempotencyStoreOptions) {
    this.keyPrefix = options.keyPrefix ?? IDEMPOTENCY_REDIS_KEY_PREFIX;
    if ('redis' in options) {
      this.redis = options.redis;
      this.ownsConnection = false;
    } else {
      this.redis = openRedisConnection(options.redisUrl, options.onConnectionError);
      this.ownsConnection = true;
    }
    this.completeScript = new RedisScript(this.redis, COMPLETE_LUA);
    this.abandonScript = new RedisScript(this.redis, ABANDON_LUA);
  }

  /** The Redis key of an entry: the scope is escaped so that its first unescaped `:` ends it. */
  redisKey(scope: string, key: string): string {
    return `${this.keyPrefix}${escapeKeySegment(scope)}:${key}`;
  }

  async begin(scope: string, key: string, fingerprint: string, inFlightTtlMs: number): Promise<BeginResult> {
    assertStoreArguments(key, fingerprint, inFlightTtlMs);
    const redisKey = this.redisKey(scope, key);
    const claim = JSON.stringify({ v: 1, fp: fingerprint, state: 'in-flight' } satisfies EncodedEntry);
    const previous = await this.redis.set(redisKey, claim, 'PX', inFlightTtlMs, 'NX', 'GET');
    if (previous === null) return { state: 'claimed' };
    const entry = decodeEntry(previous, redisKey);
    if (entry.fp !== fingerprint) return { state: 'mismatch' };
    if (entry.response === undefined) return { state: 'in-flight' };
    return { state: 'completed', response: entry.response };
  }

  async complete(
    scope: string,
    key: string,
    fingerprint: string,
    response: StoredResponse,
    ttlMs: number,
  ): Promise<CompleteResult> {
    assertStoreArguments(key, fingerprint, ttlMs);
    const redisKey = this.redisKey(scope, key);
    const entry: EncodedEntry = {
      v: 1,
      fp: fingerprint,
      state: 'completed',
      response: requireStoredResponse(response),
    };
    const outcome = await this.completeScript.run(
      redisKey,
      fingerprint,
      JSON.stringify(entry),
      String(ttlMs),
    );
    switch (outcome) {
      case 'stored':
      case 'already-completed':
      case 'mismatch':
        return outcome;
      default:
        throw new IdempotencyStoreError(`${redisKey} does not hold an idempotency entry`);
    }
  }

  async abandon(scope: string, key: string, fingerprint: string): Promise<boolean> {
    assertStoreArguments(key, fingerprint);
    const redisKey = this.redisKey(scope, key);
    const outcome = await this.abandonScript.run(redisKey, fingerprint);
    if (outcome === -1) throw new IdempotencyStoreError(`${redisKey} does not hold an idempotency entry`);
    return outcome === 1;
  }

  close(): Promise<void> {
    if (!this.ownsConnection) return Promise.resolve();
    // QUIT lets replies in flight arrive; a connection that is not up is simply dropped.
    this.closing ??=
      this.redis.status === 'ready'
        ? this.redis.quit().then(
            () => undefined,
            () => this.redis.disconnect(),
          )
        : Promise.resolve(this.redis.disconnect());
    return this.closing;
  }
}

/** Opens a connection for `redisUrl`, failing fast on a URL that is not a Redis URL. */
export function openRedisConnection(redisUrl: string, onConnectionError?: (error: Error) => void): Redis {
  let protocol: string;
  try {
    protocol = new URL(redisUrl).protocol;
  } catch {
    throw new Error('REDIS_URL is not a URL; expected redis://host:port or rediss://host:port');
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    // The URL may carry a password, so only its scheme is echoed.
    throw new Error(`REDIS_URL must use redis:// or rediss://, not ${protocol}//`);
  }
  // One retry per command: a request waits seconds at most for a Redis that is down, then fails.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', (error: Error) => onConnectionError?.(error));
  return redis;
}

/** Escapes `%` and `:` so that a scope never contains the `:` that ends it. */
export function escapeKeySegment(segment: string): string {
  return segment.replace(/[%:]/g, (ch) => (ch === '%' ? '%25' : '%3A'));
}

function decodeEntry(text: string, redisKey: string): EncodedEntry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null) {
    const { v, fp, state, response } = parsed as Record<string, unknown>;
    if (v === 1 && typeof fp === 'string') {
      if (state === 'in-flight') return { v, fp, state };
      const stored = state === 'completed' ? toStoredResponse(response) : undefined;
      if (stored !== undefined) return { v, fp, state: 'completed', response: stored };
    }
  }
  throw new IdempotencyStoreError(`${redisKey} does not hold an idempotency entry`);
}
