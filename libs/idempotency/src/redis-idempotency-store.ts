import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type {
  ClaimResult,
  CompleteResult,
  IdempotencyClaim,
  IdempotencyStore,
  StoredResponse,
} from './idempotency-store.js';
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
 * `{"v":1,"fp":…,"state":"in-flight","tok":"<token>","t0":<ms>,"t1":<ms>,"n":<attempt>,"lu":<ms>[,"amb":1]}`
 * (a claim: this attempt's start, the first attempt's start, the lease, ambiguous once marked), then
 * `{"v":1,"fp":"<fingerprint>","state":"completed","response":{status,headers,body}}`.
 */
type EncodedEntry = EncodedClaim | EncodedCompletion;

interface EncodedClaim {
  v: 1;
  fp: string;
  state: 'in-flight';
  response?: undefined;
  tok: string;
  t0: number;
  t1: number;
  n: number;
  lu: number;
  amb?: 1;
}

interface EncodedCompletion {
  v: 1;
  fp: string;
  state: 'completed';
  response: StoredResponse;
}

// Lua runs atomically in Redis, so the fingerprint check and the write cannot interleave with
// another replica's claim or completion (Redis `EVAL`, "Atomicity of scripts").
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

// A takeover replaces the claim only if it still is the stale one named by its token, keeping
// the first attempt's start (t1); a key found free is claimed afresh (ARGV[6]).
const TAKE_OVER_LUA = `
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[6], 'PX', ARGV[5])
  return {1, ARGV[6]}
end
local ok, entry = pcall(cjson.decode, current)
if not ok or type(entry) ~= 'table' then return {-1, current} end
if entry.fp ~= ARGV[1] or entry.state ~= 'in-flight' or entry.tok ~= ARGV[2] then
  return {0, current}
end
entry.tok = ARGV[3]
entry.t0 = tonumber(ARGV[4])
entry.n = entry.n + 1
entry.lu = tonumber(ARGV[4]) + tonumber(ARGV[7])
entry.amb = nil
local encoded = cjson.encode(entry)
redis.call('SET', KEYS[1], encoded, 'PX', ARGV[5])
return {1, encoded}
`;

// Marks ambiguous (ARGV[3] = 'mark'), renews until ARGV[4] ('renew') or deletes ('release') the
// claim held by token ARGV[2].
const SETTLE_CLAIM_LUA = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, entry = pcall(cjson.decode, current)
if not ok or type(entry) ~= 'table' then return -1 end
if entry.fp ~= ARGV[1] or entry.state ~= 'in-flight' or entry.tok ~= ARGV[2] then return 0 end
if ARGV[3] == 'release' then
  redis.call('DEL', KEYS[1])
  return 1
