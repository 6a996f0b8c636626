import { describe, expect, it } from '@jest/globals';
import { InMemoryJtiStore, JtiStoreFullError } from './jti-store.js';
import { AGENCY_A, AGENCY_B, TestClock } from './test-fixtures.util.js';

describe('InMemoryJtiStore', () => {
  it('accepts an id once per agency', async () => {
    const clock = new TestClock();
    const store = new InMemoryJtiStore({ now: clock.now });
    const exp = clock.seconds + 60;
    expect(await store.remember('j-1', AGENCY_A, exp)).toBe(true);
    expect(await store.remember('j-1', AGENCY_A, exp)).toBe(false);
    expect(await store.remember('j-1', AGENCY_B, exp)).toBe(true);
  });

  it('does not confuse agency and id boundaries', async () => {
    const clock = new TestClock();
    const store = new InMemoryJtiStore({ now: clock.now });
    expect(await store.remember('b', 'a.', clock.seconds + 60)).toBe(true);
    expect(await store.remember('.b', 'a', clock.seconds + 60)).toBe(true);
  });

  it('forgets ids once they expire, and sweeps them away', async () => {
    const clock = new TestClock();
    const store = new InMemoryJtiStore({ now: clock.now, sweepIntervalMs: 1000 });
    await store.remember('j-1', AGENCY_A, clock.seconds + 60);
    await store.remember('j-2', AGENCY_A, clock.seconds + 600);
    clock.advance(61);
    await store.remember('j-3', AGENCY_A, clock.seconds + 60);
    expect(store.size).toBe(2);
    expect(await store.remember('j-1', AGENCY_A, clock.seconds + 60)).toBe(true);
  });

  it('refuses rather than evicts when full of unexpired ids', async () => {
    const clock = new TestClock();
    const store = new InMemoryJtiStore({ now: clock.now, maxEntries: 2 });
    await store.remember('j-1', AGENCY_A, clock.seconds + 60);
    await store.remember('j-2', AGENCY_A, clock.seconds + 60);
    await expect(store.remember('j-3', AGENCY_A, clock.seconds + 60)).rejects.toBeInstanceOf(
      JtiStoreFullError,
    );
    expect(await store.remember('j-1', AGENCY_A, clock.seconds + 60)).toBe(false);
    clock.advance(61);
    expect(await store.remember('j-3', AGENCY_A, clock.seconds + 60)).toBe(true);
  });
});
