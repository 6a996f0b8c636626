import { describe, expect, it } from '@jest/globals';
import type { Subscription } from '@lienthong/delivery';
import type { RegistryRecord } from './registry-record.js';
import { REGISTRY_RECORD_FORMAT, registryKey } from './registry-record.js';
import { RegistryState } from './registry-state.js';
import { canonicalJson } from './schema-subjects.js';
import { SubscriptionDirectory } from './subscription-directory.js';

let commands = 0;
function record(data: unknown, id = (data as { id: string }).id): RegistryRecord {
  commands++;
  return {
    format: REGISTRY_RECORD_FORMAT,
    kind: 'subscription',
    id,
    commandId: `c${commands}`,
    writer: 'w',
    at: `2026-11-27T00:00:${String(commands % 60).padStart(2, '0')}.000Z`,
    data,
  };
}

function subscription(id: string, overrides: Partial<Subscription> = {}): Subscription {
  return {
    id,
    agency: '000.00.00.G12',
    types: ['residence.registration'],
    delivery: { mode: 'kafka' },
    status: 'active',
    createdAt: '2026-11-27T00:00:00.000Z',
    createdBy: '000.00.00.G12',
    ...overrides,
  };
}

describe('SubscriptionDirectory', () => {
  it('upserts full states and removes on a deletion record', () => {
    const directory = new SubscriptionDirectory();
    const changes: [string, string | undefined][] = [];
    directory.onChange((id, s) => changes.push([id, s?.status]));
    expect(directory.apply(record(subscription('s1')))).toMatchObject({
      accepted: true,
      result: { id: 's1' },
    });
    directory.apply(
      record(subscription('s2', { agency: '000.00.00.H29', types: ['enterprise.registration'] })),
    );
    directory.apply(record(subscription('s1', { status: 'paused' })));
    expect(directory.get('s1')?.status).toBe('paused');
    expect(directory.forAgency('000.00.00.H29').map((s) => s.id)).toEqual(['s2']);
    expect(directory.activeFor('enterprise.registration').map((s) => s.id)).toEqual(['s2']);
    expect(directory.activeFor('residence.registration')).toEqual([]);
    expect(directory.apply(record({ id: 's1', deleted: true }))).toEqual({
      accepted: true,
      result: { deleted: true },
    });
    expect(directory.get('s1')).toBeUndefined();
    expect(directory.apply(record({ id: 's9', deleted: true }))).toEqual({
      accepted: true,
      result: { deleted: false },
    });
    expect(directory.size()).toEqual({ total: 1, active: 1 });
    expect(changes).toEqual([
      ['s1', 'active'],
      ['s2', 'active'],
      ['s1', 'paused'],
      ['s1', undefined],
    ]);
  });

  it('keeps the secret and only the contract members', () => {
    const directory = new SubscriptionDirectory();
    const data = {
      ...subscription('w1', {
        delivery: { mode: 'webhook', url: 'https://hooks.example.org/x', secret: 'whsec_AAAA' },
      }),
      projection: ['/a'],
      filter: { pointer: '/a', exists: true },
      extra: 'ignored',
    };
    directory.apply(record(data));
    const stored = directory.get('w1')!;
    expect(stored).not.toHaveProperty('extra');
    expect(stored.delivery).toEqual({
      mode: 'webhook',
      url: 'https://hooks.example.org/x',
      secret: 'whsec_AAAA',
    });
    expect(stored.projection).toEqual(['/a']);
    expect(stored.updatedAt).toMatch(/^2026-11-27T/);
  });

  it.each([
    ['null', null],
    ['an id other than the key', subscription('other')],
    ['no types', subscription('x', { types: [] })],
    ['an unknown status', { ...subscription('x'), status: 'deleted' }],
    [
      'a webhook without secret',
      { ...subscription('x'), delivery: { mode: 'webhook', url: 'https://a.example.org' } },
    ],
    ['an unknown delivery mode', { ...subscription('x'), delivery: { mode: 'email' } }],
    ['deleted: false', { id: 'x', deleted: false }],
    ['a projection that is not a list of strings', { ...subscription('x'), projection: '/a' }],
  ])('refuses %s without changing anything', (_name, data) => {
    const directory = new SubscriptionDirectory();
    directory.apply(record(subscription('x')));
    expect(directory.apply(record(data, 'x'))).toEqual({ accepted: false, reason: 'invalid-record' });
    expect(directory.get('x')?.status).toBe('active');
  });

  it('reaches the same state from the full log and from the log compacted to the last record per key', () => {
    const log = [
      record(subscription('a')),
      record(subscription('b')),
      record(subscription('a', { status: 'paused' })),
      record(subscription('c', { types: ['enterprise.registration'] })),
      record({ id: 'b', deleted: true }),
      record(subscription('a', { status: 'active', projection: ['/x'] })),
      record({ id: 'c', deleted: true }),
      record(subscription('c', { types: ['procedure.dossier-status'] })),
    ];
    const lastPerKey = [...new Map(log.map((r) => [registryKey(r), r])).values()];
    const full = new RegistryState(() => ({ compatible: true, reasons: [] }));
    const compacted = new RegistryState(() => ({ compatible: true, reasons: [] }));
    for (const r of log) full.apply(r);
    for (const r of lastPerKey) compacted.apply(r);
    const snapshot = (s: RegistryState) =>
      canonicalJson(s.subscriptions.list().map(({ updatedAt: _u, ...rest }) => rest));
    expect(snapshot(compacted)).toBe(snapshot(full));
    expect(full.subscriptions.list().map((s) => [s.id, s.status, s.types[0]])).toEqual([
      ['a', 'active', 'residence.registration'],
      ['c', 'active', 'procedure.dossier-status'],
    ]);
  });
});
