import { isIdempotencyKey } from './idempotency-key.js';

/** How long a completed request's response is replayed: 24 hours. */
export const IDEMPOTENCY_DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

/** The response replayed for a repeated request: status, the headers worth repeating, the body. */
export interface StoredResponse {
  status: number;
  /** Lower-case names; e.g. `content-type`, `location`. Never hop-by-hop or per-request headers. */
  headers: Readonly<Record<string, string>>;
  /** The body as sent (the gateway's responses are JSON text). */
  body: string;
}

/** What `complete` did. */
export type CompleteResult =
  /** The response is stored for replay. */
  | 'stored'
  /** The same fingerprint had already completed (the claim had expired and a retry finished first); the first response is kept. */
  | 'already-completed'
  /** The key now belongs to another fingerprint (this claim had expired); nothing was written. */
  | 'mismatch';

/**
 * One attempt's hold on a key (`claim`, `takeOver`). A claim never expires silently while its
 * write may have happened: it stays until it is completed, released, or taken over by a retry
 * that first looks for the write (see docs/reliability.md, "Exactly once").
 */
export interface IdempotencyClaim {
  /** Random id of this attempt: only its holder releases or marks it, and a takeover names it. */
  token: string;
  /** Epoch milliseconds at which this attempt claimed the key. */
  startedAt: number;
  /** Epoch milliseconds at which the first attempt claimed the key: every attempt wrote after it. */
  firstStartedAt: number;
  /** 1 for the first attempt, +1 for each takeover. */
  attempt: number;
  /**
   * Epoch milliseconds until which the holder is known to be alive: it renews the lease while
   * its write is pending. A lapsed lease means the holder died (or stalled) mid-request.
   */
  leaseUntil: number;
  /** The holder's write ended without knowing whether it landed (e.g. 503): a retry may take over now. */
  ambiguous: boolean;
}

/** What `claim` and `takeOver` found. */
export type ClaimResult =
  /** This request now holds the key; when `claim.attempt > 1` an earlier attempt may have written. */
  | { state: 'claimed'; claim: IdempotencyClaim }
  /** Another attempt of the same request holds the key; the caller judges whether it is stale. */
  | { state: 'held'; claim: IdempotencyClaim }
  | { state: 'completed'; response: StoredResponse }
  | { state: 'mismatch' };

/**
 * The Idempotency-Key store (draft-ietf-httpapi-idempotency-key-header). Every operation is
 * atomic per (scope, key). `scope` separates agencies and routes (see `idempotencyScope`); `key`
 * must satisfy `isIdempotencyKey`; `fingerprint` identifies the request (see `requestFingerprint`).
 */
export interface IdempotencyStore {
  /**
   * Stores the response of a claimed request for `ttlMs`. Never overwrites an entry of another
   * fingerprint, nor an earlier completion of the same one.
   */
  complete(
    scope: string,
    key: string,
    fingerprint: string,
    response: StoredResponse,
    ttlMs: number,
  ): Promise<CompleteResult>;
  /**
   * Claims the key for an attempt that may write (a claim with a token and start time, kept for
   * `ttlMs`), or reports who holds it.
   */
  claim(
    scope: string,
    key: string,
    fingerprint: string,
    ttlMs: number,
    leaseMs: number,
  ): Promise<ClaimResult>;
  /**
   * Replaces the claim whose token is `staleToken` by a new one for this attempt, keeping
   * `firstStartedAt`; if the key is no longer held by that claim, reports what holds it now.
   * Exactly one of several concurrent takeovers of the same claim wins.
   */
  takeOver(
    scope: string,
    key: string,
    fingerprint: string,
    staleToken: string,
    ttlMs: number,
    leaseMs: number,
  ): Promise<ClaimResult>;
  /** Extends the lease of the claim `token` to now + `leaseMs`. False if the key is not held by it. */
  renew(scope: string, key: string, fingerprint: string, token: string, leaseMs: number): Promise<boolean>;
  /** Marks the claim `token` ambiguous (its write may or may not have landed). False if not held. */
  markAmbiguous(scope: string, key: string, fingerprint: string, token: string): Promise<boolean>;
  /** Deletes the claim `token` (its attempt wrote nothing). False if the key is not held by it. */
  release(scope: string, key: string, fingerprint: string, token: string): Promise<boolean>;
  /** Releases the store's resources (the Redis connection it opened). */
  close(): Promise<void>;
}

/** A store failure the caller cannot fix by changing the request. */
export class IdempotencyStoreError extends Error {
  override readonly name: string = 'IdempotencyStoreError';
}

/**
 * The in-memory store holds as many unexpired entries as it may; the caller refuses the request
 * (503 with Retry-After) rather than forget a key and risk a second write on retry.
 */
export class IdempotencyStoreFullError extends IdempotencyStoreError {
  override readonly name: string = 'IdempotencyStoreFullError';
}

/** Throws on arguments no caller should pass, so they never reach storage. */
export function assertStoreArguments(key: string, fingerprint: string, ttlMs?: number): void {
  if (!isIdempotencyKey(key)) throw new RangeError('malformed idempotency key');
  if (fingerprint.length === 0) throw new RangeError('empty request fingerprint');
  if (ttlMs !== undefined && (!Number.isSafeInteger(ttlMs) || ttlMs <= 0)) {
    throw new RangeError(`TTL must be a positive whole number of milliseconds, got ${ttlMs}`);
  }
}

/** Checks a response's shape and returns a frozen copy holding only the known members. */
export function toStoredResponse(value: unknown): StoredResponse | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { status, headers, body } = value as Record<string, unknown>;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)
    return undefined;
  if (typeof body !== 'string') return undefined;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return undefined;
  const entries = Object.entries(headers);
  if (!entries.every((entry): entry is [string, string] => typeof entry[1] === 'string')) return undefined;
  // fromEntries defines properties, so a header named __proto__ stays data, not a prototype.
  return Object.freeze({ status, headers: Object.freeze(Object.fromEntries(entries)), body });
}

/** `toStoredResponse` for a caller's argument: a malformed response is a programming error. */
export function requireStoredResponse(response: StoredResponse): StoredResponse {
  const stored = toStoredResponse(response);
  if (stored === undefined)
    throw new RangeError('response must be { status: 100..599, headers: strings, body: string }');
  return stored;
}
