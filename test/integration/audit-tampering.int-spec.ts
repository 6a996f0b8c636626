import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditCheckpoint, AuditEvent, AuditFacts } from '@lienthong/audit';
import {
  AuditChain,
  AuditSigner,
  AuditTrailWriter,
  auditTopicSpec,
  verifyAuditTopic,
} from '@lienthong/audit';
import { AUDIT_TOPIC } from '@lienthong/delivery';
import { createKafkaClient, ensureTopics } from '@lienthong/kafka';
import type { Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { runCli } from '../../apps/cli/src/cli.js';
import { createTestContext } from '../../apps/cli/src/testing/cli-test-context.util.js';
import { sharedAuditJwks, sharedAuditSigner } from '../support/audit-keys.util.js';

/**
 * Tampering with a real `lienthong.audit` topic: raw records produced with kafkajs the way
 * anyone allowed to write to the topic could, and verification naming each kind of tampering.
 * The topic is shared with other test files, so every scenario uses its own writer ids and
 * reads the findings of those ids.
 */
describe('audit trail on the real broker: tampering is found', () => {
  let kafka: Kafka;
  let producer: Producer;
  let signer: AuditSigner;
  let jwks: { keys: Record<string, unknown>[] };
  const startedAt = new Date();
  let n = 0;

  const facts = (): AuditFacts => ({
    kind: 'delivered',
    messageId: `audit-tamper-${++n}`,
    subscriber: '000.00.00.G12',
    outcome: 'inbox',
    at: new Date().toISOString(),
  });

  /** Produces records exactly as given: value, partition. */
  const produce = async (
    records: readonly (AuditEvent | AuditCheckpoint | Record<string, unknown>)[],
    partition?: number,
  ) => {
    await producer.send({
      topic: AUDIT_TOPIC,
      acks: -1,
      messages: records.map((record) => {
        const r = record as Record<string, unknown>;
        return {
          key: typeof r['messageId'] === 'string' ? r['messageId'] : 'checkpoint',
          partition: partition ?? (r['partition'] as number),
          value: JSON.stringify(r),
        };
      }),
    });
  };

  const findings = async (writers: readonly string[], externalCheckpoints?: unknown[]) => {
    const report = await verifyAuditTopic(kafka, {
      jwks,
      since: startedAt,
      ...(externalCheckpoints ? { externalCheckpoints } : {}),
    });
    return {
      report,
      codes: report.findings
        .filter((f) => f.writer !== undefined && writers.includes(f.writer))
        .map((f) => f.code),
    };
  };

  /** A genuine chain of `count` events on partition 0 by a key holder, acknowledged. */
  const genuine = (writer: string, count: number, key = signer) => {
    const chain = new AuditChain(key, writer);
    const events = Array.from({ length: count }, () => chain.next(0, facts()));
    chain.acknowledge(events);
    return { chain, events };
  };

  beforeAll(async () => {
    kafka = createKafkaClient({
      brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
      clientId: 'audit-tampering',
    });
    await ensureTopics(kafka, [auditTopicSpec(3, -1)]);
    producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    signer = await sharedAuditSigner();
    jwks = await sharedAuditJwks();
  });

  afterAll(async () => {
    await producer?.disconnect();
  });

  it('verifies what the writer wrote, checkpoints included (exit 0 from the CLI)', async () => {
    const trail = new AuditTrailWriter({
      signer,
      partitions: 3,
      send: (messages) => producer.send({ topic: AUDIT_TOPIC, acks: -1, messages }).then(() => undefined),
      checkpointIntervalMs: 0,
      writer: 'tamper-intact',
    });
    await trail.write([facts(), facts(), facts()]);
    await trail.checkpoint();
    await trail.write([facts()]);
    await trail.close();
    const { report, codes } = await findings(['tamper-intact']);
    expect(codes).toEqual([]);
    expect(report.unanchored.filter((r) => r.writer === 'tamper-intact')).toEqual([]);

    const ctx = createTestContext({ env: { KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '' } });
    ctx.file('jwks.json', JSON.stringify(jwks));
    const exit = await runCli(
      ['audit', 'checkpoints', '--out', 'archive.jsonl', '--since', startedAt.toISOString()],
      ctx,
    );
    expect(exit).toBe(0);
    expect(ctx.err).toContain('Copied');
    expect(report.findings).toEqual([]);
    expect(
      await runCli(
        [
          'audit',
          'verify',
          '--jwks',
          'jwks.json',
          '--since',
          startedAt.toISOString(),
          '--checkpoints',
          'archive.jsonl',
        ],
        ctx,
      ),
    ).toBe(0);
    expect(ctx.out).toContain('Audit trail intact');
    expect(ctx.out).toContain('Nhật ký kiểm toán toàn vẹn');
  });

  it('finds a forged event that extends a chain with the right previousHash', async () => {
    const { chain, events } = genuine('tamper-extend', 2);
    await produce(events);
    const stranger = await AuditSigner.generate();
    // Same chain position and link, but signed by a key the gateway never published.
    const fake = { ...chain.next(0, facts()), kid: stranger.kid };
    fake.sig = stranger.sign(fake);
    expect(fake.previousHash).not.toBeNull();
    const { sig: _sig, ...unsigned } = chain.next(0, facts());
    const altered = { ...chain.next(0, facts()), outcome: 'webhook' };
    await produce([fake, unsigned, altered]);
    const { codes } = await findings(['tamper-extend']);
    expect(codes).toEqual(expect.arrayContaining(['unknown-key', 'missing-signature', 'bad-signature']));
  });

  it('finds a forged new writer chain and an event that names another partition', async () => {
    const stranger = await AuditSigner.generate();
    await produce(genuine('tamper-new-writer', 2, stranger).events);
    const { events } = genuine('tamper-partition', 2);
    await produce(events);
    await produce([events[1]!], 1); // names partition 0, sits in partition 1
    const { codes } = await findings(['tamper-new-writer', 'tamper-partition']);
    expect(codes).toEqual(['unknown-key', 'unknown-key', 'wrong-partition']);
  });

  it('finds a replayed copy, a reordered chain and a gap as distinct findings', async () => {
    const replayed = genuine('tamper-replay', 2).events;
    await produce([...replayed, replayed[0]!]);
    const reordered = genuine('tamper-reorder', 3).events;
    await produce([reordered[0]!, reordered[2]!, reordered[1]!]);
    const gapped = genuine('tamper-gap', 4).events;
    await produce([gapped[0]!, gapped[1]!, gapped[3]!]);
    expect((await findings(['tamper-replay'])).codes).toEqual(['replay']);
    expect((await findings(['tamper-reorder'])).codes).toEqual(['reordered']);
    expect((await findings(['tamper-gap'])).codes).toEqual(['gap']);
  });

  it('finds truncation against a checkpoint in the topic and against one kept outside', async () => {
    const { chain, events } = genuine('tamper-truncate', 5);
    const checkpoint = chain.checkpoint(0);
    // The checkpoint says seq 4; the log keeps only seq 0 to 2.
    await produce([...events.slice(0, 3), checkpoint]);
    expect((await findings(['tamper-truncate'])).codes).toEqual(['truncated']);

    const outside = genuine('tamper-outside', 4);
    const kept = outside.chain.checkpoint(0);
    await produce(outside.events.slice(0, 2));
    expect((await findings(['tamper-outside'])).codes).toEqual([]);
    expect((await findings(['tamper-outside'], [kept])).codes).toEqual(['truncated']);

    const ctx = createTestContext({ env: { KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '' } });
    ctx.file('jwks.json', JSON.stringify(jwks));
    ctx.file('kept.jsonl', `${JSON.stringify(kept)}\n`);
    const exit = await runCli(
      [
        'audit',
        'verify',
        '--jwks',
        'jwks.json',
        '--since',
        startedAt.toISOString(),
        '--checkpoints',
        'kept.jsonl',
      ],
      ctx,
    );
    expect(exit).toBe(1);
    expect(ctx.out).toContain('[truncated]');
    expect(ctx.out).toContain('(truncated)');
    expect(ctx.out).toContain('bị cắt');
  });
});