end
if ARGV[3] == 'renew' then entry.lu = tonumber(ARGV[4]) else entry.amb = 1 end
redis.call('SET', KEYS[1], cjson.encode(entry), 'KEEPTTL')
return 1
`;

/**
 * An `IdempotencyStore` in Redis (7 or later), shared by every gateway replica. `claim` is one
 * `SET key <in-flight> PX ttl NX GET`: it claims a free key, or returns the entry holding it,
 * atomically and in one round trip. The other writes are Lua scripts that compare the
 * fingerprint (and the claim's token) before writing.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly keyPrefix: string;
  private readonly redis: Redis;
  private readonly ownsConnection: boolean;
  private readonly completeScript: RedisScript;
  private readonly takeOverScript: RedisScript;
  private readonly settleClaimScript: RedisScript;
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
    this.takeOverScript = new RedisScript(this.redis, TAKE_OVER_LUA);
    this.settleClaimScript = new RedisScript(this.redis, SETTLE_CLAIM_LUA);
  }

  /** The Redis key of an entry: the scope is escaped so that its first unescaped `:` ends it. */
  redisKey(scope: string, key: string): string {
    return `${this.keyPrefix}${escapeKeySegment(scope)}:${key}`;
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
    const entry: EncodedCompletion = {
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

  async claim(
    scope: string,
    key: string,
    fingerprint: string,
    ttlMs: number,
    leaseMs: number,
  ): Promise<ClaimResult> {
    assertStoreArguments(key, fingerprint, ttlMs);
    assertStoreArguments(key, fingerprint, leaseMs);
    const redisKey = this.redisKey(scope, key);
    const fresh = freshClaim(fingerprint, Date.now(), leaseMs);
    const previous = await this.redis.set(redisKey, JSON.stringify(fresh), 'PX', ttlMs, 'NX', 'GET');
    if (previous === null) return { state: 'claimed', claim: claimOf(fresh) };
    return found(decodeEntry(previous, redisKey), fingerprint);
  }

  async takeOver(
    scope: string,
    key: string,
    fingerprint: string,
    staleToken: string,
    ttlMs: number,
    leaseMs: number,
  ): Promise<ClaimResult> {
    assertStoreArguments(key, fingerprint, ttlMs);
    assertStoreArguments(key, fingerprint, leaseMs);
    const redisKey = this.redisKey(scope, key);
    const nowMs = Date.now();
    const outcome = (await this.takeOverScript.run(
      redisKey,
      fingerprint,
      staleToken,
      randomUUID(),
      String(nowMs),
      String(ttlMs),
      JSON.stringify(freshClaim(fingerprint, nowMs, leaseMs)),
      String(leaseMs),
    )) as [number, string];
    const entry = decodeEntry(outcome[1], redisKey);
    if (outcome[0] === 1 && entry.state === 'in-flight') return { state: 'claimed', claim: claimOf(entry) };
    return found(entry, fingerprint);
  }

  async renew(
    scope: string,
    key: string,
    fingerprint: string,
    token: string,
    leaseMs: number,
  ): Promise<boolean> {
    assertStoreArguments(key, fingerprint, leaseMs);
    return this.settleClaim(scope, key, fingerprint, token, 'renew', Date.now() + leaseMs);
  }

  async markAmbiguous(scope: string, key: string, fingerprint: string, token: string): Promise<boolean> {
    return this.settleClaim(scope, key, fingerprint, token, 'mark');
  }

  async release(scope: string, key: string, fingerprint: string, token: string): Promise<boolean> {
    return this.settleClaim(scope, key, fingerprint, token, 'release');
  }

  private async settleClaim(
    scope: string,
    key: string,
    fingerprint: string,
    token: string,
    action: 'mark' | 'renew' | 'release',
    leaseUntil = 0,
  ): Promise<boolean> {
    assertStoreArguments(key, fingerprint);
    const redisKey = this.redisKey(scope, key);
    const outcome = await this.settleClaimScript.run(
      redisKey,
      fingerprint,
      token,
      action,
      String(leaseUntil),
    );
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
      const claim = state === 'in-flight' ? decodeClaim(parsed as Record<string, unknown>, fp) : undefined;
      if (claim !== undefined) return claim;
      const stored = state === 'completed' ? toStoredResponse(response) : undefined;
      if (stored !== undefined) return { v, fp, state: 'completed', response: stored };
    }
  }
  throw new IdempotencyStoreError(`${redisKey} does not hold an idempotency entry`);
}

/** A claim with its token, times and lease; anything less is not one of our entries. */
function decodeClaim(entry: Record<string, unknown>, fp: string): EncodedClaim | undefined {
  const { tok, t0, t1, n, lu, amb } = entry;
  if (typeof tok !== 'string' || typeof t0 !== 'number' || typeof t1 !== 'number') return undefined;
  if (typeof n !== 'number' || typeof lu !== 'number') return undefined;
  return { v: 1, fp, state: 'in-flight', tok, t0, t1, n, lu, ...((amb === 1 || amb === true) && { amb: 1 }) };
}

function freshClaim(fingerprint: string, nowMs: number, leaseMs: number): EncodedClaim {
  const tok = randomUUID();
  return { v: 1, fp: fingerprint, state: 'in-flight', tok, t0: nowMs, t1: nowMs, n: 1, lu: nowMs + leaseMs };
}

function claimOf(entry: EncodedClaim): IdempotencyClaim {
  return {
    token: entry.tok,
    startedAt: entry.t0,
    firstStartedAt: entry.t1,
    attempt: entry.n,
    leaseUntil: entry.lu,
    ambiguous: entry.amb === 1,
  };
}

function found(entry: EncodedEntry, fingerprint: string): ClaimResult {
  if (entry.fp !== fingerprint) return { state: 'mismatch' };
  if (entry.response !== undefined) return { state: 'completed', response: entry.response };
  return { state: 'held', claim: claimOf(entry) };
}
