// The behaviour every IdempotencyStore shares, run by the spec of each implementation against
// real time (short TTLs, polled with a deadline, never a fixed sleep). It lives outside libs/
// so that the build (swc over apps and libs) never compiles a jest import into dist.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { ClaimResult, IdempotencyStore, StoredResponse } from '@lienthong/idempotency';
import { idempotencyScope, requestFingerprint } from '@lienthong/idempotency';
import { pollUntil } from './poll-until.util.js';

const LONG_MS = 60_000;
/** Short enough to wait for, long enough that a slow machine still sees the entry first. */
const SHORT_MS = 500;
const EXPIRY_DEADLINE_MS = 10_000;
const LEASE_MS = 15_000;

export const AGENCY_A = '000.00.00.G12';
export const AGENCY_B = '000.00.00.H31';

export const RECEIPT_RESPONSE: StoredResponse = {
  status: 202,
  headers: { 'content-type': 'application/json', location: '/v1/messages/ho-tich.khai-sinh/0190' },
  body: JSON.stringify({ messageId: '0190e1c2', receipt: 'eyJ...', note: 'Đã tiếp nhận hồ sơ khai sinh' }),
};

/** A scope of its own for each test, so tests never share keys. */
function freshScope(agencyId = AGENCY_A): string {
  return idempotencyScope(agencyId, 'POST', `/v1/messages/t-${randomUUID()}`);
}

function fingerprintOf(body: string): string {
  return requestFingerprint('POST', '/v1/messages/ho-tich.khai-sinh', new TextEncoder().encode(body));
}

const FP_1 = fingerprintOf('{"soDinhDanh":"001099000001"}');
const FP_2 = fingerprintOf('{"soDinhDanh":"001099000002"}');

