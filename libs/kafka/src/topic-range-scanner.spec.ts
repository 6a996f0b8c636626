// Integration spec against the broker of the test run (test/support/global-setup.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Admin, Producer } from 'kafkajs';
import { createKafkaClient } from './kafka-client.js';
import { ensureTopics } from './topic-admin.js';
import type { PartitionRange } from './topic-range-scanner.js';
import { scanTopicRange, topicRangesSince } from './topic-range-scanner.js';

const kafka = createKafkaClient({
  brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
  clientId: 'topic-range-scanner-spec',
});
const RUN = randomUUID();
const TOPIC = `lienthong.test.range-scanner.${RUN}`;
/** Records written to each partition before the ranges are taken. */
const PER_PARTITION = 6;

let admin: Admin;
let producer: Producer;

/** Writes `count` records to `partition`, values naming their partition and sequence. */
async function write(partition: number, count: number, label: string): Promise<void> {
  await producer.send({
    topic: TOPIC,
    acks: -1,
    messages: Array.from({ length: count }, (_, i) => ({
      partition,
      key: `k${i}`,
      value: `${label}-${partition}-${i}`,
    })),
  });
}

/** Scans `ranges` and returns the offsets handed over, per partition, in the order received. */
async function scan(
  ranges: PartitionRange[],
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ complete: boolean; offsets: Map<number, string[]> }> {
  const offsets = new Map<number, string[]>();
  const groupId = `lienthong-test-range-scanner-${randomUUID()}`;
  const { complete } = await scanTopicRange(kafka, {
    topic: TOPIC,
    ranges,
    groupId,
    ...options,
    onBatch: (messages, partition) => {
      const seen = offsets.get(partition) ?? [];
      seen.push(...messages.map((m) => m.offset));
      offsets.set(partition, seen);
    },
  });
  expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(groupId);
  return { complete, offsets };
}

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  await ensureTopics(kafka, [{ topic: TOPIC, numPartitions: 3, replicationFactor: -1 }]);
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (const partition of [0, 1, 2]) await write(partition, PER_PARTITION, 'before');
});

afterAll(async () => {
  await producer.disconnect();
  await admin.deleteTopics({ topics: [TOPIC] }).catch(() => undefined);
  await admin.disconnect();
});

describe('topicRangesSince', () => {
  it('spans each partition from its oldest offset to its high watermark for since = 0', async () => {
    expect(await topicRangesSince(kafka, TOPIC, 0)).toEqual(
      [0, 1, 2].map((partition) => ({ partition, start: 0n, end: BigInt(PER_PARTITION) })),
    );
  });

  it('gives empty ranges at the end when nothing was written since, and none for a missing topic', async () => {
    const later = Date.now() + 3_600_000;
    expect(await topicRangesSince(kafka, TOPIC, later)).toEqual(
      [0, 1, 2].map((partition) => ({ partition, start: BigInt(PER_PARTITION), end: BigInt(PER_PARTITION) })),
    );
    expect(await topicRangesSince(kafka, `${TOPIC}.missing`, 0)).toEqual([]);
  });
});

describe('scanTopicRange', () => {
  it('hands over exactly [start, end) of each partition, in offset order, and nothing written later', async () => {
    const ranges: PartitionRange[] = [
      { partition: 0, start: 1n, end: 4n },
      { partition: 1, start: 3n, end: 3n },
      { partition: 2, start: 0n, end: BigInt(PER_PARTITION) },
    ];
    // Written after the ranges were fixed: past every end, so never handed over.
    await write(2, 2, 'after');
    const { complete, offsets } = await scan(ranges);
    expect(complete).toBe(true);
    expect(offsets.get(0)).toEqual(['1', '2', '3']);
    expect(offsets.has(1)).toBe(false);
    expect(offsets.get(2)).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('completes at once when every range is empty', async () => {
    expect(await scan([{ partition: 0, start: 2n, end: 2n }])).toEqual({
      complete: true,
      offsets: new Map(),
    });
  });

  it('reports an incomplete scan when its deadline passes before a range is read', async () => {
    // An end past the high watermark cannot be reached while nothing more is written.
    const { complete } = await scan([{ partition: 1, start: 0n, end: 1_000n }], { timeoutMs: 4_000 });
    expect(complete).toBe(false);
  });

  it('reports an incomplete scan when it is aborted', async () => {
    const aborted = new AbortController();
    aborted.abort();
    expect(await scan([{ partition: 0, start: 0n, end: 1n }], { signal: aborted.signal })).toEqual({
      complete: false,
      offsets: new Map(),
    });

    // Stopped once the first batch is in: what was handed over stays, the rest is not waited for.
    const stopping = new AbortController();
    const handed: string[] = [];
    const stopped = await scanTopicRange(kafka, {
      topic: TOPIC,
      ranges: [{ partition: 1, start: 0n, end: 1_000n }],
      groupId: `lienthong-test-range-scanner-${randomUUID()}`,
      signal: stopping.signal,
      onBatch: (messages) => {
        handed.push(...messages.map((m) => m.offset));
        stopping.abort();
      },
    });
    expect(stopped).toEqual({ complete: false });
    expect(handed[0]).toBe('0');
  });
});
