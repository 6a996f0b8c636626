import { beforeAll, describe, expect, it } from '@jest/globals';
import { GatewayKeyring } from '@lienthong/trust';
import { AuditChain } from './audit-chain.js';
import type { AuditCheckpoint, AuditEvent, AuditFacts } from './audit-event.js';
import { AUDIT_KEY_USE, hashAuditEvent } from './audit-event.js';
import { AuditSigner } from './audit-keys.js';
import type { AuditFindingCode, AuditLogEntry } from './audit-verification.js';
import { verifyAuditLog } from './audit-verification.js';

const facts = (n: number): AuditFacts => ({
  kind: 'delivered',
  messageId: `m${n}`,
  subscription: 's1',
  subscriber: '000.00.00.G12',
  outcome: 'inbox',
  at: new Date(1_700_000_000_000 + n).toISOString(),
});

let signer: AuditSigner;
let jwks: { keys: Record<string, unknown>[] };

beforeAll(async () => {
  signer = await AuditSigner.generate();
  jwks = signer.publicJwks() as unknown as { keys: Record<string, unknown>[] };
});

/** Entries of a log in which each record sits where it says, offsets in order. */
function log(records: readonly (AuditEvent | AuditCheckpoint | Record<string, unknown>)[]): AuditLogEntry[] {
  const next = new Map<number, number>();
  return records.map((r) => {
    const partition = typeof r['partition'] === 'number' ? r['partition'] : 0;
    const offset = next.get(partition) ?? 0;
    next.set(partition, offset + 1);
    return { partition, offset: String(offset), value: JSON.stringify(r) };
  });
}

function chainOf(count: number, chain = new AuditChain(signer, 'writer-a')): AuditEvent[] {
  const events = Array.from({ length: count }, (_, i) => chain.next(i % 2, facts(i)));
  chain.acknowledge(events);
  return events;
}

const codes = (entries: AuditLogEntry[], options: Partial<Parameters<typeof verifyAuditLog>[1]> = {}) =>
  verifyAuditLog(entries, { jwks, ...options }).findings.map((f) => f.code);

