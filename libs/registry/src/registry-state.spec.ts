import { describe, expect, it } from '@jest/globals';
import type { RegistryRecord } from './registry-record.js';
import { REGISTRY_RECORD_FORMAT } from './registry-record.js';
import type { SchemaRegistration } from './registry-state.js';
import { RegistryState } from './registry-state.js';
import type { CompatibilityCheck, SchemaVersionCommand, SchemaVersionMetadata } from './schema-subjects.js';
import { canonicalJson } from './schema-subjects.js';

const metadata: SchemaVersionMetadata = {
  owner: '000.00.00.G12',
  description: { vi: 'Thử', en: 'Test' },
  keyPointer: '/id',
  personalData: [],
  signatureRequired: false,
  examples: [],
};

/** A rule set for these tests: a schema is incompatible when it sets `x-breaks`. */
const toyCompatibility: CompatibilityCheck = (candidate, previous) =>
  candidate['x-breaks'] === true
    ? {
        compatible: false,
        reasons: previous.map((p) => ({
          pointer: '',
          rule: 'type-changed' as const,
          direction: 'backward' as const,
          message: 'breaks',
          messageVi: 'phá vỡ',
          againstVersion: p.version,
        })),
      }
    : { compatible: true, reasons: [] };

let commands = 0;
function versionRecord(type: string, schema: Record<string, unknown>): RegistryRecord {
  const data: SchemaVersionCommand = { type, schema, metadata };
  return {
    format: REGISTRY_RECORD_FORMAT,
    kind: 'schema-version',
    id: `${type}/${++commands}`,
    commandId: `c${commands}`,
    writer: 'w',
    at: '2026-11-27T00:00:00.000Z',
    data,
  };
}

function record(kind: RegistryRecord['kind'], id: string, data: unknown): RegistryRecord {
  return {
    format: REGISTRY_RECORD_FORMAT,
    kind,
    id,
    commandId: `c${++commands}`,
    writer: 'w',
    at: 'now',
    data,
  };
}

describe('RegistryState', () => {
  it('numbers versions in log order and dedupes identical registrations', () => {
    const state = new RegistryState(toyCompatibility);
    const a = state.apply(versionRecord('t.a', { type: 'object', title: 'A' }));
    const b = state.apply(versionRecord('t.a', { type: 'object', title: 'B' }));
    const again = state.apply(versionRecord('t.a', { title: 'A', type: 'object' }));
    expect((a as { result: SchemaRegistration }).result).toEqual({
      type: 't.a',
      version: 1,
      id: 1,
      created: true,
    });
    expect((b as { result: SchemaRegistration }).result).toEqual({
      type: 't.a',
      version: 2,
      id: 2,
      created: true,
    });
    expect((again as { result: SchemaRegistration }).result).toEqual({
      type: 't.a',
      version: 1,
      id: 1,
      created: false,
    });
    expect(state.versions('t.a').map((v) => v.version)).toEqual([1, 2]);
  });

  it('re-checks compatibility when applying, so a racing incompatible write is refused everywhere', () => {
    const state = new RegistryState(toyCompatibility);
    state.apply(versionRecord('t.b', { type: 'object' }));
    const outcome = state.apply(versionRecord('t.b', { type: 'object', 'x-breaks': true }));
    expect(outcome).toMatchObject({ accepted: false, reason: 'incompatible' });
    expect(state.versions('t.b')).toHaveLength(1);
    state.apply(record('schema-config', 't.b', { compatibility: 'NONE' }));
    expect(state.apply(versionRecord('t.b', { type: 'object', 'x-breaks': true }))).toMatchObject({
      accepted: true,
    });
  });

  it('gives every replica the same state from the same log, whatever the kinds interleaved', () => {
    const log = [
      versionRecord('t.c', { type: 'object' }),
      record('global-config', 'global', { compatibility: 'FULL' }),
      versionRecord('t.d', { type: 'string' }),
      versionRecord('t.c', { type: 'object', title: 'v2' }),
      record('schema-version-state', 't.c/1', { state: 'deprecated' }),
      record('schema-version-state', 't.c/2', { state: 'disabled' }),
      record('schema-version-state', 't.c/9', { state: 'disabled' }),
      record('schema-config', 't.d', { compatibility: 'bogus' }),
      versionRecord('t.c', { type: 'object', 'x-breaks': true }),
    ];
    const snapshot = (s: RegistryState) =>
      canonicalJson({
        types: s.types(),
        versions: s.types().flatMap((t) => s.versions(t)),
        global: s.defaultCompatibility(),
        d: s.effectiveCompatibility('t.d'),
      });
    const one = new RegistryState(toyCompatibility);
    const two = new RegistryState(toyCompatibility);
    const outcomes = log.map((r) => [one.apply(r), two.apply(r)]);
    expect(snapshot(one)).toBe(snapshot(two));
    expect(outcomes.map(([a]) => a!.accepted)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(one.latestEnabled('t.c')?.version).toBe(1);
    expect(one.latest('t.c')?.state).toBe('disabled');
    expect(one.defaultCompatibility()).toBe('FULL');
    expect(one.byGlobalId(3)?.type).toBe('t.c');
  });

  it('skips records it cannot read instead of failing the replica', () => {
    const state = new RegistryState(toyCompatibility);
    const unknown = {
      ...record('global-config', 'x', {}),
      kind: 'a-kind-from-the-future',
    } as unknown as RegistryRecord;
    expect(state.apply(unknown)).toEqual({ accepted: false, reason: 'unknown-kind' });
    expect(state.apply(record('schema-version', 'x/1', null))).toEqual({
      accepted: false,
      reason: 'invalid-record',
    });
  });
});
