import { randomUUID } from 'node:crypto';
import { CE_HEADERS, decodeKafkaHeaders, DELIVERY_HEADERS } from '@lienthong/contracts';
import { DEAD_LETTER_TOPIC } from '@lienthong/delivery';
import { deleteConsumerGroup } from '@lienthong/kafka';
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
 * Reads `lienthong.dlq` from the start up to its end as it was when the scan began, keeping the
 * dead letters of one subscription (header `lienthong-subscription`, written by the router).
 * Stateless: each scan is a throw-away consumer group that commits nothing and is deleted after.
 */
export async function scanDeadLetters(
  kafka: Kafka,
  subscriptionId: string,
  options: { limit: number; timeoutMs: number },
): Promise<DeadLetterScan> {
  const ends = await endOffsets(kafka);
  const found: DeadLetterView[] = [];
  if (ends.size === 0) return { deadLetters: [], truncated: false, complete: true };

  const groupId = `lienthong-gateway-dead-letters-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, retry: { retries: 3 } });
  let complete = false;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: DEAD_LETTER_TOPIC, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, options.timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachMessage: ({ partition, message }) => {
            const headers = decodeKafkaHeaders(message.headers);
            if (headers[DELIVERY_HEADERS.subscription] === subscriptionId) {
              found.push(view(partition, message.offset, headers));
            }
            const end = ends.get(partition);
            if (end !== undefined && BigInt(message.offset) >= end) ends.delete(partition);
            if (ends.size === 0) {
              complete = true;
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  } finally {
    await consumer.disconnect();
    await deleteConsumerGroup(kafka, groupId);
  }
  found.sort((a, b) => (a.deadLetteredAt ?? '').localeCompare(b.deadLetteredAt ?? ''));
  return {
    deadLetters: found.slice(-options.limit),
    truncated: found.length > options.limit,
    complete,
  };
}

/** Last offset of each non-empty partition; empty when the topic is missing or empty. */
async function endOffsets(kafka: Kafka): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(DEAD_LETTER_TOPIC)) return new Map();
    const offsets = await admin.fetchTopicOffsets(DEAD_LETTER_TOPIC);
    return new Map(
      offsets
        .filter((o) => BigInt(o.high) > BigInt(o.low))
        .map((o) => [o.partition, BigInt(o.high) - 1n] as const),
    );
  } finally {
    await admin.disconnect();
  }
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
