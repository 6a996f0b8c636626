import { describe, expect, it } from '@jest/globals';
import type { RegistryRecord } from './registry-record.js';
import { REGISTRY_RECORD_FORMAT } from './registry-record.js';
import { RegistryState } from './registry-state.js';

let commands = 0;
function limits(agencyId: string, data: unknown): RegistryRecord {
  return {
    format: REGISTRY_RECORD_FORMAT,
    kind: 'agency-rate-limits',
    id: agencyId,
    commandId: `c${++commands}`,
    writer: 'w',
    at: `2026-12-03T10:00:${String(commands % 60).padStart(2, '0')}.000Z`,
    data,
  };
}

const compatible = () => ({ compatible: true, reasons: [] });
const A = '000.00.00.G12';
const B = '000.00.00.G01';

describe('agency-rate-limits records', () => {
  it('are last-writer-wins full states: a later record replaces, {} returns to the defaults', () => {
    const state = new RegistryState(compatible);
    expect(state.apply(limits(A, { token: { perSecond: 50, burst: 100 } })).accepted).toBe(true);
    expect(state.rateLimits.forRoute(A, 'token')).toEqual({ perSecond: 50, burst: 100 });
    expect(state.rateLimits.forRoute(A, 'publish')).toBeUndefined();
    expect(state.rateLimits.forRoute(B, 'token')).toBeUndefined();

    // The whole set is replaced, not merged: token goes back to the default.
    state.apply(limits(A, { publish: { perSecond: 5_000, burst: 10_000 } }));
    expect(state.rateLimits.get(A)).toMatchObject({ publish: { perSecond: 5_000, burst: 10_000 } });
    expect(state.rateLimits.forRoute(A, 'token')).toBeUndefined();

    expect(state.apply(limits(A, {})).accepted).toBe(true);
    expect(state.rateLimits.get(A)).toBeUndefined();
    expect(state.rateLimits.size()).toBe(0);
  });

  it('apply without an agency record, in any order (compaction may reorder kinds)', () => {
    const state = new RegistryState(compatible);
    state.apply(limits(A, { token: { perSecond: 5, burst: 5 } }));
    state.apply({
      ...limits(A, { name: 'Bộ Tài chính', status: 'active', roles: ['publisher'] }),
      kind: 'agency',
    });
    expect(state.rateLimits.forRoute(A, 'token')).toEqual({ perSecond: 5, burst: 5 });
    expect(state.agencies.get(A)?.name).toBe('Bộ Tài chính');
  });

  it('a replica replaying the log reaches the state of the one that wrote it', () => {
    const log = [
      limits(A, { token: { perSecond: 50, burst: 100 } }),
      limits(B, { publish: { perSecond: 10, burst: 500 } }),
      limits(A, { token: { perSecond: 20, burst: 40 }, publish: { perSecond: 2, burst: 600 } }),
      limits(B, {}),
    ];
    const live = new RegistryState(compatible);
    log.forEach((record) => live.apply(record));
    // Compaction keeps each key's last record only.
    const compacted = [log[2]!, log[3]!];
    const replayed = new RegistryState(compatible);
    compacted.forEach((record) => replayed.apply(record));
    for (const state of [live, replayed]) {
      expect(state.rateLimits.get(A)).toMatchObject({
        token: { perSecond: 20, burst: 40 },
        publish: { perSecond: 2, burst: 600 },
      });
      expect(state.rateLimits.get(B)).toBeUndefined();
    }
  });

  it('refuses what no bucket could run, and keeps the state it had', () => {
    const state = new RegistryState(compatible);
    state.apply(limits(A, { token: { perSecond: 50, burst: 100 } }));
    const bad = [
      null,
      [],
      { token: null },
      { token: { perSecond: 0, burst: 10 } },
      { token: { perSecond: -1, burst: 10 } },
      { token: { perSecond: 1.5, burst: 10 } },
      { token: { perSecond: '5', burst: 10 } },
      { token: { perSecond: 10 } },
      { token: { perSecond: 10, burst: 9 } },
    ];
    bad.forEach((data) => {
      expect(state.apply(limits(A, data))).toEqual({
        accepted: false,
        reason: 'invalid-record',
      });
    });
    expect(state.rateLimits.forRoute(A, 'token')).toEqual({ perSecond: 50, burst: 100 });
  });

  it('skips members for routes a newer writer knows and this replica does not', () => {
    const state = new RegistryState(compatible);
    const outcome = state.apply(
      limits(A, { token: { perSecond: 5, burst: 10 }, query: { perSecond: 1, burst: 1 } }),
    );
    expect(outcome).toEqual({ accepted: true, result: { token: { perSecond: 5, burst: 10 } } });
  });
});
