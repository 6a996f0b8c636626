import { randomUUID } from 'node:crypto';
import type { RecordProducer, TopicSpec } from '@lienthong/kafka';
import { fetchTopicOffsetsWhenServed } from '@lienthong/kafka';
import type { Consumer, Kafka } from 'kafkajs';
import type { RegistryKind, RegistryRecord } from './registry-record.js';
import { REGISTRY_RECORD_FORMAT, REGISTRY_TOPIC, registryKey } from './registry-record.js';

/** What applying one record did; the writer of that record receives it. */
export type ApplyOutcome =
  { accepted: true; result?: unknown } | { accepted: false; reason: string; details?: unknown };

/** A deterministic state machine fed by the log, in log order. Never throws for bad data. */
export interface RegistryStateMachine {
  apply(record: RegistryRecord, offset: bigint): ApplyOutcome;
}

/** The registry topic: one partition (one log order), compacted, with the given replication factor. */
export function registryTopicSpec(replicationFactor: number): TopicSpec {
  return {
    topic: REGISTRY_TOPIC,
    numPartitions: 1,
    replicationFactor,
    configEntries: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '3600000' },
  };
}

/** Thrown when the registry log cannot take or confirm a write in time. */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
}

/**
 * The registry as a replicated state machine (design: "Registry as a replicated state
 * machine"). Every replica consumes `lienthong.registry` from the start with a consumer group
 * of its own (offsets never committed) and applies each record to its state machine. A write
 * appends a record and resolves with the outcome once this replica has applied it
 * (read-your-writes); conflicts are settled by log order, identically everywhere.
 */
export class RegistryLog {
  readonly replicaId = randomUUID();
  private consumer: Consumer | undefined;
  private appliedOffset = -1n;
  private targetOffset = -1n;
  private caughtUp = false;
  private readonly catchUpWaiters: (() => void)[] = [];
  private readonly pending = new Map<string, (outcome: ApplyOutcome) => void>();
  private appliedCount = 0;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: RecordProducer,
    private readonly machine: RegistryStateMachine,
    private readonly options: {
      writeTimeoutMs?: number;
      onApplied?: (record: RegistryRecord, outcome: ApplyOutcome) => void;
    } = {},
  ) {}

  /** Starts consuming from the beginning; resolves once caught up with the end of the log. */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [partition] = await fetchTopicOffsetsWhenServed(admin, REGISTRY_TOPIC);
      this.targetOffset = BigInt(partition?.high ?? '0') - 1n;
    } finally {
      await admin.disconnect();
    }
    if (this.targetOffset < 0n) this.markCaughtUp();

    this.consumer = this.kafka.consumer({
      groupId: `lienthong-registry-${this.replicaId}`,
      sessionTimeout: 30_000,
      // After stop(), a crash (e.g. the broker went away) must not restart the consumer.
      retry: { retries: 10, restartOnFailure: () => Promise.resolve(!this.stopped) },
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: REGISTRY_TOPIC, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: ({ message }) => {
        this.onMessage(BigInt(message.offset), message.value);
        return Promise.resolve();
      },
    });
    await this.waitUntilCaughtUp();
  }

  /** Stops consuming; never throws, so an unreachable broker cannot block a shutdown. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
    for (const resolve of this.pending.values()) {
      resolve({ accepted: false, reason: 'registry-stopped' });
    }
    this.pending.clear();
  }

  isCaughtUp(): boolean {
    return this.caughtUp;
  }

  /** Records applied since start, and the last applied offset (metrics, readiness). */
  progress(): { applied: number; offset: bigint; target: bigint } {
    return { applied: this.appliedCount, offset: this.appliedOffset, target: this.targetOffset };
  }

  waitUntilCaughtUp(): Promise<void> {
    if (this.caughtUp) return Promise.resolve();
    return new Promise((resolve) => this.catchUpWaiters.push(resolve));
  }

  /** Appends a command and resolves with its outcome once this replica applied it. */
  async append<K extends RegistryKind, D>(kind: K, id: string, data: D, by?: string): Promise<ApplyOutcome> {
    const record: RegistryRecord<K, D> = {
      format: REGISTRY_RECORD_FORMAT,
      kind,
      id,
      commandId: randomUUID(),
      writer: this.replicaId,
      at: new Date().toISOString(),
      data,
    };
    if (by !== undefined) record.by = by;
    const timeoutMs = this.options.writeTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const applied = new Promise<ApplyOutcome>((resolve, reject) => {
      this.pending.set(record.commandId, resolve);
      timer = setTimeout(() => {
        this.pending.delete(record.commandId);
        reject(
          new RegistryUnavailableError(
            `registry write ${record.commandId} not applied within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
    });
    try {
      await this.producer.send(REGISTRY_TOPIC, {
        key: registryKey(record),
        value: Buffer.from(JSON.stringify(record), 'utf8'),
        headers: { 'content-type': 'application/json' },
      });
    } catch (cause) {
      clearTimeout(timer);
      this.pending.delete(record.commandId);
      throw new RegistryUnavailableError('the registry log did not take the write', { cause });
    }
    try {
      return await applied;
    } finally {
      clearTimeout(timer);
    }
  }

  private onMessage(offset: bigint, value: Buffer | null): void {
    if (offset <= this.appliedOffset) return; // a rebalance may redeliver
    let outcome: ApplyOutcome = { accepted: false, reason: 'tombstone' };
    let record: RegistryRecord | undefined;
    if (value !== null) {
      record = parseRecord(value);
      outcome = record
        ? this.machine.apply(record, offset)
        : { accepted: false, reason: 'unreadable-record' };
    }
    this.appliedOffset = offset;
    this.appliedCount++;
    if (record) {
      this.options.onApplied?.(record, outcome);
      const resolve = this.pending.get(record.commandId);
      if (resolve) {
        this.pending.delete(record.commandId);
        resolve(outcome);
      }
    }
    if (!this.caughtUp && this.appliedOffset >= this.targetOffset) this.markCaughtUp();
  }

  private markCaughtUp(): void {
    this.caughtUp = true;
    for (const resolve of this.catchUpWaiters.splice(0)) resolve();
  }
}

function parseRecord(value: Buffer): RegistryRecord | undefined {
  try {
    const record = JSON.parse(value.toString('utf8')) as Partial<RegistryRecord>;
    if (record.format !== REGISTRY_RECORD_FORMAT) return undefined;
    if (
      typeof record.kind !== 'string' ||
      typeof record.id !== 'string' ||
      typeof record.commandId !== 'string'
    ) {
      return undefined;
    }
    return record as RegistryRecord;
  } catch {
    return undefined;
  }
}
