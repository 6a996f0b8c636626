import { randomUUID } from 'node:crypto';
import { CE_HEADERS, decodeKafkaHeaders, DELIVERY_HEADERS } from '@lienthong/contracts';
import { DEAD_LETTER_TOPIC } from '@lienthong/delivery';
import { scanTopicRange, topicRangesSince } from '@lienthong/kafka';
import type { Kafka } from 'kafkajs';

/** One dead letter as the API lists it: where and why, never the payload. */
export interface DeadLetterView {
  messageId?: string;
  type?: string;
  source?: string;
  reason?: string;
  lastError?: string;
  attempts?: number;
  deadLetteredAt?: string;
  /** `<topic>/<partition>/<offset>` of the accepted record. */
  origin?: string;
  /** Where the dead letter itself is, in `lienthong.dlq`. */
  partition: number;
  offset: string;
}

export interface DeadLetterScan {
  deadLetters: DeadLetterView[];
  /** More matched than the limit: the oldest were left out. */
  truncated: boolean;
  /** False when the scan stopped at its deadline before reaching the end of the topic. */
  complete: boolean;
}

/**
 * Reads `lienthong.dlq` from the oldest offset kept up to its end as it was when the scan began,
 * keeping the dead letters of one subscription (header `lienthong-subscription`, written by the
 * router). Stateless: each scan is a throw-away consumer group (`scanTopicRange`).
 */
export async function scanDeadLetters(
  kafka: Kafka,
  subscriptionId: string,
  options: { limit: number; timeoutMs: number },
): Promise<DeadLetterScan> {
  const ranges = await topicRangesSince(kafka, DEAD_LETTER_TOPIC, 0);
  const found: DeadLetterView[] = [];
  const { complete } = await scanTopicRange(kafka, {
    topic: DEAD_LETTER_TOPIC,
    ranges,
    groupId: `lienthong-gateway-dead-letters-${randomUUID()}`,
    timeoutMs: options.timeoutMs,
    onBatch: (messages, partition) => {
      for (const message of messages) {
        const headers = decodeKafkaHeaders(message.headers);
        if (headers[DELIVERY_HEADERS.subscription] === subscriptionId) {
          found.push(view(partition, message.offset, headers));
        }
      }
    },
  });
  found.sort((a, b) => (a.deadLetteredAt ?? '').localeCompare(b.deadLetteredAt ?? ''));
  return {
    deadLetters: found.slice(-options.limit),
    truncated: found.length > options.limit,
    complete,
  };
}

function view(partition: number, offset: string, headers: Record<string, string>): DeadLetterView {
  const entry: DeadLetterView = { partition, offset };
  const set = <K extends keyof DeadLetterView>(key: K, value: DeadLetterView[K] | undefined): void => {
    if (value !== undefined) entry[key] = value;
  };
  set('messageId', headers[CE_HEADERS.id]);
  set('type', headers[CE_HEADERS.type]);
  set('source', headers[CE_HEADERS.source]);
  set('reason', headers[DELIVERY_HEADERS.deadLetterReason]);
  set('lastError', headers[DELIVERY_HEADERS.lastError]);
  const attempts = Number(headers[DELIVERY_HEADERS.attempts]);
  set('attempts', Number.isSafeInteger(attempts) ? attempts : undefined);
  set('deadLetteredAt', headers[DELIVERY_HEADERS.deadLetteredAt]);
  set('origin', headers[DELIVERY_HEADERS.origin]);
  return entry;
}