/** Registers the shared suite; `store()` returns the store under test (set up by the caller). */
export function describeIdempotencyStoreContract(name: string, store: () => IdempotencyStore): void {
  /** A claim with a long lease: what a first attempt does. */
  const claim = (scope: string, key: string, fingerprint: string, ttlMs: number): Promise<ClaimResult> =>
    store().claim(scope, key, fingerprint, ttlMs, LEASE_MS);
  /** The state a claim of `fingerprint` finds, with the claim itself left out. */
  const stateOf = async (scope: string, key: string, fingerprint: string, ttlMs = LONG_MS): Promise<string> =>
    (await claim(scope, key, fingerprint, ttlMs)).state;
  /** Polls until a claim of `fingerprint` on `key-1` succeeds: what held the key expired. */
  const untilClaimable = (scope: string, fingerprint: string, description: string): Promise<unknown> =>
    pollUntil(async () => (await stateOf(scope, 'key-1', fingerprint)) === 'claimed', {
      timeoutMs: EXPIRY_DEADLINE_MS,
      description,
    });
  /** A claim of `fingerprint` on `key-1` finds the receipt stored for it. */
  const expectReplay = async (scope: string, fingerprint: string): Promise<void> => {
    expect(await claim(scope, 'key-1', fingerprint, LONG_MS)).toEqual({
      state: 'completed',
      response: RECEIPT_RESPONSE,
    });
  };

  describe(`${name} (IdempotencyStore contract)`, () => {
    it('claims a fresh key, then replays the completed response for the same request', async () => {
      const scope = freshScope();
      expect(await stateOf(scope, 'key-1', FP_1)).toBe('claimed');
      expect(await store().complete(scope, 'key-1', FP_1, RECEIPT_RESPONSE, LONG_MS)).toBe('stored');
      for (let i = 0; i < 2; i++) {
        await expectReplay(scope, FP_1);
      }
    });

    it('reports a mismatch for another request under a completed key, and keeps the original', async () => {
      const scope = freshScope();
      await claim(scope, 'key-1', FP_1, LONG_MS);
      await store().complete(scope, 'key-1', FP_1, RECEIPT_RESPONSE, LONG_MS);
      expect(await claim(scope, 'key-1', FP_2, LONG_MS)).toEqual({ state: 'mismatch' });
      await expectReplay(scope, FP_1);
    });

    it('reports the claim held for the same request and a mismatch for another while the first runs', async () => {
      const scope = freshScope();
      await claim(scope, 'key-1', FP_1, LONG_MS);
      expect(await stateOf(scope, 'key-1', FP_1)).toBe('held');
      expect(await claim(scope, 'key-1', FP_2, LONG_MS)).toEqual({ state: 'mismatch' });
    });

    it('lets exactly one of many concurrent identical requests claim the key', async () => {
      const scope = freshScope();
      const results = await Promise.all(
        Array.from({ length: 16 }, () => claim(scope, 'key-1', FP_1, LONG_MS)),
      );
      expect(results.filter((r) => r.state === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.state === 'held')).toHaveLength(15);
    });

    it('lets exactly one of two concurrent different requests claim the key', async () => {
      const scope = freshScope();
      const [first, second] = await Promise.all([
        claim(scope, 'key-1', FP_1, LONG_MS),
        claim(scope, 'key-1', FP_2, LONG_MS),
      ]);
      expect([first.state, second.state].sort()).toEqual(['claimed', 'mismatch']);
    });

    it('keeps agencies, routes and keys apart', async () => {
      const route = `/v1/messages/t-${randomUUID()}`;
      const scopes = [
        idempotencyScope(AGENCY_A, 'POST', route),
        idempotencyScope(AGENCY_B, 'POST', route),
        idempotencyScope(AGENCY_A, 'POST', `${route}/batch`),
      ];
      for (const scope of scopes) {
        expect(await stateOf(scope, 'key-1', FP_1)).toBe('claimed');
        expect(await stateOf(scope, 'key-2', FP_1)).toBe('claimed');
      }
    });

    it('does not confuse the boundary between scope and key', async () => {
      const base = `t-${randomUUID()}`;
      expect(await stateOf(`${base}:a`, 'b', FP_1)).toBe('claimed');
      expect(await stateOf(base, 'a:b', FP_1)).toBe('claimed');
      expect(await stateOf(`${base}%3Aa`, 'b', FP_1)).toBe('claimed');
    });

    it('lets a claim expire after its TTL, so a key is not held for ever', async () => {
      const scope = freshScope();
      expect(await stateOf(scope, 'key-1', FP_1, SHORT_MS)).toBe('claimed');
      expect(await stateOf(scope, 'key-1', FP_1)).toBe('held');
      await untilClaimable(scope, FP_1, 'expired claim taken over');
    });

    it('forgets a completed entry after its TTL', async () => {
      const scope = freshScope();
      await claim(scope, 'key-1', FP_1, LONG_MS);
      await store().complete(scope, 'key-1', FP_1, RECEIPT_RESPONSE, SHORT_MS);
      expect(await stateOf(scope, 'key-1', FP_2)).toBe('mismatch');
      await untilClaimable(scope, FP_2, 'completed entry expired');
    });

    it('never lets a late completion overwrite the entry of another fingerprint', async () => {
      const scope = freshScope();
      await claim(scope, 'key-1', FP_1, SHORT_MS);
      await untilClaimable(scope, FP_2, 'expired claim taken over by another request');
      const late: StoredResponse = { ...RECEIPT_RESPONSE, body: '{"late":true}' };
      expect(await store().complete(scope, 'key-1', FP_1, late, LONG_MS)).toBe('mismatch');
      expect(await store().complete(scope, 'key-1', FP_2, RECEIPT_RESPONSE, LONG_MS)).toBe('stored');
      expect(await store().complete(scope, 'key-1', FP_1, late, LONG_MS)).toBe('mismatch');
      await expectReplay(scope, FP_2);
    });

    it('keeps the first response when the same request completes twice', async () => {
      const scope = freshScope();
      await claim(scope, 'key-1', FP_1, LONG_MS);
      await store().complete(scope, 'key-1', FP_1, RECEIPT_RESPONSE, LONG_MS);
      const second: StoredResponse = { ...RECEIPT_RESPONSE, body: '{"second":true}' };
      expect(await store().complete(scope, 'key-1', FP_1, second, LONG_MS)).toBe('already-completed');
      await expectReplay(scope, FP_1);
    });

    it('stores a completion whose claim already expired, as its effect happened', async () => {
      const scope = freshScope();
      expect(await store().complete(scope, 'key-1', FP_1, RECEIPT_RESPONSE, LONG_MS)).toBe('stored');
      expect(await stateOf(scope, 'key-1', FP_1)).toBe('completed');
    });

    it('replays exactly what was stored, unaffected by later changes to the caller’s object', async () => {
      const scope = freshScope();
      const response = {
        status: 422,
        headers: { 'content-type': 'application/problem+json', 'content-language': 'vi' },
        body: '{"code":"validation-failed","title":"Bản ghi không khớp với lược đồ"}',
      };
      await claim(scope, 'key-1', FP_1, LONG_MS);
      await store().complete(scope, 'key-1', FP_1, response, LONG_MS);
      response.body = 'changed';
      response.headers['content-type'] = 'text/plain';
      expect(await claim(scope, 'key-1', FP_1, LONG_MS)).toEqual({
        state: 'completed',
        response: {
          status: 422,
          headers: { 'content-type': 'application/problem+json', 'content-language': 'vi' },
          body: '{"code":"validation-failed","title":"Bản ghi không khớp với lược đồ"}',
        },
      });
    });

    it('claims with a token and start time, and shows the claim to a retry of the same request', async () => {
      const scope = freshScope();
      const before = Date.now();
      const first = await store().claim(scope, 'key-1', FP_1, LONG_MS, LEASE_MS);
      if (first.state !== 'claimed') throw new Error(`expected a claim, got ${first.state}`);
      expect(first.claim).toMatchObject({ attempt: 1, ambiguous: false });
      expect(first.claim.token).toMatch(/^[0-9a-f-]{36}$/);
      expect(first.claim.startedAt).toBeGreaterThanOrEqual(before);
      expect(first.claim.firstStartedAt).toBe(first.claim.startedAt);
      expect(first.claim.leaseUntil).toBe(first.claim.startedAt + LEASE_MS);
      expect(await store().claim(scope, 'key-1', FP_1, LONG_MS, LEASE_MS)).toEqual({
        state: 'held',
        claim: first.claim,
      });
      expect(await store().claim(scope, 'key-1', FP_2, LONG_MS, LEASE_MS)).toEqual({ state: 'mismatch' });
      await store().complete(scope, 'key-1', FP_1, RECEIPT_RESPONSE, LONG_MS);
      await expectReplay(scope, FP_1);
    });

    it('marks a claim ambiguous for its holder only, and keeps it', async () => {
      const scope = freshScope();
      const first = await store().claim(scope, 'key-1', FP_1, LONG_MS, LEASE_MS);
      if (first.state !== 'claimed') throw new Error(first.state);
      expect(await store().markAmbiguous(scope, 'key-1', FP_1, 'not-the-token')).toBe(false);
      expect(await store().markAmbiguous(scope, 'key-1', FP_2, first.claim.token)).toBe(false);
      expect(await store().markAmbiguous(scope, 'key-1', FP_1, first.claim.token)).toBe(true);
      expect(await store().claim(scope, 'key-1', FP_1, LONG_MS, LEASE_MS)).toEqual({
        state: 'held',
        claim: { ...first.claim, ambiguous: true },
      });
    });

    it('renews the lease of its holder only', async () => {
      const scope = freshScope();
      const first = await store().claim(scope, 'key-1', FP_1, LONG_MS, 1_000);
      if (first.state !== 'claimed') throw new Error(first.state);
      expect(await store().renew(scope, 'key-1', FP_1, 'not-the-token', LEASE_MS)).toBe(false);
      const before = Date.now();
      expect(await store().renew(scope, 'key-1', FP_1, first.claim.token, LEASE_MS)).toBe(true);
      const held = await store().claim(scope, 'key-1', FP_1, LONG_MS, LEASE_MS);
      if (held.state !== 'held') throw new Error(held.state);
      expect(held.claim.leaseUntil).toBeGreaterThanOrEqual(before + LEASE_MS);
      expect(held.claim.token).toBe(first.claim.token);
    });

    it('lets exactly one of many concurrent takeovers replace a stale claim, keeping the first start', async () => {
      const scope = freshScope();
      const first = await store().claim(scope, 'key-1', FP_1, LONG_MS, LEASE_MS);
      if (first.state !== 'claimed') throw new Error(first.state);
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          store().takeOver(scope, 'key-1', FP_1, first.claim.token, LONG_MS, LEASE_MS),
        ),
      );
      const won = results.filter((r) => r.state === 'claimed');
      expect(won).toHaveLength(1);
      const taken = won[0]!.state === 'claimed' ? won[0]!.claim : undefined;
      expect(taken).toMatchObject({
        attempt: 2,
        ambiguous: false,
        firstStartedAt: first.claim.firstStartedAt,
      });
      expect(taken!.token).not.toBe(first.claim.token);
      for (const r of results.filter((x) => x.state !== 'claimed')) {
        expect(r).toEqual({ state: 'held', claim: taken });
      }
      // The old holder can neither mark nor release what is no longer its claim.
      expect(await store().markAmbiguous(scope, 'key-1', FP_1, first.claim.token)).toBe(false);
      expect(await store().release(scope, 'key-1', FP_1, first.claim.token)).toBe(false);
      expect(await store().takeOver(scope, 'key-1', FP_2, taken!.token, LONG_MS, LEASE_MS)).toEqual({
        state: 'mismatch',
      });
    });

    it('claims afresh a key released meanwhile', async () => {
      const other = freshScope();
      const first = await store().claim(other, 'key-1', FP_1, LONG_MS, LEASE_MS);
      if (first.state !== 'claimed') throw new Error(first.state);
      expect(await store().release(other, 'key-1', FP_1, first.claim.token)).toBe(true);
      expect(
        await store().takeOver(other, 'key-1', FP_1, first.claim.token, LONG_MS, LEASE_MS),
      ).toMatchObject({
        state: 'claimed',
        claim: { attempt: 1 },
      });
    });

    it('does not take over a completed entry', async () => {
      const scope = freshScope();
      const first = await store().claim(scope, 'key-1', FP_1, LONG_MS, LEASE_MS);
      if (first.state !== 'claimed') throw new Error(first.state);
      await store().complete(scope, 'key-1', FP_1, RECEIPT_RESPONSE, LONG_MS);
      expect(await store().takeOver(scope, 'key-1', FP_1, first.claim.token, LONG_MS, LEASE_MS)).toEqual({
        state: 'completed',
        response: RECEIPT_RESPONSE,
      });
      expect(await store().release(scope, 'key-1', FP_1, first.claim.token)).toBe(false);
    });

    it('refuses malformed keys, fingerprints, TTLs and responses before touching storage', async () => {
      const scope = freshScope();
      for (const key of ['', 'has space', 'x'.repeat(256), 'khóa', 'tab\there']) {
        await expect(claim(scope, key, FP_1, LONG_MS)).rejects.toBeInstanceOf(RangeError);
      }
      for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(claim(scope, 'key-1', FP_1, ttl)).rejects.toBeInstanceOf(RangeError);
        await expect(store().claim(scope, 'key-1', FP_1, LONG_MS, ttl)).rejects.toBeInstanceOf(RangeError);
      }
      await expect(claim(scope, 'key-1', '', LONG_MS)).rejects.toBeInstanceOf(RangeError);
      await expect(store().release(scope, '', FP_1, 'token')).rejects.toBeInstanceOf(RangeError);
      const bad = { status: 99, headers: {}, body: '' };
      await expect(store().complete(scope, 'key-1', FP_1, bad, LONG_MS)).rejects.toBeInstanceOf(RangeError);
      expect(await stateOf(scope, 'x'.repeat(255), FP_1)).toBe('claimed');
      expect(await stateOf(scope, 'key-1', FP_1)).toBe('claimed');
    });
  });
}