describe('audit log verification', () => {
  it('accepts signed chains, links each event to the previous one, and reports them unanchored', () => {
    const events = chainOf(6);
    const p0 = events.filter((e) => e.partition === 0);
    expect(p0[1]!.previousHash).toBe(hashAuditEvent(p0[0]!));
    const report = verifyAuditLog(log(events), { jwks });
    expect(report).toMatchObject({ ok: true, events: 6, chains: 2, findings: [], keys: [signer.kid] });
    expect(report.unanchored).toEqual([
      { partition: 0, writer: 'writer-a', fromSeq: 0, toSeq: 2, events: 3 },
      { partition: 1, writer: 'writer-a', fromSeq: 0, toSeq: 2, events: 3 },
    ]);
  });

  it('anchors events a checkpoint covers and leaves later ones unanchored', () => {
    const chain = new AuditChain(signer, 'writer-a');
    const before = chainOf(4, chain);
    const checkpoint = chain.checkpoint(0);
    const after = chainOf(2, chain);
    const report = verifyAuditLog(log([...before, checkpoint, ...after]), { jwks });
    expect(report.findings).toEqual([]);
    expect(report.checkpoints).toBe(1);
    expect(report.unanchored).toEqual([
      { partition: 0, writer: 'writer-a', fromSeq: 2, toSeq: 2, events: 1 },
      { partition: 1, writer: 'writer-a', fromSeq: 2, toSeq: 2, events: 1 },
    ]);
  });

  it('finds an altered event (bad signature), an unsigned one, and one by an unknown key', async () => {
    const events = chainOf(4);
    // events[1] and [3] are partition 1: a changed seq 0 leaves its successor without a link.
    const altered = { ...events[1]!, outcome: 'webhook' };
    expect(codes(log([events[0]!, altered, events[2]!, events[3]!]))).toEqual(['bad-signature', 'gap']);
    const { sig: _sig, kid: _kid, ...unsigned } = events[3]!;
    expect(codes(log([...events.slice(0, 3), unsigned]))).toEqual(['missing-signature']);
    const other = await AuditSigner.generate();
    const forged = new AuditChain(other, 'writer-a').next(0, facts(9));
    expect(codes(log([forged]))).toEqual(['unknown-key']);
    expect(
      codes(
        log([
          {
            format: 1,
            kind: 'delivered',
            messageId: 'm',
            eventId: 'e',
            at: 'x',
            partition: 0,
            writer: 'w',
            seq: 0,
            previousHash: null,
          },
        ]),
      ),
    ).toEqual(['missing-signature']);
  });

  it('never takes a token or receipt key (use: sig) for an audit key', async () => {
    const gateway = await GatewayKeyring.generate({ alg: 'EdDSA' });
    const signed = await AuditSigner.fromPrivateJwks(await gateway.exportPrivateJwks());
    const event = new AuditChain(signed, 'w').next(0, facts(1));
    // The same key published for tokens (use: sig) does not verify audit events.
    expect(codes(log([event]), { jwks: gateway.publicJwks() })).toEqual(['unknown-key']);
    expect(codes(log([event]), { jwks: signed.publicJwks() })).toEqual([]);
    expect(signed.publicJwks().keys[0]).toMatchObject({ use: AUDIT_KEY_USE, alg: 'EdDSA' });
  });

  it('finds an event naming another partition, a replayed copy, and a fork', () => {
    const events = chainOf(4);
    const wrong = log(events);
    wrong.push({ partition: 0, offset: '99', value: JSON.stringify(events[1]) });
    expect(codes(wrong)).toEqual(['wrong-partition']);
    const replayed = log(events);
    replayed.push({ partition: 0, offset: '98', value: JSON.stringify(events[0]) });
    expect(codes(replayed)).toEqual(['replay']);
    const a = new AuditChain(signer, 'writer-f');
    const first = a.next(0, facts(1));
    const b = new AuditChain(signer, 'writer-f');
    const twin = b.next(0, facts(2));
    expect(codes(log([first, twin]))).toEqual(['fork']);
  });

  it('finds reordering, gaps, a missing start, and broken links', () => {
    const chain = new AuditChain(signer, 'w');
    const events = Array.from({ length: 4 }, (_, i) => chain.next(0, facts(i)));
    expect(codes(log([events[0]!, events[2]!, events[1]!, events[3]!]))).toEqual(['reordered']);
    expect(codes(log([events[0]!, events[1]!, events[3]!]))).toEqual(['gap']);
    expect(codes(log(events.slice(1)))).toEqual(['gap']);
    // Read from a later offset: a chain may start past seq 0.
    expect(codes(log(events.slice(1)), { partial: true })).toEqual([]);
  });

  it('finds truncation and rewritten history against checkpoints, from the topic or outside', () => {
    const chain = new AuditChain(signer, 'w');
    const events = Array.from({ length: 5 }, (_, i) => chain.next(0, facts(i)));
    chain.acknowledge(events);
    const checkpoint = chain.checkpoint(0);
    expect(codes(log([...events.slice(0, 3), checkpoint]))).toEqual(['truncated']);
    expect(codes(log(events.slice(0, 3)), { externalCheckpoints: [checkpoint] })).toEqual(['truncated']);
    expect(codes(log([...events, checkpoint]))).toEqual([]);
    // Another chain under the same writer id, signed with the key: the checkpoint tells them apart.
    const rewritten = new AuditChain(signer, 'w');
    const others = Array.from({ length: 5 }, (_, i) => rewritten.next(0, { ...facts(i), outcome: 'x' }));
    expect(codes(log(others), { externalCheckpoints: [checkpoint] })).toEqual(['checkpoint-mismatch']);
    const forgedCheckpoint = { ...checkpoint, heads: [{ ...checkpoint.heads[0]!, seq: 9 }] };
    expect(codes(log(events), { externalCheckpoints: [forgedCheckpoint] })).toEqual(['bad-signature']);
  });

  it('understands a restart after an unknown outcome: the old chain is closed, not truncated', () => {
    const chain = new AuditChain(signer, 'w1');
    const acked = [chain.next(0, facts(1))];
    chain.acknowledge(acked);
    const unknown = chain.next(0, facts(2)); // written, but its acknowledgement was lost
    chain.restart('w2');
    const fresh = [chain.next(0, facts(3))];
    chain.acknowledge(fresh);
    const checkpoint = chain.checkpoint(0);
    expect(checkpoint.heads).toEqual([
      expect.objectContaining({ writer: 'w1', seq: 0, closed: true }),
      expect.objectContaining({ writer: 'w2', seq: 0 }),
    ]);
    const report = verifyAuditLog(log([...acked, unknown, ...fresh, checkpoint]), { jwks });
    expect(report.findings).toEqual([]);
    expect(report.unacknowledged).toEqual([{ partition: 0, writer: 'w1', fromSeq: 1, toSeq: 1, events: 1 }]);
    expect(report.unanchored).toEqual([]);
    // Whether the unknown write landed or not, the log verifies.
    expect(verifyAuditLog(log([...acked, ...fresh, checkpoint]), { jwks }).ok).toBe(true);
  });

  it('reports unreadable records as malformed', () => {
    const entries: AuditLogEntry[] = [
      { partition: 0, offset: '0', value: 'not json' },
      { partition: 0, offset: '1', value: JSON.stringify({ hello: 'world' }) },
    ];
    const found: AuditFindingCode[] = codes(entries);
    expect(found).toEqual(['malformed', 'malformed']);
  });
});
