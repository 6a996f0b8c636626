import type { Kafka, KafkaMessage } from 'kafkajs';
import { deleteConsumerGroup } from './topic-admin.js';

/**
 * Offsets of one partition to read: `start` inclusive, `end` exclusive. An end is the next
 * offset to be written when the range was taken (the high watermark), so `[start, end)` is
 * exactly what the partition held then, and `start === end` is an empty range.
 */
export interface PartitionRange {
  partition: number;
  start: bigint;
  end: bigint;
}

export interface TopicRangeScan {
  topic: string;
  ranges: readonly PartitionRange[];
  /** A group no consumer has joined: its offsets are set to the starts before it joins. */
  groupId: string;
  /**
   * Each fetched batch's messages that lie in the range, in offset order within a partition.
   * A rejection restarts the consumer from the last committed offsets (none are committed, so
   * from the starts), as kafkajs does for any consumer.
   */
  onBatch: (messages: KafkaMessage[], partition: number) => Promise<void> | void;
  /** How long the scan may take once its consumer starts connecting; no deadline when unset. */
  timeoutMs?: number;
  /** Stops the scan early (e.g. at shutdown). */
  signal?: AbortSignal;
}

/**
 * Per partition of `topic`, the range from the first offset written at or after `since` (epoch
 * ms of the record timestamp, the writer's clock; 0 for the oldest offset kept) to the high
 * watermark now. Empty when the topic does not exist.
 */
export async function topicRangesSince(
  kafka: Kafka,
  topic: string,
  since: number,
): Promise<PartitionRange[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    const [starts, ends] = await Promise.all([
      // Negative timestamps mean "latest" and "earliest" in the ListOffsets protocol.
      admin.fetchTopicOffsetsByTimestamp(topic, Math.max(0, since)),
      admin.fetchTopicOffsets(topic),
    ]);
    return ends
      .map((e) => ({
        partition: e.partition,
        // kafkajs answers the high watermark for a partition with nothing at or after `since`.
        start: BigInt(starts.find((s) => s.partition === e.partition)?.offset ?? e.high),
        end: BigInt(e.high),
      }))
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads `[start, end)` of each partition of `topic` with a throw-away consumer group that commits
 * nothing and is deleted afterwards, handing each batch to `onBatch`. Resolves `complete: true`
 * once every range is read, or `complete: false` when the deadline passed or `signal` aborted
 * first (what was handed over stays handed over); rejects when the consumer fails for good.
 */
export async function scanTopicRange(kafka: Kafka, scan: TopicRangeScan): Promise<{ complete: boolean }> {
  const { topic, groupId } = scan;
  const remaining = new Map(scan.ranges.filter((r) => r.start < r.end).map((r) => [r.partition, r.end]));
  if (remaining.size === 0) return { complete: true };
  if (scan.signal?.aborted) return { complete: false };

  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({
      groupId,
      topic,
      partitions: scan.ranges.map((r) => ({ partition: r.partition, offset: r.start.toString() })),
    });
  } finally {
    await admin.disconnect();
  }

  let settle: (complete: boolean) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const outcome = new Promise<boolean>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const stop = (): void => settle(false);
  const timer = scan.timeoutMs === undefined ? undefined : setTimeout(stop, scan.timeoutMs);
  scan.signal?.addEventListener('abort', stop, { once: true });
  // Aborted while the offsets were being set: the listener came too late to hear it.
  if (scan.signal?.aborted) stop();
  const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, retry: { retries: 5 } });
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) fail(event.payload.error);
  });
  try {
    const started = (async () => {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async (payload) => {
          const { batch } = payload;
          const end = remaining.get(batch.partition);
          if (end === undefined) {
            // A partition outside the ranges, or one already read to its end.
            payload.pause();
            return;
          }
          const messages = batch.messages.filter((m) => BigInt(m.offset) < end);
          if (messages.length > 0) await scan.onBatch(messages, batch.partition);
          await payload.heartbeat();
          if (BigInt(batch.lastOffset()) + 1n >= end) {
            remaining.delete(batch.partition);
            payload.pause();
            if (remaining.size === 0) settle(true);
          }
        },
      });
    })();
    started.catch(fail);
    return { complete: await outcome };
  } finally {
    clearTimeout(timer);
    scan.signal?.removeEventListener('abort', stop);
    await consumer.disconnect().catch(() => undefined);
    await deleteConsumerGroup(kafka, groupId);
  }
}
