import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Message } from 'kafkajs';
import type { AuditCheckpoint, AuditEvent, AuditFacts } from './audit-event.js';
import { hashAuditEvent } from './audit-event.js';
import { AuditSigner } from './audit-keys.js';
import { AuditTrailWriter } from './audit-trail-writer.js';
import { verifyAuditLog } from './audit-verification.js';

const facts = (n: number): AuditFacts => ({
  kind: 'delivered',
  messageId: `m${n}`,
  at: new Date(n).toISOString(),
});

describe('audit trail writer', () => {
  let signer: AuditSigner;
  beforeAll(async () => {
    signer = await AuditSigner.generate();
  });

  /** A log the writer appends to; `failNext` makes one write fail after it landed (unknown outcome). */
  function harness() {
    const written: Message[] = [];
    const state = { failNext: false };
    const writer = new AuditTrailWriter({
      signer,
      partitions: 1,
      checkpointIntervalMs: 0,
      send: (messages) => {
        written.push(...messages);
        if (state.failNext) {
          state.failNext = false;
          return Promise.reject(new Error('request timed out'));
        }
        return Promise.resolve();
      },
    });
    const records = () => written.map((m) => JSON.parse(String(m.value)) as AuditEvent | AuditCheckpoint);
    const entries = () =>
      written.map((m, i) => ({ partition: m.partition ?? 0, offset: String(i), value: String(m.value) }));
    return { writer, state, records, entries };
  }

  it('continues on a new chain after a write with an unknown outcome, and the log verifies', async () => {
    const { writer, state, records, entries } = harness();
    await writer.write([facts(1), facts(2)]);
    const first = writer.writerId;
    state.failNext = true;
    await expect(writer.write([facts(3)])).rejects.toThrow('timed out');
    expect(writer.writerId).not.toBe(first);
    await writer.write([facts(4)]);
    await writer.close();
    const checkpoint = records().at(-1) as AuditCheckpoint;
    expect(checkpoint.kind).toBe('checkpoint');
    expect(checkpoint.heads).toHaveLength(2);
    expect(checkpoint.heads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ writer: first, seq: 1, closed: true }),
        expect.objectContaining({ writer: writer.writerId, seq: 0 }),
      ]),
    );
    const report = verifyAuditLog(entries(), { jwks: signer.publicJwks() });
    expect(report.findings).toEqual([]);
    expect(report.unacknowledged).toEqual([{ partition: 0, writer: first, fromSeq: 2, toSeq: 2, events: 1 }]);
    expect(report.unanchored).toEqual([]);
  });

  it('writes no checkpoint when no head moved, and anchors writes made after close', async () => {
    const { writer, records } = harness();
    await writer.checkpoint();
    expect(records()).toEqual([]);
    await writer.write([facts(1)]);
    await writer.checkpoint();
    await writer.checkpoint();
    expect(records().map((r) => r.kind)).toEqual(['delivered', 'checkpoint']);
    await writer.close();
    await writer.write([facts(2)]);
    expect(records().map((r) => r.kind)).toEqual(['delivered', 'checkpoint', 'delivered', 'checkpoint']);
  });

  it('signs the last event of each chain in a write; the hash links cover the others', async () => {
    const { writer, records, entries } = harness();
    await writer.write([facts(1), facts(2), facts(3)]);
    const written = records() as AuditEvent[];
    expect(written.map((e) => e.sig === undefined)).toEqual([true, true, false]);
    const jwks = signer.publicJwks();
    expect(verifyAuditLog(entries(), { jwks }).findings).toEqual([]);
    const altered = entries().map((e, i) =>
      i === 1 ? { ...e, value: JSON.stringify({ ...written[1], outcome: 'x' }) } : e,
    );
    // An altered block member no longer matches the link its signed successor vouches for, so
    // neither it nor anything before it in the block is vouched for any more.
    expect(verifyAuditLog(altered, { jwks }).findings.map((f) => [f.code, f.seq])).toEqual([
      ['missing-signature', 0],
      ['missing-signature', 1],
      ['broken-link', 2],
    ]);
    // Without the signed tail, nothing vouches for the block.
    expect(verifyAuditLog(entries().slice(0, 2), { jwks }).findings.map((f) => f.code)).toEqual([
      'missing-signature',
      'missing-signature',
    ]);
    // An unsigned event appended by someone without the key is a forgery, not a block member.
    const { sig: _sig, ...unsigned } = { ...written[2]!, seq: 3, previousHash: hashAuditEvent(written[2]!) };
    const appended = [...entries(), { partition: 0, offset: '3', value: JSON.stringify(unsigned) }];
    expect(verifyAuditLog(appended, { jwks }).findings.map((f) => f.code)).toEqual(['missing-signature']);
  });
});
