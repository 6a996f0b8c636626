import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { decodeKafkaHeaders, DELIVERY_HEADERS, recordTopic } from '@lienthong/contracts';
import type { RedriveCommand, ReplayCommand, RouterCommand, Subscription } from '@lienthong/delivery';
import { DEAD_LETTER_TOPIC, ROUTER_COMMAND_TOPIC, parseRouterCommand } from '@lienthong/delivery';
import type { PartitionRange } from '@lienthong/kafka';
import { scanTopicRange, topicRangesSince } from '@lienthong/kafka';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { RouterConfig } from '../config/router-config.js';
import { ROUTER_CONFIG } from '../config/router-config.js';
import type { PoisonRecord, Undeliverable } from '../fanout/deliverer.service.js';
import { Deliverer } from '../fanout/deliverer.service.js';
import { readSourceRecord } from '../fanout/routed-record.js';
import { KeyPseudonyms } from '../fanout/key-pseudonyms.js';
import type { Delivery } from '../fanout/subscription-matcher.js';
import { subjectHasher } from '../disclosures/disclosure-log.js';
import { SubscriptionMatcher } from '../fanout/subscription-matcher.js';
import { ConsumerRestarts } from '../kafka/consumer-restarts.js';
import { KAFKA_CLIENT } from '../kafka/kafka-client.token.js';
import { RouterRegistry } from '../registry/router-registry.service.js';
import { unpark } from '../retries/retry-consumer.service.js';

/**
 * Runs replay and redrive commands from `lienthong.router.commands`, one at a time, committing
 * each only once it completed. Each command reads a fixed range of offsets (from the requested
 * time, or the start of the dead letters, up to the end as it was when the command started)
 * with `scanTopicRange`, and delivers to the one subscription named.
 */
