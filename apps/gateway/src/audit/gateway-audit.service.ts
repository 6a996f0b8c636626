import { randomUUID } from 'node:crypto';
import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuditFacts } from '@lienthong/audit';
import { AuditSigner, AuditTrailWriter, auditTopicSpec } from '@lienthong/audit';
import { AUDIT_TOPIC } from '@lienthong/delivery';
import { ensureTopics } from '@lienthong/kafka';
import { LienthongMetrics } from '@lienthong/observability';
import type { Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import { KAFKA_CLIENT } from '../kafka/kafka-client.token.js';

/** Facts for {@link GatewayAudit.record}: `at` defaults to now. */
export type GatewayAuditFacts = Omit<AuditFacts, 'at'> & { at?: string };

/** Events written together in one produce request. */
const BATCH_EVENTS = 500;
/** Events kept while Kafka does not take them; beyond, new ones are dropped (and counted). */
const MAX_QUEUED_EVENTS = 100_000;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;
/** How long shutdown keeps trying to write what is queued. */
const SHUTDOWN_FLUSH_MS = 10_000;

/**
 * The gateway's decisions in `lienthong.audit` (docs/audit.md): same signed chain format as the
 * router, its own writer id per process. `record` never waits and never throws, so a publish
 * that Kafka acknowledged is never failed or slowed by its audit event: facts are queued,
 * written in batches after `AUDIT_LINGER_MS`, and retried (on a new chain) until Kafka takes
 * them. What is still queued when the process dies is lost; a graceful shutdown writes it first.
 */
@Injectable()
export class GatewayAudit implements OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private queue: AuditFacts[] = [];
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private trail: Promise<AuditTrailWriter> | undefined;
  private producer: Producer | undefined;
  private failures = 0;
  private stopping = false;
  /** Until when queued facts are still tried: forever, until shutdown sets a deadline. */
  private deadline = Number.POSITIVE_INFINITY;
  private dropWarnedAt = 0;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly signer: AuditSigner,
    private readonly metrics: LienthongMetrics,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Queues audit facts (metadata only: never a body or a personal value). Returns at once;
   * see {@link flush} to wait until they are in Kafka.
   */
  record(facts: GatewayAuditFacts | readonly GatewayAuditFacts[]): void {
    const list: readonly GatewayAuditFacts[] = Array.isArray(facts) ? facts : [facts as GatewayAuditFacts];
    if (list.length === 0) return;
    const room = MAX_QUEUED_EVENTS - this.queue.length;
    if (room < list.length) this.dropped(list.length - Math.max(room, 0), 'the audit queue is full');
    const now = new Date().toISOString();
    for (const fact of list.slice(0, Math.max(room, 0))) {
      // The id is fixed now: a retried write keeps it, so readers can drop a duplicate.
      this.queue.push({ ...fact, at: fact.at ?? now, eventId: fact.eventId ?? randomUUID() });
    }
    this.schedule();
  }

  /** Resolves once every fact recorded so far is acknowledged by Kafka (tests, lookups). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.draining) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.draining ??= this.drain();
      await this.draining;
    }
  }

  /** Writes a checkpoint of this writer's chain heads now. */
  async checkpoint(): Promise<void> {
    await (await this.writer()).checkpoint();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.deadline = Date.now() + SHUTDOWN_FLUSH_MS;
    this.draining ??= this.queue.length > 0 ? this.drain() : undefined;
    await this.draining;
    if (this.queue.length > 0) this.dropped(this.queue.splice(0).length, 'the gateway stopped');
    if (this.trail) {
      await (
        await this.trail.catch(() => undefined)
      )
        ?.close()
        .catch((error: unknown) => this.logger.warn(`last audit checkpoint failed: ${String(error)}`));
    }
    await this.producer?.disconnect().catch(() => undefined);
  }

  private schedule(): void {
    if (this.draining || this.timer || this.stopping) return;
    const linger = this.queue.length >= BATCH_EVENTS ? 0 : this.config.auditLingerMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draining ??= this.drain();
    }, linger);
    this.timer.unref();
  }

  /** Writes the queue in batches, in order; a failed batch goes back in front and is retried. */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0 && Date.now() < this.deadline) {
        const batch = this.queue.splice(0, BATCH_EVENTS);
        try {
          await (await this.writer()).write(batch);
          this.metrics.auditWritten(batch.length);
          this.failures = 0;
        } catch (error) {
          this.queue.unshift(...batch);
          this.failures++;
          this.metrics.auditWriteFailed();
          this.logger.warn(
            `audit write of ${batch.length} events failed (${this.failures} in a row): ${String(error)}`,
          );
          const wait = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.failures - 1));
          await new Promise((resolve) =>
            setTimeout(resolve, Math.min(wait, Math.max(0, this.deadline - Date.now()))),
          );
        }
      }
    } finally {
      this.draining = undefined;
    }
    if (this.queue.length > 0 && !this.stopping) this.schedule();
  }

  /** The writer, set up on first use so that the gateway starts while Kafka is away. */
  private writer(): Promise<AuditTrailWriter> {
    this.trail ??= this.open().catch((error: unknown) => {
      this.trail = undefined;
      throw error;
    });
    return this.trail;
  }

  private async open(): Promise<AuditTrailWriter> {
    await ensureTopics(this.kafka, [
      auditTopicSpec(this.config.auditTopicPartitions, this.config.kafkaReplicationFactor),
    ]);
    const admin = this.kafka.admin();
    await admin.connect();
    let partitions: number;
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [AUDIT_TOPIC] });
      partitions = topics[0]?.partitions.length ?? 0;
    } finally {
      await admin.disconnect();
    }
    // Its own producer: audit batches never queue behind (or in front of) records.
    this.producer ??= this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    const producer = this.producer;
    const trail = new AuditTrailWriter({
      signer: this.signer,
      partitions,
      send: async (messages) => {
        await producer.send({
          topic: AUDIT_TOPIC,
          messages,
          acks: -1,
          timeout: this.config.produceAckTimeoutMs,
        });
      },
      checkpointIntervalMs: this.config.auditCheckpointIntervalMs,
      onRestart: (writer) => this.logger.warn(`audit write failed; continuing as writer ${writer}`),
      onCheckpointError: (error) => this.logger.warn(`audit checkpoint failed: ${String(error)}`),
    });
    trail.start();
    return trail;
  }

  private dropped(events: number, why: string): void {
    this.metrics.auditDropped(events);
    if (Date.now() - this.dropWarnedAt > 10_000) {
      this.dropWarnedAt = Date.now();
      this.logger.error(`${events} audit events dropped: ${why}`);
    }
  }
}
