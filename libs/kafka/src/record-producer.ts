import type { IHeaders, Kafka, PartitionMetadata, Producer, RecordMetadata } from 'kafkajs';
import { Partitioners } from 'kafkajs';

/** Where Kafka placed a record. */
export interface RecordCoordinates {
  topic: string;
  partition: number;
  offset: string;
}

export interface OutgoingRecord {
  key: string;
  value: Buffer;
  headers: IHeaders;
}

interface Pending {
  topic: string;
  records: OutgoingRecord[];
  resolve: (coordinates: RecordCoordinates[]) => void;
  reject: (error: unknown) => void;
}

/** Records gathered into one produce request at most (Kafka batches are per partition anyway). */
const MAX_RECORDS_PER_REQUEST = 1_000;

/**
 * The write side for accepted records: idempotent, `acks=-1` (all in-sync replicas), one
 * request in flight so retries cannot reorder. A send resolves only once Kafka acknowledged the
 * write; every failure rejects, and the caller must not issue a receipt.
 *
 * Group commit: sends that arrive while a request is in flight wait and go out together in the
 * next request, so concurrent publishers share one broker round trip instead of queueing one
 * by one. Partitions are chosen here (the Java client's murmur2 partitioner, as kafkajs' own
 * default does), so that each record's offset is known: Kafka assigns consecutive offsets per
 * partition from the batch's base offset, in the order the records were sent.
 */
export class RecordProducer {
  private producer: Producer;
  /** Set by a failed write: the next write first replaces the producer (see `write`). */
  private stale = false;
  private readonly retries: number;
  private readonly ackTimeoutMs: number;
  private readonly partitionCounts = new Map<string, number>();
  private readonly partitionMetadataCache = new Map<string, PartitionMetadata[]>();
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private queue: Pending[] = [];
  private inFlight = false;

  constructor(
    private readonly kafka: Kafka,
    options: { ackTimeoutMs?: number; retries?: number } = {},
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 5_000;
    this.retries = options.retries ?? 3;
    this.producer = this.newProducer();
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: this.retries, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Writes one record and resolves with its coordinates after the broker acknowledged it. */
  async send(topic: string, record: OutgoingRecord): Promise<RecordCoordinates> {
    const [coordinates] = await this.sendBatch(topic, [record]);
    return coordinates!;
  }

  /** Writes several records to one topic and returns each record's coordinates, in order. */
  sendBatch(topic: string, records: OutgoingRecord[]): Promise<RecordCoordinates[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, records, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight || this.queue.length === 0) return;
    this.inFlight = true;
    const batch: Pending[] = [];
    let count = 0;
    while (
      this.queue.length > 0 &&
      (batch.length === 0 || count + this.queue[0]!.records.length <= MAX_RECORDS_PER_REQUEST)
    ) {
      const next = this.queue.shift()!;
      batch.push(next);
      count += next.records.length;
    }
    try {
      const coordinates = await this.write(batch);
      batch.forEach((pending, i) => pending.resolve(coordinates[i]!));
    } catch (error) {
      this.stale = true;
      for (const pending of batch) pending.reject(error);
    } finally {
      this.inFlight = false;
      void this.flush();
    }
  }

  /** One produce request for every record of `batch`; coordinates per pending send, in order. */
  private async write(batch: Pending[]): Promise<RecordCoordinates[][]> {
    if (this.stale) {
      // After a failed send kafkajs rolls the partitions' sequence numbers back, but the batch may
      // have been appended (the broker died before answering). Reusing them would then be refused
      // for ever (OUT_OF_ORDER_SEQUENCE_NUMBER) or, for a batch of the same size, acknowledged
      // as a duplicate with the earlier batch's offsets. A new producer gets a new producer id.
      const old = this.producer;
      this.producer = this.newProducer();
      void old.disconnect().catch(() => undefined);
      await this.producer.connect();
      this.stale = false;
    }
    const byTopic = new Map<string, { key: string; value: Buffer; headers: IHeaders; partition: number }[]>();
    const placed: { topic: string; partition: number; index: number }[][] = [];
    // Records placed so far per topic and partition: a record's index in its partition's batch.
    const counts = new Map<string, number[]>();
    for (const pending of batch) {
      const partitionMetadata = await this.partitionMetadata(pending.topic);
      const messages = byTopic.get(pending.topic) ?? [];
      byTopic.set(pending.topic, messages);
      const perPartition = counts.get(pending.topic) ?? new Array<number>(partitionMetadata.length).fill(0);
      counts.set(pending.topic, perPartition);
      placed.push(
        pending.records.map((record) => {
          const message = { key: record.key, value: record.value, headers: record.headers };
          const partition = this.partitioner({ topic: pending.topic, partitionMetadata, message });
          const index = perPartition[partition]!++;
          messages.push({ ...message, partition });
          return { topic: pending.topic, partition, index };
        }),
      );
    }
    const results: RecordMetadata[] = await this.producer.sendBatch({
      acks: -1,
      timeout: this.ackTimeoutMs,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    const base = new Map<string, bigint>();
    for (const r of results) {
      if (r.errorCode !== 0 || r.baseOffset === undefined) {
        throw new Error(`Kafka did not acknowledge the write to ${r.topicName} (error code ${r.errorCode})`);
      }
      base.set(`${r.topicName}/${r.partition}`, BigInt(r.baseOffset));
    }
    return placed.map((records) =>
      records.map(({ topic, partition, index }) => {
        const first = base.get(`${topic}/${partition}`);
        if (first === undefined) throw new Error(`Kafka returned no offset for ${topic}/${partition}`);
        return { topic, partition, offset: String(first + BigInt(index)) };
      }),
    );
  }

  /** What the partitioner needs to know of `topic` (only the partition count matters to it). */
  private async partitionMetadata(topic: string): Promise<PartitionMetadata[]> {
    const cached = this.partitionMetadataCache.get(topic);
    if (cached !== undefined) return cached;
    const count = await this.partitionCount(topic);
    const metadata = Array.from({ length: count }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    }));
    this.partitionMetadataCache.set(topic, metadata);
    return metadata;
  }

  private async partitionCount(topic: string): Promise<number> {
    const cached = this.partitionCounts.get(topic);
    if (cached !== undefined) return cached;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const count = topics[0]?.partitions.length ?? 0;
      if (count === 0) throw new Error(`topic ${topic} has no partitions`);
      this.partitionCounts.set(topic, count);
      return count;
    } finally {
      await admin.disconnect();
    }
  }
}
