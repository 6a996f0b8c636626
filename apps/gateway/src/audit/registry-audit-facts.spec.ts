import { describe, expect, it } from '@jest/globals';
import type { RegistryRecord } from '@lienthong/registry';
import { registryAuditFacts } from './registry-audit-facts.js';

const record = (kind: RegistryRecord['kind'], id: string, data: unknown): RegistryRecord => ({
  format: 1,
  kind,
  id,
  commandId: 'c-1',
  writer: 'replica',
  by: '000.00.00.A00',
  at: '2026-12-03T10:00:00.000Z',
  data,
});
const ok = { accepted: true as const };

describe('registry changes as audit facts', () => {
  it('names the agency, never its name, and tells registration from change', () => {
    const agency = record('agency', '000.00.00.G12', {
      name: 'Sở Tư pháp',
      status: 'active',
      roles: ['publisher'],
    });
    expect(registryAuditFacts(agency, ok, false)).toEqual({
      kind: 'agency-registered',
      messageId: 'c-1',
      at: '2026-12-03T10:00:00.000Z',
      actor: '000.00.00.A00',
      subject: '000.00.00.G12',
      detail: 'status=active roles=publisher',
    });
    expect(registryAuditFacts(agency, ok, true)?.kind).toBe('agency-changed');
    expect(JSON.stringify(registryAuditFacts(agency, ok, true))).not.toContain('Sở Tư pháp');
  });

  it("records an operator's rate-limit overrides and their clearing", () => {
    const set = record('agency-rate-limits', '000.00.00.G12', { publish: { perSecond: 5000, burst: 10000 } });
    expect(registryAuditFacts(set, ok, true)).toMatchObject({
      kind: 'rate-limits-changed',
      actor: '000.00.00.A00',
      subject: '000.00.00.G12',
      detail: 'publish=5000/s burst 10000',
    });
    expect(registryAuditFacts(record('agency-rate-limits', '000.00.00.G12', {}), ok, true)).toMatchObject({
      kind: 'rate-limits-changed',
      detail: 'defaults',
    });
  });

  it('records grants, keys (kid only) and schema versions', () => {
    expect(
      registryAuditFacts(record('grant', '000.00.00.G12/publish/a.b', { granted: false }), ok, true),
    ).toMatchObject({
      kind: 'grant-changed',
      subject: '000.00.00.G12',
      type: 'a.b',
      detail: 'publish revoked',
    });
    const key = registryAuditFacts(
      record('agency-key', '000.00.00.G12/k1', { jwk: { x: 'secret-x' }, status: 'revoked' }),
      ok,
      true,
    );
    expect(key).toMatchObject({
      kind: 'keys-changed',
      subject: '000.00.00.G12',
      detail: 'kid=k1 status=revoked',
    });
    expect(JSON.stringify(key)).not.toContain('secret-x');
    const version = record('schema-version', 'a.b/uuid', { type: 'a.b', schema: {}, metadata: {} });
    expect(
      registryAuditFacts(
        version,
        { accepted: true, result: { type: 'a.b', version: 3, created: true } },
        true,
      ),
    ).toMatchObject({
      kind: 'schema-registered',
      type: 'a.b',
      schemaVersion: 3,
    });
    expect(
      registryAuditFacts(record('schema-version-state', 'a.b/2', { state: 'deprecated' }), ok, true),
    ).toMatchObject({
      kind: 'schema-config-changed',
      type: 'a.b',
      schemaVersion: 2,
      detail: 'state=deprecated',
    });
  });

  it('records subscriptions without their webhook URL or secret, and nothing for refused writes', () => {
    const subscription = record('subscription', 's-1', {
      id: 's-1',
      agency: '000.00.00.G12',
      types: ['a.b'],
      delivery: { mode: 'webhook', url: 'https://127.0.0.1:9/hook?token=t', secret: 'whsec_x' },
      status: 'active',
      createdAt: '2026-12-03T10:00:00.000Z',
      createdBy: '000.00.00.G12',
    });
    const facts = registryAuditFacts(subscription, ok, false);
    expect(facts).toMatchObject({
      kind: 'subscription-created',
      subscription: 's-1',
      detail: 'status=active delivery=webhook',
    });
    expect(JSON.stringify(facts)).not.toMatch(/127\.0\.0\.1|whsec_x/);
    expect(
      registryAuditFacts(record('subscription', 's-1', { id: 's-1', deleted: true }), ok, true)?.kind,
    ).toBe('subscription-deleted');
    expect(registryAuditFacts(subscription, { accepted: false, reason: 'conflict' }, false)).toBeUndefined();
  });
});
