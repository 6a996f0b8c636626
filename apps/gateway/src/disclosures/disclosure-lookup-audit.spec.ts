import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { LienthongError } from '@lienthong/contracts';
import type { GatewayAudit, GatewayAuditFacts } from '../audit/gateway-audit.service.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { DisclosureLookupFacts } from './disclosure-lookup-audit.js';
import { AuditedDisclosureLookup, disclosureLookupDetail } from './disclosure-lookup-audit.js';

const facts: DisclosureLookupFacts = {
  requester: '000.00.00.G12',
  role: 'data-subject-officer',
  subjectHash: 'hMAC-of-the-subject',
  scopeOwner: '000.00.00.G12',
  since: '2026-01-01T00:00:00Z',
  limit: 50,
  returned: 3,
  requestId: 'req-1',
  at: '2026-12-03T10:00:00.000Z',
};

/** A stand-in for the trail: records what it is given; `flush` as the test says. */
function trail(flush: () => Promise<void>): { audit: GatewayAudit; recorded: GatewayAuditFacts[] } {
  const recorded: GatewayAuditFacts[] = [];
  const audit = {
    record: (f: GatewayAuditFacts) => void recorded.push(f),
    flush,
  } as unknown as GatewayAudit;
  return { audit, recorded };
}
const config = { retryAfterSeconds: 5 } as GatewayConfig;

describe('disclosure lookups in the audit trail', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('records a disclosure-lookup event by the subject hash, and waits for Kafka', async () => {
    const { audit, recorded } = trail(() => Promise.resolve());
    await new AuditedDisclosureLookup(audit, config).record(facts);
    expect(recorded).toEqual([
      {
        kind: 'disclosure-lookup',
        messageId: 'req-1',
        actor: '000.00.00.G12',
        at: '2026-12-03T10:00:00.000Z',
        detail:
          'subject=hMAC-of-the-subject role=data-subject-officer owner=000.00.00.G12 since=2026-01-01T00:00:00Z returned=3',
      },
    ]);
  });

  it('refuses the answer (503 kafka-unavailable) when the event is not acknowledged in time', async () => {
    jest.useFakeTimers();
    const { audit } = trail(() => new Promise<void>(() => undefined));
    const pending = new AuditedDisclosureLookup(audit, config).record(facts);
    jest.advanceTimersByTime(5_000);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LienthongError);
    expect((error as LienthongError).code).toBe('kafka-unavailable');
  });

  it('keeps the detail short and free of anything but the hash', () => {
    const detail = disclosureLookupDetail({ ...facts, scopeOwner: undefined, since: undefined });
    expect(detail).toBe('subject=hMAC-of-the-subject role=data-subject-officer returned=3');
  });
});
