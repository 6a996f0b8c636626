import { describe, expect, it } from '@jest/globals';
import {
  describeIdempotencyStoreContract,
  RECEIPT_RESPONSE,
} from '../../../test/support/idempotency-store.contract.util.js';
import { IdempotencyStoreFullError } from './idempotency-store.js';
import { InMemoryIdempotencyStore } from './in-memory-idempotency-store.js';

/** A clock a test moves by hand. */
class TestClock {
  ms = Date.UTC(2026, 0, 15, 8, 0, 0);
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

const FP = 'fingerprint-1';
const LEASE_MS = 1000;

/** What a claim of `key` finds. */
async function stateOf(store: InMemoryIdempotencyStore, key: string, ttlMs: number): Promise<string> {
  return (await store.claim('s', key, FP, ttlMs, LEASE_MS)).state;
}

const shared = new InMemoryIdempotencyStore();
describeIdempotencyStoreContract('InMemoryIdempotencyStore', () => shared);

describe('InMemoryIdempotencyStore', () => {
  it('expires claims and completions by its clock', async () => {
    const clock = new TestClock();
    const store = new InMemoryIdempotencyStore({ now: clock.now });
    await store.claim('s', 'k', FP, 1000, LEASE_MS);
    clock.advance(999);
    expect(await stateOf(store, 'k', 1000)).toBe('held');
    clock.advance(1);
    expect(await stateOf(store, 'k', 1000)).toBe('claimed');
    await store.complete('s', 'k', FP, RECEIPT_RESPONSE, 5000);
    clock.advance(4999);
    expect(await stateOf(store, 'k', 1000)).toBe('completed');
    clock.advance(1);
    expect(await stateOf(store, 'k', 1000)).toBe('claimed');
  });

  it('sweeps expired entries away', async () => {
    const clock = new TestClock();
    const store = new InMemoryIdempotencyStore({ now: clock.now, sweepIntervalMs: 1000 });
    await store.claim('s', 'a', FP, 500, LEASE_MS);
    await store.claim('s', 'b', FP, 60_000, LEASE_MS);
    clock.advance(1000);
    await store.claim('s', 'c', FP, 60_000, LEASE_MS);
    expect(store.size).toBe(2);
  });

  it('refuses new claims rather than evict when full of unexpired entries', async () => {
    const clock = new TestClock();
    const store = new InMemoryIdempotencyStore({ now: clock.now, maxEntries: 2 });
    await store.claim('s', 'a', FP, 1000, LEASE_MS);
    await store.claim('s', 'b', FP, 60_000, LEASE_MS);
    await expect(store.claim('s', 'c', FP, 1000, LEASE_MS)).rejects.toBeInstanceOf(IdempotencyStoreFullError);
    // What it holds still answers, and a completion is never refused.
    expect(await stateOf(store, 'a', 1000)).toBe('held');
    expect(await store.complete('s', 'b', FP, RECEIPT_RESPONSE, 60_000)).toBe('stored');
    clock.advance(1000);
    expect(await stateOf(store, 'c', 1000)).toBe('claimed');
  });

  it('bounds the characters it holds, bodies included', async () => {
    const clock = new TestClock();
    const store = new InMemoryIdempotencyStore({ now: clock.now, maxChars: 2000 });
    await store.claim('s', 'a', FP, 1000, LEASE_MS);
    await store.complete('s', 'a', FP, { ...RECEIPT_RESPONSE, body: 'x'.repeat(1900) }, 1000);
    await expect(store.claim('s', 'b', FP, 1000, LEASE_MS)).rejects.toBeInstanceOf(IdempotencyStoreFullError);
    clock.advance(1000);
    expect(await stateOf(store, 'b', 1000)).toBe('claimed');
  });

  it('releases its memory accounting when entries are replaced, released or closed', async () => {
    const store = new InMemoryIdempotencyStore({ maxChars: 3000 });
    for (let i = 0; i < 20; i++) {
      const key = `k-${i}`;
      const claimed = await store.claim('s', key, FP, 60_000, LEASE_MS);
      if (claimed.state !== 'claimed') throw new Error(claimed.state);
      expect(await store.release('s', key, FP, claimed.claim.token)).toBe(true);
    }
    await store.claim('s', 'big', FP, 60_000, LEASE_MS);
    await store.complete('s', 'big', FP, { ...RECEIPT_RESPONSE, body: 'x'.repeat(2500) }, 60_000);
    await store.close();
    expect(store.size).toBe(0);
    await store.claim('s', 'big', FP, 60_000, LEASE_MS);
    await store.complete('s', 'big', FP, { ...RECEIPT_RESPONSE, body: 'x'.repeat(2500) }, 60_000);
    expect(store.size).toBe(1);
  });
});