@Injectable()
export class RouterCommands implements OnApplicationShutdown {
  private readonly logger = new Logger('Commands');
  private consumer: Consumer | undefined;
  private readonly matcher: SubscriptionMatcher;
  /** Aborts the scans of commands still running at shutdown; they are not committed. */
  private readonly stopping = new AbortController();
  /** Replaces the consumer when kafkajs gives up on it, as the record consumer's. */
  private readonly restarts = new ConsumerRestarts('command consumer', this.logger, async () => {
    const stopped = this.consumer;
    this.consumer = undefined;
    await stopped?.disconnect();
    if (!this.stopping.signal.aborted) await this.start();
  });

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly registry: RouterRegistry,
    private readonly deliverer: Deliverer,
    @Inject(ROUTER_CONFIG) private readonly config: RouterConfig,
    private readonly keys: KeyPseudonyms,
  ) {
    this.matcher = new SubscriptionMatcher(
      registry.state,
      keys,
      subjectHasher(config.disclosureSubjectSecret),
    );
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `${this.config.consumerGroup}-commands`,
      sessionTimeout: 60_000,
      retry: { retries: 10 },
    });
    this.restarts.watch(consumer, () => this.consumer === consumer || this.consumer === undefined);
    await consumer.connect();
    await consumer.subscribe({ topic: ROUTER_COMMAND_TOPIC, fromBeginning: false });
    await consumer.run({
      eachMessage: async (payload) => {
        const { message } = payload;
        const command = parseRouterCommand(message.value);
        if (!command) {
          this.logger.warn(`ignoring an unreadable command at offset ${message.offset}`);
          return;
        }
        const timer = setInterval(() => void payload.heartbeat().catch(() => undefined), 3_000);
        try {
          await this.execute(command);
          this.restarts.succeeded();
        } finally {
          clearInterval(timer);
        }
      },
    });
    this.consumer = consumer;
  }

  /** Consuming commands, or not stopped by an error (then it is being replaced). */
  isReady(): boolean {
    return this.restarts.error === undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    this.restarts.cancel();
    await this.consumer?.disconnect();
  }

  /** Runs one command to completion. */
  async execute(command: RouterCommand): Promise<{ delivered: number }> {
    await this.registry.sync();
    const subscription = this.registry.state.subscriptions.get(command.subscriptionId);
    if (!subscription) {
      this.logger.warn(
        `${command.kind} ${command.commandId}: subscription ${command.subscriptionId} does not exist`,
      );
      return { delivered: 0 };
    }
    const started = Date.now();
    const result =
      command.kind === 'replay'
        ? await this.replay(command, subscription)
        : await this.redrive(command, subscription);
    this.logger.log(
      `${command.kind} ${command.commandId} for ${subscription.id}: ${result.delivered} deliveries in ${Date.now() - started} ms`,
    );
    return result;
  }

  private async replay(command: ReplayCommand, subscription: Subscription): Promise<{ delivered: number }> {
    const since = Date.parse(command.since);
    let delivered = 0;
    for (const type of subscription.types) {
      const topic = recordTopic(type);
      const ranges = await topicRangesSince(this.kafka, topic, since);
      delivered += await this.readRange(command, topic, ranges, async (messages, partition) => {
        const deliveries: Delivery[] = [];
        const poison: PoisonRecord[] = [];
        this.matcher.refresh();
        for (const m of messages) {
          const read = readSourceRecord({
            topic,
            partition,
            offset: m.offset,
            key: m.key,
            value: m.value,
            headers: m.headers,
          });
          if ('poison' in read) continue; // dead-lettered when it was first consumed
          if (read.record.acceptedAt < since) continue;
          const current = this.registry.state.subscriptions.get(subscription.id);
          if (!current) continue;
          deliveries.push(
            ...this.matcher.match(read.record, { only: current, commandId: command.commandId }).deliveries,
          );
        }
        await this.deliverer.handOff(deliveries, { poison });
        return deliveries.length;
      });
    }
    return { delivered };
  }

  private async redrive(command: RedriveCommand, subscription: Subscription): Promise<{ delivered: number }> {
    const since = command.since !== undefined ? Date.parse(command.since) : 0;
    const ranges = await topicRangesSince(this.kafka, DEAD_LETTER_TOPIC, since);
    return {
      delivered: await this.readRange(command, DEAD_LETTER_TOPIC, ranges, async (messages) => {
        const deliveries: Delivery[] = [];
        const undeliverable: Undeliverable[] = [];
        for (const m of messages) {
          const headers = decodeKafkaHeaders(m.headers);
          if (headers[DELIVERY_HEADERS.subscription] !== subscription.id) continue;
          if (Date.parse(headers[DELIVERY_HEADERS.deadLetteredAt] ?? '') < since) continue;
          const parked = unpark(this.registry.state, this.keys, m, 0);
          if (!parked) continue;
          if ('delivery' in parked) {
            parked.delivery.carried[DELIVERY_HEADERS.command] = command.commandId;
            deliveries.push(parked.delivery);
          } else {
            undeliverable.push(parked.undeliverable);
          }
        }
        await this.deliverer.handOff(deliveries, { undeliverable });
        return deliveries.length;
      }),
    };
  }

  /**
   * Reads `[start, end)` of each partition of `topic` (`scanTopicRange`) and hands each fetched
   * batch to `handle`; rejects when shutdown stopped the scan first, so the command is not
   * committed and runs again.
   */
  private async readRange(
    command: RouterCommand,
    topic: string,
    ranges: PartitionRange[],
    handle: (messages: KafkaMessage[], partition: number) => Promise<number>,
  ): Promise<number> {
    let count = 0;
    const { complete } = await scanTopicRange(this.kafka, {
      topic,
      ranges,
      groupId: `${this.config.consumerGroup}-${command.kind}-${command.commandId}`,
      signal: this.stopping.signal,
      onBatch: async (messages, partition) => {
        count += await handle(messages, partition);
      },
    });
    if (!complete) throw new Error(`${command.kind} ${command.commandId} stopped before the end of ${topic}`);
    return count;
  }
}
