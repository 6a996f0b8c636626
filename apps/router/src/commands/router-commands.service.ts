import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { recordTopic } from '@lienthong/contracts';
import type { RedriveCommand, ReplayCommand, RouterCommand, Subscription } from '@lienthong/delivery';
import {
  DEAD_LETTER_TOPIC,
  DELIVERY_HEADERS,
  ROUTER_COMMAND_TOPIC,
  parseRouterCommand,
} from '@lienthong/delivery';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { RouterConfig } from '../config/router-config.js';
import { ROUTER_CONFIG } from '../config/router-config.js';
import type { PoisonRecord, Undeliverable } from '../fanout/deliverer.service.js';
import { Deliverer } from '../fanout/deliverer.service.js';
import { readSourceRecord, stringHeaders } from '../fanout/routed-record.js';
import { KeyPseudonyms } from '../fanout/key-pseudonyms.js';
import type { Delivery } from '../fanout/subscription-matcher.js';
import { subjectHasher } from '../disclosures/disclosure-log.js';
import { SubscriptionMatcher } from '../fanout/subscription-matcher.js';
import { KAFKA_CLIENT } from '../kafka/kafka-client.token.js';
import { RouterKafka } from '../kafka/router-kafka.service.js';
import { RouterRegistry } from '../registry/router-registry.service.js';
import { unpark } from '../retries/retry-consumer.service.js';

/** Start and end (exclusive) offsets of one partition to read. */
interface PartitionRange {
  partition: number;
  start: bigint;
  end: bigint;
}

/**
 * Runs replay and redrive commands from `lienthong.router.commands`, one at a time, committing
 * each only once it completed. Each command reads a fixed range of offsets (from the requested
 * time, or the start of the dead letters, up to the end as it was when the command started)
 * with a throw-away consumer group whose offsets are set before it joins, and delivers to the
 * one subscription named.
 */
@Injectable()
export class RouterCommands implements OnApplicationShutdown {
  private readonly logger = new Logger('Commands');
  private consumer: Consumer | undefined;
  private readonly matcher: SubscriptionMatcher;
  private readonly running = new Set<Consumer>();
  private stopped = false;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly routerKafka: RouterKafka,
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
        } finally {
          clearInterval(timer);
        }
      },
    });
    this.consumer = consumer;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.running].map((c) => c.disconnect().catch(() => undefined)));
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
    const admin = await this.routerKafka.sharedAdmin();
    const existing = new Set(await admin.listTopics());
    let delivered = 0;
    for (const type of subscription.types) {
      const topic = recordTopic(type);
      if (!existing.has(topic)) continue;
      const [starts, ends] = await Promise.all([
        admin.fetchTopicOffsetsByTimestamp(topic, since),
        admin.fetchTopicOffsets(topic),
      ]);
      const ranges = ends.map((e) => ({
        partition: e.partition,
        start: BigInt(starts.find((s) => s.partition === e.partition)?.offset ?? e.high),
        end: BigInt(e.high),
      }));
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
    const admin = await this.routerKafka.sharedAdmin();
    const [starts, ends] = await Promise.all([
      admin.fetchTopicOffsetsByTimestamp(DEAD_LETTER_TOPIC, since),
      admin.fetchTopicOffsets(DEAD_LETTER_TOPIC),
    ]);
    const ranges = ends.map((e) => ({
      partition: e.partition,
      start: BigInt(starts.find((s) => s.partition === e.partition)?.offset ?? e.low),
      end: BigInt(e.high),
    }));
    return {
      delivered: await this.readRange(command, DEAD_LETTER_TOPIC, ranges, async (messages) => {
        const deliveries: Delivery[] = [];
        const undeliverable: Undeliverable[] = [];
        for (const m of messages) {
          const headers = stringHeaders(m.headers);
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
   * Reads `[start, end)` of each partition of `topic` with a throw-away group and hands each
   * fetched batch to `handle`; resolves when every partition reached its end.
   */
  private async readRange(
    command: RouterCommand,
    topic: string,
    ranges: PartitionRange[],
    handle: (messages: KafkaMessage[], partition: number) => Promise<number>,
  ): Promise<number> {
    const pending = ranges.filter((r) => r.start < r.end);
    if (pending.length === 0 || this.stopped) return 0;
    const groupId = `${this.config.consumerGroup}-${command.kind}-${command.commandId}`;
    const admin = await this.routerKafka.sharedAdmin();
    await admin.setOffsets({
      groupId,
      topic,
      partitions: pending.map((r) => ({ partition: r.partition, offset: r.start.toString() })),
    });
    const remaining = new Map(pending.map((r) => [r.partition, r.end]));
    let count = 0;
    let finish: () => void = () => undefined;
    let fail: (error: unknown) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    const consumer = this.kafka.consumer({ groupId, sessionTimeout: 30_000, retry: { retries: 5 } });
    this.running.add(consumer);
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) fail(event.payload.error);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async (payload) => {
          const { batch } = payload;
          const end = remaining.get(batch.partition);
          if (end === undefined) return;
          const messages = batch.messages.filter((m) => BigInt(m.offset) < end);
          if (messages.length > 0) count += await handle(messages, batch.partition);
          await payload.heartbeat();
          if (BigInt(batch.lastOffset()) + 1n >= end) {
            remaining.delete(batch.partition);
            if (remaining.size === 0) finish();
          }
        },
      });
      await done;
      return count;
    } finally {
      this.running.delete(consumer);
      await consumer.disconnect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  }
}
