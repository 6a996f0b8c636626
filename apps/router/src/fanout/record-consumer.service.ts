import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { decodeKafkaHeaders, RECORD_TOPIC_PREFIX, recordTopic } from '@lienthong/contracts';
import { LienthongMetrics } from '@lienthong/observability';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { RouterConfig } from '../config/router-config.js';
import { ROUTER_CONFIG } from '../config/router-config.js';
import { ConsumerRestarts } from '../kafka/consumer-restarts.js';
import { KAFKA_CLIENT } from '../kafka/kafka-client.token.js';
import { RouterKafka } from '../kafka/router-kafka.service.js';
import { RouterRegistry } from '../registry/router-registry.service.js';
import type { PoisonRecord } from './deliverer.service.js';
import { Deliverer } from './deliverer.service.js';
import { KeyPseudonyms } from './key-pseudonyms.js';
import type { SourceRecord } from './routed-record.js';
import { readSourceRecord } from './routed-record.js';
import type { Delivery } from './subscription-matcher.js';
import { subjectHasher } from '../disclosures/disclosure-log.js';
import { SubscriptionMatcher } from './subscription-matcher.js';

/** Records handed off together: one inbox request, one audit and disclosure request, one offset commit. */
const CHUNK = 200;

/**
 * The consumer group over every `lienthong.records.<type>`. kafkajs matches topics only when
 * it subscribes, so when the registry learns a type this consumer does not read yet, it is
 * replaced by one subscribed to the new list (committed offsets carry over; a new topic is read
 * from its beginning, so records published before the switch are not skipped).
 */
@Injectable()
export class RecordConsumer implements OnApplicationShutdown {
  private readonly logger = new Logger('Fanout');
  private consumer: Consumer | undefined;
  private topics: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;
  private joined = false;
  /** Replaces the consumer when kafkajs gives up on it (docs/delivery.md, "Delivery"). */
  private readonly restarts = new ConsumerRestarts('record consumer', this.logger, () => {
    this.topics = []; // so that the refresh replaces the stopped consumer
    return this.scheduleRefresh();
  });
  readonly matcher: SubscriptionMatcher;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly routerKafka: RouterKafka,
    private readonly registry: RouterRegistry,
    private readonly deliverer: Deliverer,
    private readonly metrics: LienthongMetrics,
    @Inject(ROUTER_CONFIG) private readonly config: RouterConfig,
    keys: KeyPseudonyms,
  ) {
    this.matcher = new SubscriptionMatcher(
      registry.state,
      keys,
      subjectHasher(config.disclosureSubjectSecret),
    );
  }

  async start(): Promise<void> {
    this.registry.state.onVersionAdded(() => void this.scheduleRefresh());
    await this.scheduleRefresh();
    this.timer = setInterval(() => void this.scheduleRefresh(), this.config.topicRefreshMs);
    this.timer.unref();
  }

  /** The topics consumed now (health, tests). */
  consumedTopics(): readonly string[] {
    return this.topics;
  }

  /** Joined its group (or has nothing to consume yet), and not stopped by an error. */
  isReady(): boolean {
    return !this.stopped && this.restarts.error === undefined && (this.topics.length === 0 || this.joined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.restarts.cancel();
    await this.refreshing;
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private scheduleRefresh(): Promise<void> {
    this.refreshing = this.refreshing
      .then(() => this.refresh())
      .catch((error: unknown) => this.logger.error(`topic refresh failed: ${String(error)}`));
    return this.refreshing;
  }

  private async refresh(): Promise<void> {
    if (this.stopped) return;
    const admin = await this.routerKafka.sharedAdmin();
    const existing = new Set(await admin.listTopics());
    const wanted = this.registry.state
      .types()
      .map(recordTopic)
      .filter((t) => existing.has(t))
      .sort();
    if (wanted.join('\n') === this.topics.join('\n')) return;
    await this.consumer?.disconnect();
    this.consumer = undefined;
    this.joined = false;
    this.topics = wanted;
    if (wanted.length === 0 || this.stopped) return;
    const consumer = this.kafka.consumer({
      groupId: this.config.consumerGroup,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      retry: { retries: 10 },
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.joined = false;
    });
    this.restarts.watch(consumer, () => this.consumer === consumer || this.consumer === undefined);
    await consumer.connect();
    await consumer.subscribe({ topics: wanted, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.config.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.consumer = consumer;
    this.logger.log(`consuming ${wanted.length} record topic(s) as group ${this.config.consumerGroup}`);
  }

  /**
   * Hands a fetched batch off chunk by chunk, pipelined: while the audit and disclosure events of
   * chunk N are being written, chunk N+1 is routed and written to its inboxes. A chunk's offset is
   * resolved and committed only once its hand-off writes and its events were acknowledged, and in
   * order: chunk N is settled before chunk N+1's offset can be (a crash re-delivers at most the
   * chunks in flight, and never leaves a committed record without its audit and disclosure events).
   */
  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (!batch.topic.startsWith(RECORD_TOPIC_PREFIX)) return;
    await this.registry.sync();
    this.matcher.refresh();
    let pending: { recorded: Promise<void>; lastOffset: string } | undefined;
    const settle = async (): Promise<void> => {
      if (!pending) return;
      const { recorded, lastOffset } = pending;
      pending = undefined;
      await recorded;
      payload.resolveOffset(lastOffset);
      // Without autoCommitInterval/Threshold kafkajs would commit only when the whole batch is
      // done (a fetch can hold thousands of records): commit each chunk once it is recorded.
      await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
      await payload.heartbeat();
    };
    try {
      for (let i = 0; i < batch.messages.length; i += CHUNK) {
        if (!payload.isRunning() || payload.isStale()) break;
        const chunk = batch.messages.slice(i, i + CHUNK);
        const { recorded } = await this.route(
          chunk.map((m) => ({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key,
            value: m.value,
            headers: m.headers,
          })),
        );
        // The previous chunk's events were written before this chunk's hand-off started.
        await settle();
        pending = { recorded, lastOffset: chunk[chunk.length - 1]!.offset };
      }
    } finally {
      // Whatever stopped the loop, the chunk in flight is settled (or its failure surfaces).
      await settle();
    }
    this.restarts.succeeded();
  }

  /**
   * Routes records to every matching subscription and hands the deliveries off; resolves when
   * the hand-off's writes are acknowledged, with the write of its events (`Deliverer.deliver`).
   */
  private async route(records: SourceRecord[]): Promise<{ recorded: Promise<void> }> {
    const deliveries: Delivery[] = [];
    const poison: PoisonRecord[] = [];
    for (const source of records) {
      const read = readSourceRecord(source);
      if ('poison' in read) {
        poison.push({
          origin: `${source.topic}/${source.partition}/${source.offset}`,
          key: source.key,
          value: source.value,
          headers: decodeKafkaHeaders(source.headers),
          reason: read.poison,
        });
        continue;
      }
      try {
        const { deliveries: matched, filtered } = this.matcher.match(read.record);
        deliveries.push(...matched);
        for (const s of filtered) this.metrics.delivery(s.id, 'filtered');
      } catch (error) {
        // A record no subscription can be computed for must not hold its partition.
        poison.push({
          origin: read.record.origin,
          key: source.key,
          value: source.value,
          headers: decodeKafkaHeaders(source.headers),
          reason: `cannot be routed: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
    return this.deliverer.deliver(deliveries, { poison });
  }
}
