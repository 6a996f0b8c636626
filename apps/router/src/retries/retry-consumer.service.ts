import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CE_HEADERS, decodeKafkaHeaders, DELIVERY_HEADERS } from '@lienthong/contracts';
import { decodeDisclosureFacts } from '@lienthong/delivery';
import type { RegistryState } from '@lienthong/registry';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { RouterConfig } from '../config/router-config.js';
import { ROUTER_CONFIG } from '../config/router-config.js';
import type { Undeliverable } from '../fanout/deliverer.service.js';
import { Deliverer } from '../fanout/deliverer.service.js';
import { KeyPseudonyms } from '../fanout/key-pseudonyms.js';
import type { Delivery } from '../fanout/subscription-matcher.js';
import { KAFKA_CLIENT } from '../kafka/kafka-client.token.js';
import { ConsumerRestarts } from '../kafka/consumer-restarts.js';
import { retryTopic } from '../kafka/router-kafka.service.js';
import { RouterRegistry } from '../registry/router-registry.service.js';

/** Headers that belong to the parked message, not to what is delivered again. */
const PARKING_HEADERS: readonly string[] = [
  DELIVERY_HEADERS.subscription,
  DELIVERY_HEADERS.attempts,
  DELIVERY_HEADERS.dueAt,
  DELIVERY_HEADERS.lastError,
  DELIVERY_HEADERS.deadLetterReason,
  DELIVERY_HEADERS.deadLetteredAt,
  DELIVERY_HEADERS.disclosure,
];

/**
 * Rebuilds a delivery from a parked message (retry topic or dead letter) for the current state
 * of its subscription; an undeliverable entry when the subscription is gone or paused. A clear
 * personal key parked while the grant was held (or by a router older than key pseudonyms) is
 * pseudonymised if the grant is gone now.
 */
export function unpark(
  state: RegistryState,
  keys: KeyPseudonyms,
  message: Pick<KafkaMessage, 'key' | 'value' | 'headers'>,
  attempts?: number,
): { delivery: Delivery } | { undeliverable: Undeliverable } | undefined {
  const headers = decodeKafkaHeaders(message.headers);
  const subscriptionId = headers[DELIVERY_HEADERS.subscription];
  const messageId = headers[CE_HEADERS.id];
  if (!subscriptionId || !messageId || message.value === null) return undefined;
  const carried: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (!PARKING_HEADERS.includes(name)) carried[name] = value;
  const subscription = state.subscriptions.get(subscriptionId);
  const delivery: Delivery = {
    subscription: subscription ?? {
      id: subscriptionId,
      agency: '',
      types: [],
      delivery: { mode: 'kafka' },
      status: 'paused',
      createdAt: '',
      createdBy: '',
    },
    messageId,
    type: headers[CE_HEADERS.type] ?? '',
    publisher: headers[CE_HEADERS.source] ?? '',
    key: message.key,
    body: message.value,
    carried,
    attempts: attempts ?? (Number(headers[DELIVERY_HEADERS.attempts]) || 0),
    origin: headers[DELIVERY_HEADERS.origin] ?? '',
  };
  // The parked message is keyed by message id: only its ce_subject can hold the record key.
  if (subscription && keys.required(subscription, delivery.type)) keys.apply(subscription, carried, null);
  const disclosure = decodeDisclosureFacts(headers[DELIVERY_HEADERS.disclosure]);
  if (disclosure) delivery.disclosure = disclosure;
  if (!subscription || subscription.status !== 'active') {
    return {
      undeliverable: {
        delivery,
        reason: 'subscription-inactive',
        error: subscription ? 'subscription paused' : 'subscription deleted',
      },
    };
  }
  return { delivery };
}

/**
 * Consumes `lienthong.retry.<n>`. Each message carries the time before which it must not be
 * attempted; the consumer pauses only that partition until then (other partitions and the
 * record topics keep flowing) and re-reads from the first message not yet due. Messages of one
 * retry topic share one delay, so they become due roughly in log order.
 */
@Injectable()
export class RetryConsumer implements OnApplicationShutdown {
  private readonly logger = new Logger('Retries');
  private consumer: Consumer | undefined;
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private stopped = false;
  /** Replaces the consumer when kafkajs gives up on it, as the record consumer's. */
  private readonly restarts = new ConsumerRestarts('retry consumer', this.logger, async () => {
    const stopped = this.consumer;
    this.consumer = undefined;
    await stopped?.disconnect();
    if (!this.stopped) await this.start();
  });

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly registry: RouterRegistry,
    private readonly deliverer: Deliverer,
    @Inject(ROUTER_CONFIG) private readonly config: RouterConfig,
    private readonly keys: KeyPseudonyms,
  ) {}

  get groupId(): string {
    return `${this.config.consumerGroup}-retry`;
  }

  /** Consuming, or not stopped by an error (then it is being replaced). */
  isReady(): boolean {
    return this.restarts.error === undefined;
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 30_000,
      retry: { retries: 10 },
    });
    this.restarts.watch(consumer, () => this.consumer === consumer || this.consumer === undefined);
    await consumer.connect();
    await consumer.subscribe({
      topics: this.config.retryDelaysMs.map((_, i) => retryTopic(i + 1)),
      fromBeginning: true,
    });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.config.partitionsConsumedConcurrently,
      eachBatch: async (payload) => {
        await this.onBatch(payload);
        this.restarts.succeeded();
      },
    });
    this.consumer = consumer;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.restarts.cancel();
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    await this.consumer?.disconnect();
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    await this.registry.sync();
    const now = Date.now();
    const due: KafkaMessage[] = [];
    let waitUntil: number | undefined;
    for (const message of batch.messages) {
      const dueAt = Number(decodeKafkaHeaders(message.headers)[DELIVERY_HEADERS.dueAt] ?? 0);
      if (dueAt > now) {
        waitUntil = dueAt;
        break;
      }
      due.push(message);
    }
    if (due.length > 0 && payload.isRunning() && !payload.isStale()) {
      const deliveries: Delivery[] = [];
      const undeliverable: Undeliverable[] = [];
      for (const message of due) {
        const parked = unpark(this.registry.state, this.keys, message);
        if (!parked) continue; // not ours to read: nothing could deliver it
        if ('delivery' in parked) deliveries.push(parked.delivery);
        else undeliverable.push(parked.undeliverable);
      }
      await this.deliverer.handOff(deliveries, { undeliverable });
      payload.resolveOffset(due[due.length - 1]!.offset);
      await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
      await payload.heartbeat();
    }
    if (waitUntil !== undefined) {
      // Re-read this partition from the first message not yet due, once it is.
      const resume = payload.pause();
      const timer = setTimeout(() => {
        this.resumeTimers.delete(timer);
        resume();
      }, waitUntil - Date.now());
      this.resumeTimers.add(timer);
      this.logger.debug?.(`${batch.topic}/${batch.partition} waits ${waitUntil - Date.now()} ms`);
    }
  }
}
