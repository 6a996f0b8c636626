import type { Message } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { AUDIT_TOPIC } from '@lienthong/delivery';
import { AuditChain } from './audit-chain.js';
import type { AuditCheckpoint, AuditEvent, AuditFacts } from './audit-event.js';
import type { AuditSigner } from './audit-keys.js';

export interface AuditTrailWriterOptions {
  signer: AuditSigner;
  /** Partitions of `lienthong.audit`. */
  partitions: number;
  /** Writes to `lienthong.audit`; resolves once Kafka acknowledged every message (acks=-1). */
  send(messages: Message[]): Promise<void>;
  /** How often a checkpoint of the chain heads is written; 0 only on `close`. */
  checkpointIntervalMs: number;
  /** Told when the writer continues on new chains after a failed write (for a log line). */
  onRestart?(writer: string, error: unknown): void;
  /** Told when a periodic checkpoint could not be written. */
  onCheckpointError?(error: unknown): void;
  writer?: string;
}

/** Kafka's default partitioner (murmur2 of the key), as any Kafka client would choose. */
const partitioner = Partitioners.DefaultPartitioner();

/**
 * Writes signed, chained audit events and periodic checkpoints to `lienthong.audit`. Writes
 * are serialised so that chain order is log order; the partition is chosen here because an
 * event must know its partition before it is hashed and signed.
 */
export class AuditTrailWriter {
  private readonly chain: AuditChain;
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: AuditTrailWriterOptions) {
    if (!Number.isInteger(options.partitions) || options.partitions < 1)
      throw new RangeError(`${AUDIT_TOPIC} must have at least one partition`);
    this.chain = new AuditChain(options.signer, options.writer);
  }

  get writerId(): string {
    return this.chain.writerId;
  }

  /** Starts the periodic checkpoints. */
  start(): void {
    if (this.options.checkpointIntervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.checkpoint().catch((error: unknown) => this.options.onCheckpointError?.(error));
    }, this.options.checkpointIntervalMs);
    this.timer.unref();
  }

  /** Appends events; resolves once Kafka acknowledged them. */
  write(facts: readonly AuditFacts[]): Promise<void> {
    if (facts.length === 0) return Promise.resolve();
    return this.serialised(async () => {
      await this.send(facts);
      // Shutdown hooks run side by side: a write after `close` is anchored at once. The events
      // are acknowledged whatever becomes of the checkpoint, so its failure is only reported.
      if (this.closed)
        await this.writeCheckpoint().catch((error: unknown) => this.options.onCheckpointError?.(error));
    });
  }

  /** Writes a checkpoint of every acknowledged chain head, when one moved since the last. */
  checkpoint(): Promise<void> {
    return this.serialised(() => this.writeCheckpoint());
  }

  private async writeCheckpoint(): Promise<void> {
    if (!this.chain.hasNews) return;
    const partition = this.partitionOf(this.chain.writerId);
    const checkpoint = this.chain.checkpoint(partition);
    await this.options.send([message(checkpoint.writer, checkpoint)]);
    this.chain.checkpointed(checkpoint);
  }

  /** Stops the timer and writes a last checkpoint (graceful shutdown); later writes get their own. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.checkpoint();
  }

  private serialised(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send(facts: readonly AuditFacts[]): Promise<void> {
    const partitions = facts.map((f) => this.partitionOf(f.messageId));
    // One signature per chain and write: the last event of each partition is signed and
    // vouches, through the hash links, for the ones before it.
    const last = new Map<number, number>();
    partitions.forEach((partition, index) => last.set(partition, index));
    const events: AuditEvent[] = facts.map((f, index) =>
      this.chain.next(partitions[index]!, f, last.get(partitions[index]!) === index),
    );
    try {
      await this.options.send(events.map((event) => message(event.messageId, event)));
    } catch (error) {
      // The events may or may not be in the log: continue on new chains rather than fork one.
      this.chain.restart();
      this.options.onRestart?.(this.chain.writerId, error);
      throw error;
    }
    this.chain.acknowledge(events);
  }

  private partitionOf(key: string): number {
    const partitionMetadata = Array.from({ length: this.options.partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    }));
    return partitioner({ topic: AUDIT_TOPIC, partitionMetadata, message: { key, value: null } });
  }
}

function message(key: string, record: AuditEvent | AuditCheckpoint): Message {
  return {
    key,
    partition: record.partition,
    value: JSON.stringify(record),
    headers: { 'content-type': 'application/json' },
  };
}
