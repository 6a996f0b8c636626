import { randomUUID } from 'node:crypto';
import type {
  ClaimResult,
  CompleteResult,
  IdempotencyClaim,
  IdempotencyStore,
  StoredResponse,
} from './idempotency-store.js';
import {
  IdempotencyStoreFullError,
  assertStoreArguments,
  requireStoredResponse,
} from './idempotency-store.js';

export interface InMemoryIdempotencyStoreOptions {
  /** Epoch milliseconds; `Date.now` unless a test injects a clock. */
  now?: () => number;
  /** Bound on entries, in flight and completed. */
  maxEntries?: number;
  /** Bound on the characters held (keys, fingerprints, bodies, headers): a batch response can be large. */
  maxChars?: number;
  /** Expired entries are swept at most this often (milliseconds). */
  sweepIntervalMs?: number;
}

interface EntryCommon {
  fingerprint: string;
  expiresAtMs: number;
  chars: number;
}

/** In flight: the attempt holding the key. */
interface HeldEntry extends EntryCommon {
  claim: IdempotencyClaim;
  response?: undefined;
}

/** Answered: the response replayed to a retry. */
interface CompletedEntry extends EntryCommon {
  response: StoredResponse;
  claim?: undefined;
}

type Entry = HeldEntry | CompletedEntry;

