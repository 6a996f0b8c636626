import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CE_HEADERS,
  decodeKafkaHeaders,
  IDEMPOTENCY_BATCH_INDEX_HEADER,
  IDEMPOTENCY_RECORD_HEADER,
  recordTopic,
} from '@lienthong/contracts';
import { scanTopicRange, topicRangesSince } from '@lienthong/kafka';
import type { Kafka } from 'kafkajs';
import { KAFKA_CLIENT } from '../kafka/kafka-client.token.js';
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
 * attempt's start to the high watermark as it was when the search began (`scanTopicRange`);
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
    const ranges = await topicRangesSince(this.kafka, topic, firstStartedAt - SEARCH_MARGIN_MS);
    const found = new Map<number, WrittenRecord>();
    const { complete } = await scanTopicRange(this.kafka, {
      topic,
      ranges,
      groupId: `lienthong-gateway-recovery-${randomUUID()}`,
      timeoutMs,
      onBatch: (messages, partition) => {
        for (const message of messages) {
          const headers = decodeKafkaHeaders(message.headers);
          if (headers[IDEMPOTENCY_RECORD_HEADER] !== tag) continue;
          const index = Number(headers[IDEMPOTENCY_BATCH_INDEX_HEADER] ?? '0');
          const id = headers[CE_HEADERS.id];
          const acceptedAt = headers[CE_HEADERS.time];
          if (Number.isSafeInteger(index) && id && acceptedAt && !found.has(index)) {
            found.set(index, { id, topic, partition, offset: message.offset, acceptedAt });
          }
        }
      },
    });
    if (!complete) throw new Error(`recovery scan of ${topic} did not finish within ${timeoutMs} ms`);
    if (found.size > 0) this.logger.log(`found ${found.size} record(s) of an earlier attempt in ${topic}`);
    return found;
  }
}
