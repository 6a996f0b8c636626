import { describe, expect, it } from '@jest/globals';
import { describeIdempotencyStoreContract, RECEIPT_RESPONSE } from './idempotency-store.contract.util.js';
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

const shared = new InMemoryIdempotencyStore();
describeIdempotencyStoreContract('InMemoryIdempotencyStore', () => shared);

describe('InMemoryIdempotencyStore', () => {
  it('expires claims and completions by its clock', async () => {
    const clock = new TestClock();
    const store = new InMemoryIdempotencyStore({ now: clock.now });
    await store.begin('s', 'k', FP, 1000);
    clock.advance(999);
    expect(await store.begin('s', 'k', FP, 1000)).toEqual({ state: 'in-flight' });
    clock.advance(1);
    expect(await store.begin('s', 'k', FP, 1000)).toEqual({ state: 'claimed' });
    await store.complete('s', 'k', FP, RECEIPT_RESPONSE, 5000);
    clock.advance(4999);
    expect((await store.begin('s', 'k', FP, 1000)).state).toBe('completed');
    clock.advance(1);
    expect(await store.begin('s', 'k', FP, 1000)).toEqual({ state: 'claimed' });
  });

  it('sweeps expired entries away', async () => {
    const clock = new TestClock();
    const store = new InMemoryIdempotencyStore({ now: clock.now, sweepIntervalMs: 1000 });
    await store.begin('s', 'a', FP, 500);
    await store.begin('s', 'b', FP, 60_000);
    clock.advance(1000);
    await store.begin('s', 'c', FP, 60_000);
    expect(store.size).toBe(2);
  });

  it('refuses new claims rather than evict when full of unexpired entries', async () => {
    const clock = new TestClock();
    const store = new InMemoryIdempotencyStore({ now: clock.now, maxEntries: 2 });
    await store.begin('s', 'a', FP, 1000);
    await store.begin('s', 'b', FP, 60_000);
    await expect(store.begin('s', 'c', FP, 1000)).rejects.toBeInstanceOf(IdempotencyStoreFullError);
    // What it holds still answers, and a completion is never refused.
    expect(await store.begin('s', 'a', FP, 1000)).toEqual({ state: 'in-flight' });
    expect(await store.complete('s', 'b', FP, RECEIPT_RESPONSE, 60_000)).toBe('stored');
    clock.advance(1000);
    expect(await store.begin('s', 'c', FP, 1000)).toEqual({ state: 'claimed' });
  });

  it('bounds the characters it holds, bodies included', async () => {
    const clock = new TestClock();
    const store = new InMemoryIdempotencyStore({ now: clock.now, maxChars: 2000 });
    await store.begin('s', 'a', FP, 1000);
    await store.complete('s', 'a', FP, { ...RECEIPT_RESPONSE, body: 'x'.repeat(1900) }, 1000);
    await expect(store.begin('s', 'b', FP, 1000)).rejects.toBeInstanceOf(IdempotencyStoreFullError);
    clock.advance(1000);
    expect(await store.begin('s', 'b', FP, 1000)).toEqual({ state: 'claimed' });
  });

  it('releases its memory accounting when entries are replaced, abandoned or closed', async () => {
    const store = new InMemoryIdempotencyStore({ maxChars: 3000 });
    for (let i = 0; i < 20; i++) {
      const key = `k-${i}`;
      await store.begin('s', key, FP, 60_000);
      expect(await store.abandon('s', key, FP)).toBe(true);
    }
    await store.begin('s', 'big', FP, 60_000);
    await store.complete('s', 'big', FP, { ...RECEIPT_RESPONSE, body: 'x'.repeat(2500) }, 60_000);
    await store.close();
    expect(store.size).toBe(0);
    await store.begin('s', 'big', FP, 60_000);
    await store.complete('s', 'big', FP, { ...RECEIPT_RESPONSE, body: 'x'.repeat(2500) }, 60_000);
    expect(store.size).toBe(1);
  });
});
