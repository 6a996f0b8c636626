import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuditFacts } from '@lienthong/audit';
import { AuditSigner, AuditTrailWriter } from '@lienthong/audit';
import { AUDIT_TOPIC } from '@lienthong/delivery';
import { LienthongMetrics } from '@lienthong/observability';
import type { RouterConfig } from '../config/router-config.js';
import { ROUTER_CONFIG } from '../config/router-config.js';
import { RouterKafka } from '../kafka/router-kafka.service.js';

/**
 * Writes delivery, retry and dead-letter events to `lienthong.audit`: signed, hash-chained per
 * partition and writer, with periodic signed checkpoints of the chain heads (@lienthong/audit).
 */
@Injectable()
export class AuditWriter implements OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private trail: AuditTrailWriter | undefined;

  constructor(
    private readonly kafka: RouterKafka,
    private readonly signer: AuditSigner,
    @Inject(ROUTER_CONFIG) private readonly config: RouterConfig,
    private readonly metrics: LienthongMetrics,
  ) {}

  async start(): Promise<void> {
    const admin = await this.kafka.sharedAdmin();
    const { topics } = await admin.fetchTopicMetadata({ topics: [AUDIT_TOPIC] });
    const partitions = topics[0]?.partitions.length ?? 0;
    if (partitions === 0) throw new Error(`${AUDIT_TOPIC} has no partitions`);
    this.trail = new AuditTrailWriter({
      signer: this.signer,
      partitions,
      send: (messages) => this.kafka.write([{ topic: AUDIT_TOPIC, messages }]),
      checkpointIntervalMs: this.config.auditCheckpointIntervalMs,
      onRestart: (writer) => this.logger.warn(`audit write failed; continuing as writer ${writer}`),
      onCheckpointError: (error) => this.logger.warn(`audit checkpoint failed: ${String(error)}`),
    });
    this.trail.start();
  }

  /** Appends events; resolves once Kafka acknowledged them (the caller retries a failure). */
  async write(facts: AuditFacts[]): Promise<void> {
    if (facts.length === 0) return;
    if (!this.trail) throw new Error('audit writer not started');
    try {
      await this.trail.write(facts);
    } catch (error) {
      this.metrics.auditWriteFailed();
      throw error;
    }
    this.metrics.auditWritten(facts.length);
  }

  /** Writes a checkpoint of the chain heads now (tests, operators). */
  checkpoint(): Promise<void> {
    return this.trail?.checkpoint() ?? Promise.resolve();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.trail
      ?.close()
      .catch((error: unknown) => this.logger.warn(`last audit checkpoint failed: ${String(error)}`));
  }
}
