import { describe, expect, it } from '@jest/globals';
import type { AuditEvent, AuditFacts } from './audit-chain.js';
import { AuditChain, hashAuditEvent, verifyAuditChain } from './audit-chain.js';

const facts = (n: number): AuditFacts => ({
  kind: 'delivered',
  messageId: `m${n}`,
  subscription: 's1',
  subscriber: '000.00.00.G12',
  outcome: 'inbox',
  at: new Date(1_700_000_000_000 + n).toISOString(),
});

function chainOf(count: number): AuditEvent[] {
  const chain = new AuditChain('writer-a');
  return Array.from({ length: count }, (_, i) => chain.next(i % 2, facts(i)));
}

describe('audit chain', () => {
  it('links each event to the previous one of the same partition and writer', () => {
    const events = chainOf(6);
    const p0 = events.filter((e) => e.partition === 0);
    expect(p0[0]!.previousHash).toBeNull();
    expect(p0[1]!.previousHash).toBe(hashAuditEvent(p0[0]!));
    expect(p0.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(verifyAuditChain(events)).toEqual({ ok: true, events: 6, chains: 2, problems: [] });
  });

  it('detects an altered event', () => {
    const events = chainOf(6);
    events[2] = { ...events[2]!, outcome: 'webhook' };
    const report = verifyAuditChain(events);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ partition: 0, seq: 2, reason: 'hash-mismatch' }),
    ]);
  });

  it('detects a removed or reordered event', () => {
    const removed = chainOf(6).filter((_, i) => i !== 2);
    expect(verifyAuditChain(removed).problems[0]).toMatchObject({ seq: 2, reason: 'seq-gap' });
    const events = chainOf(6);
    const reordered = [events[2]!, events[0]!, ...events.slice(1, 2), ...events.slice(3)];
    expect(verifyAuditChain(reordered).ok).toBe(false);
  });

  it('detects a chain whose head was cut and malformed events', () => {
    expect(verifyAuditChain(chainOf(6).slice(2)).problems[0]).toMatchObject({ reason: 'not-first' });
    expect(verifyAuditChain([{ hello: 'world' }]).problems[0]).toMatchObject({ reason: 'malformed' });
  });

  it('starts fresh chains after restart, so an uncertain write never forks a chain', () => {
    const chain = new AuditChain('w1');
    const a = chain.next(0, facts(1));
    chain.restart('w2');
    const b = chain.next(0, facts(2));
    expect(b).toMatchObject({ writer: 'w2', seq: 0, previousHash: null });
    expect(verifyAuditChain([a, b]).ok).toBe(true);
  });
});
