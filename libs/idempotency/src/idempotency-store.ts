import { isIdempotencyKey } from './idempotency-key.js';

/** How long a completed request's response is replayed: 24 hours. */
export const IDEMPOTENCY_DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * How long a claim holds without completion before another request may take the key over (a
 * replica that crashed mid-request must not block the key for a day). It must exceed the longest
 * a publish can take, Kafka retries included, or a slow first request and its retry both write.
 */
export const IDEMPOTENCY_DEFAULT_IN_FLIGHT_TTL_MS = 2 * 60 * 1000;

/** The response replayed for a repeated request: status, the headers worth repeating, the body. */
export interface StoredResponse {
  status: number;
  /** Lower-case names; e.g. `content-type`, `location`. Never hop-by-hop or per-request headers. */
  headers: Readonly<Record<string, string>>;
  /** The body as sent (the gateway's responses are JSON text). */
  body: string;
}

/** What `begin` found. */
export type BeginResult =
  /** The key was free and is now held by this request: process it, then `complete` or `abandon`. */
  | { state: 'claimed' }
  /** The same request is being processed elsewhere: 409. */
  | { state: 'in-flight' }
  /** The same request already completed: replay `response`, write nothing. */
  | { state: 'completed'; response: StoredResponse }
  /** The key was used with another request fingerprint (in flight or completed): 422. */
  | { state: 'mismatch' };

/** What `complete` did. */
export type CompleteResult =
  /** The response is stored for replay. */
  | 'stored'
  /** The same fingerprint had already completed (the claim had expired and a retry finished first); the first response is kept. */
  | 'already-completed'
  /** The key now belongs to another fingerprint (this claim had expired); nothing was written. */
  | 'mismatch';

/**
 * The Idempotency-Key store (draft-ietf-httpapi-idempotency-key-header). Every operation is
 * atomic per (scope, key). `scope` separates agencies and routes (see `idempotencyScope`); `key`
 * must satisfy `isIdempotencyKey`; `fingerprint` identifies the request (see `requestFingerprint`).
 */
export interface IdempotencyStore {
  /** Claims the key for `inFlightTtlMs`, or reports who holds it. */
  begin(scope: string, key: string, fingerprint: string, inFlightTtlMs: number): Promise<BeginResult>;
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
   * Releases an in-flight claim of `fingerprint` whose request failed without a durable effect
   * (e.g. 503 from Kafka), so a retry may proceed. True when a claim was released; a completed
   * entry or another fingerprint's entry is left alone.
   */
  abandon(scope: string, key: string, fingerprint: string): Promise<boolean>;
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