/**
 * A single-replica `IdempotencyStore`: a map whose entries expire, swept periodically. Full of
 * unexpired entries, it refuses new claims (`IdempotencyStoreFullError`) rather than evict: an
 * evicted key would let a retry write a second time. Several replicas need `RedisIdempotencyStore`.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly maxEntries: number;
  private readonly maxChars: number;
  private readonly sweepIntervalMs: number;
  private chars = 0;
  private lastSweep = 0;

  constructor(options: InMemoryIdempotencyStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.maxChars = options.maxChars ?? 64 * 1024 * 1024;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 10_000;
  }

  /** Number of entries held (expired ones included until the next sweep). */
  get size(): number {
    return this.entries.size;
  }

  complete(
    scope: string,
    key: string,
    fingerprint: string,
    response: StoredResponse,
    ttlMs: number,
  ): Promise<CompleteResult> {
    return settle((): CompleteResult => {
      assertStoreArguments(key, fingerprint, ttlMs);
      const stored = requireStoredResponse(response);
      const id = entryId(scope, key);
      const nowMs = this.now();
      const existing = this.live(id, nowMs);
      if (existing !== undefined && existing.fingerprint !== fingerprint) return 'mismatch';
      if (existing?.response !== undefined) return 'already-completed';
      // The request has had its effect, so its response is kept even beyond the size bound.
      const chars = id.length + fingerprint.length + responseChars(stored);
      this.put(id, { fingerprint, expiresAtMs: nowMs + ttlMs, response: stored, chars });
      return 'stored';
    });
  }

  claim(
    scope: string,
    key: string,
    fingerprint: string,
    ttlMs: number,
    leaseMs: number,
  ): Promise<ClaimResult> {
    return settle((): ClaimResult => {
      assertStoreArguments(key, fingerprint, ttlMs);
      assertStoreArguments(key, fingerprint, leaseMs);
      const id = entryId(scope, key);
      const nowMs = this.now();
      const existing = this.live(id, nowMs);
      if (existing !== undefined) return this.found(existing, fingerprint);
      return this.claimNow(id, fingerprint, ttlMs, leaseMs, nowMs);
    });
  }

  takeOver(
    scope: string,
    key: string,
    fingerprint: string,
    staleToken: string,
    ttlMs: number,
    leaseMs: number,
  ): Promise<ClaimResult> {
    return settle((): ClaimResult => {
      assertStoreArguments(key, fingerprint, ttlMs);
      assertStoreArguments(key, fingerprint, leaseMs);
      const id = entryId(scope, key);
      const nowMs = this.now();
      const existing = this.live(id, nowMs);
      // Released or expired meanwhile: the key is free, so this is a first claim again.
      if (existing === undefined) return this.claimNow(id, fingerprint, ttlMs, leaseMs, nowMs);
      if (
        existing.fingerprint !== fingerprint ||
        existing.claim === undefined ||
        existing.claim.token !== staleToken
      ) {
        return this.found(existing, fingerprint);
      }
      const held = existing.claim;
      const claim = newClaim(nowMs, held.firstStartedAt, held.attempt + 1, leaseMs);
      this.put(id, { ...existing, expiresAtMs: nowMs + ttlMs, claim, chars: existing.chars });
      return { state: 'claimed', claim };
    });
  }

  renew(scope: string, key: string, fingerprint: string, token: string, leaseMs: number): Promise<boolean> {
    return settle((): boolean => {
      assertStoreArguments(key, fingerprint, leaseMs);
      const nowMs = this.now();
      const existing = this.live(entryId(scope, key), nowMs);
      if (!this.holds(existing, fingerprint, token)) return false;
      existing.claim = { ...existing.claim, leaseUntil: nowMs + leaseMs };
      return true;
    });
  }

  markAmbiguous(scope: string, key: string, fingerprint: string, token: string): Promise<boolean> {
    return settle((): boolean => {
      assertStoreArguments(key, fingerprint);
      const existing = this.live(entryId(scope, key), this.now());
      if (!this.holds(existing, fingerprint, token)) return false;
      existing.claim = { ...existing.claim, ambiguous: true };
      return true;
    });
  }

  release(scope: string, key: string, fingerprint: string, token: string): Promise<boolean> {
    return settle((): boolean => {
      assertStoreArguments(key, fingerprint);
      const id = entryId(scope, key);
      if (!this.holds(this.live(id, this.now()), fingerprint, token)) return false;
      this.remove(id);
      return true;
    });
  }

  close(): Promise<void> {
    this.entries.clear();
    this.chars = 0;
    return Promise.resolve();
  }

  /** Drops every expired entry. */
  sweep(nowMs: number = this.now()): void {
    this.lastSweep = nowMs;
    for (const [id, entry] of this.entries) {
      if (entry.expiresAtMs <= nowMs) this.remove(id);
    }
  }

  private claimNow(
    id: string,
    fingerprint: string,
    ttlMs: number,
    leaseMs: number,
    nowMs: number,
  ): ClaimResult {
    const chars = id.length + fingerprint.length + CLAIM_CHARS;
    if (this.wouldOverflow(chars, nowMs)) {
      throw new IdempotencyStoreFullError(`idempotency store holds ${this.entries.size} unexpired entries`);
    }
    const claim = newClaim(nowMs, nowMs, 1, leaseMs);
    this.put(id, { fingerprint, expiresAtMs: nowMs + ttlMs, claim, chars });
    return { state: 'claimed', claim };
  }

  private found(existing: Entry, fingerprint: string): ClaimResult {
    if (existing.fingerprint !== fingerprint) return { state: 'mismatch' };
    if (existing.response !== undefined) return { state: 'completed', response: existing.response };
    return { state: 'held', claim: existing.claim };
  }

  private holds(entry: Entry | undefined, fingerprint: string, token: string): entry is HeldEntry {
    return entry !== undefined && entry.fingerprint === fingerprint && entry.claim?.token === token;
  }

  private live(id: string, nowMs: number): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.expiresAtMs > nowMs) return entry;
    this.remove(id);
    return undefined;
  }

  private wouldOverflow(chars: number, nowMs: number): boolean {
    const full = (): boolean => this.entries.size >= this.maxEntries || this.chars + chars > this.maxChars;
    if (nowMs - this.lastSweep >= this.sweepIntervalMs || full()) this.sweep(nowMs);
    return full();
  }

  private put(id: string, entry: Entry): void {
    this.remove(id);
    this.entries.set(id, entry);
    this.chars += entry.chars;
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    this.chars -= entry.chars;
  }
}

/** Rough size of a claim's token and times, for the character bound. */
const CLAIM_CHARS = 64;

function newClaim(
  startedAt: number,
  firstStartedAt: number,
  attempt: number,
  leaseMs: number,
): IdempotencyClaim {
  return {
    token: randomUUID(),
    startedAt,
    firstStartedAt,
    attempt,
    leaseUntil: startedAt + leaseMs,
    ambiguous: false,
  };
}

/** Runs synchronous store logic behind the interface's promise: a throw becomes a rejection. */
function settle<T>(operation: () => T): Promise<T> {
  try {
    return Promise.resolve(operation());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** JSON keeps scope and key apart whatever characters they hold. */
function entryId(scope: string, key: string): string {
  return JSON.stringify([scope, key]);
}

function responseChars(response: StoredResponse): number {
  let chars = response.body.length;
  for (const [name, value] of Object.entries(response.headers)) chars += name.length + value.length;
  return chars;
}
