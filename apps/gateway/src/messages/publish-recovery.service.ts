import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CE_HEADERS,
  decodeKafkaHeaders,
  IDEMPOTENCY_BATCH_INDEX_HEADER,
  IDEMPOTENCY_RECORD_HEADER,
  recordTopic,
} from '@lienthong/contracts';
import { deleteConsumerGroup } from '@lienthong/kafka';
import type { Kafka } from 'kafkajs';
import { KAFKA_CLIENT } from '../kafka/kafka.module.js';
import type { WrittenRecord } from './messages.dto.js';

/**
 * How far before the first attempt's claim the search starts: record timestamps come from the
 * writing replica's clock (kafkajs CreateTime), which may run behind the claiming replica's.
 */
const SEARCH_MARGIN_MS = 60_000;

/**
 * Finds the records an earlier attempt of an idempotent publish wrote, so that a retry which
 * took over its claim answers from them instead of writing a second copy. Reads the type's
 * topic on every partition (a batch spreads over partitions) from the offsets of the first
 * attempt's start (`offsetsForTimes`) to the high watermark as it was when the search began;
 * records are recognised by the `lienthong-idempotency-key` header.
 */
@Injectable()
export class PublishRecovery {
  private readonly logger = new Logger('PublishRecovery');

  constructor(@Inject(KAFKA_CLIENT) private readonly kafka: Kafka) {}

  /**
   * The records tagged `tag` in `type`'s topic written since `firstStartedAt` (epoch ms), by index
   * in the request (0 for a single publish). Rejects when Kafka cannot be read to the end within
   * `timeoutMs`: the caller must then neither write nor answer from nothing.
   */
  async findWritten(
    type: string,
    tag: string,
    firstStartedAt: number,
    timeoutMs: number,
  ): Promise<Map<number, WrittenRecord>> {
    const topic = recordTopic(type);
    const since = Math.max(0, firstStartedAt - SEARCH_MARGIN_MS);
    const ranges = await this.ranges(topic, since);
    const found = new Map<number, WrittenRecord>();
    if (ranges.size === 0) return found;

    const groupId = `lienthong-gateway-recovery-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, retry: { retries: 3 } });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: false });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`recovery scan of ${topic} did not finish within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const done = (partition: number, offset: bigint): void => {
          const range = ranges.get(partition);
          if (range !== undefined && offset >= range.last) ranges.delete(partition);
          if (ranges.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        };
        consumer
          .run({
            autoCommit: false,
            eachMessage: ({ partition, message }) => {
              // Until the seek applies a fetch may start at the end: only offsets in range count.
              const range = ranges.get(partition);
              const offset = BigInt(message.offset);
              if (range === undefined || offset < range.first || offset > range.last)
                return Promise.resolve();
              const headers = decodeKafkaHeaders(message.headers);
              if (headers[IDEMPOTENCY_RECORD_HEADER] === tag) {
                const index = Number(headers[IDEMPOTENCY_BATCH_INDEX_HEADER] ?? '0');
                const id = headers[CE_HEADERS.id];
                const acceptedAt = headers[CE_HEADERS.time];
                if (Number.isSafeInteger(index) && id && acceptedAt && !found.has(index)) {
                  found.set(index, { id, topic, partition, offset: message.offset, acceptedAt });
                }
              }
              done(partition, offset);
              return Promise.resolve();
            },
          })
          .then(() => {
            for (const [partition, range] of ranges) {
              consumer.seek({ topic, partition, offset: String(range.first) });
            }
          })
          .catch((error: unknown) => {
            clearTimeout(timer);
            reject(error instanceof Error ? error : new Error(String(error)));
          });
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await deleteConsumerGroup(this.kafka, groupId);
    }
    if (found.size > 0) this.logger.log(`found ${found.size} record(s) of an earlier attempt in ${topic}`);
    return found;
  }

  /** Per partition, the first offset written at or after `since` and the last offset now. */
  private async ranges(topic: string, since: number): Promise<Map<number, { first: bigint; last: bigint }>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const high = await admin.fetchTopicOffsets(topic);
      const from = await admin.fetchTopicOffsetsByTimestamp(topic, since);
      const ranges = new Map<number, { first: bigint; last: bigint }>();
      for (const { partition, offset } of from) {
        const end = high.find((h) => h.partition === partition);
        if (end === undefined) continue;
        const first = BigInt(offset);
        const last = BigInt(end.high) - 1n;
        if (first <= last) ranges.set(partition, { first, last });
      }
      return ranges;
    } finally {
      await admin.disconnect();
    }
  }
}
