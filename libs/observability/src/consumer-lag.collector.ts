import type { Admin, Kafka } from 'kafkajs';
import type { ConsumerLagSource, PartitionLag } from './lienthong-metrics.js';

/** The part of a kafkajs admin client the collector uses. */
export type LagAdmin = Pick<Admin, 'connect' | 'disconnect' | 'fetchOffsets' | 'fetchTopicOffsets'>;

export interface ConsumerLagCollectorOptions {
  /** Where the admin client comes from (a kafkajs `Kafka`, or anything with `admin()`). */
  kafka: Pick<Kafka, 'admin'> | { admin(): LagAdmin };
  /** The consumer groups to report; a function is read at each refresh. */
  groups: readonly string[] | (() => readonly string[]);
  /** Answers younger than this are served from cache, so scrapes do not hammer Kafka. Default 10 s. */
  cacheMs?: number;
  /** A refresh slower than this fails (the scrape then reports no lag). Default 3 s. */
  timeoutMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * Consumer lag per group, topic and partition from Kafka offsets: the log end offset of each
 * partition minus the offset the group committed there. Partitions where the group has not
 * committed yet are left out (their lag is undefined, as in `kafka-consumer-groups.sh`).
 * Refreshed on demand (at scrape), at most once per `cacheMs`; concurrent scrapes share one
 * refresh. One admin connection is kept between refreshes and dropped after a failure.
 */
export class ConsumerLagCollector implements ConsumerLagSource {
  private admin: LagAdmin | undefined;
  private cached: { at: number; lag: readonly PartitionLag[] } | undefined;
  private inFlight: Promise<readonly PartitionLag[]> | undefined;
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ConsumerLagCollectorOptions) {
    this.cacheMs = options.cacheMs ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 3_000;
    this.now = options.now ?? Date.now;
  }

  /** The current lag, at most `cacheMs` old; empty when Kafka did not answer in time. */
  lag(): Promise<readonly PartitionLag[]> {
    if (this.cached && this.now() - this.cached.at < this.cacheMs) return Promise.resolve(this.cached.lag);
    this.inFlight ??= this.refresh().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Closes the admin connection. */
  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect();
  }

  private async refresh(): Promise<readonly PartitionLag[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`consumer lag not read within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      const lag = await Promise.race([this.read(), timeout]);
      this.cached = { at: this.now(), lag };
      return lag;
    } catch {
      // Report nothing rather than stale numbers; the next scrape tries again on a new connection.
      await this.close().catch(() => undefined);
      this.cached = { at: this.now(), lag: [] };
      return [];
    } finally {
      clearTimeout(timer);
    }
  }

  private async read(): Promise<PartitionLag[]> {
    const admin = await this.connectedAdmin();
    const groups = typeof this.options.groups === 'function' ? this.options.groups() : this.options.groups;
    const committedByGroup = await Promise.all(
      groups.map(async (group) => ({ group, topics: await admin.fetchOffsets({ groupId: group }) })),
    );
    const topics = new Set(committedByGroup.flatMap((g) => g.topics.map((t) => t.topic)));
    const ends = new Map<string, Map<number, bigint>>();
    await Promise.all(
      [...topics].map(async (topic) => {
        const offsets = await admin.fetchTopicOffsets(topic);
        ends.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high)])));
      }),
    );
    const result: PartitionLag[] = [];
    for (const { group, topics: committed } of committedByGroup) {
      for (const { topic, partitions } of committed) {
        for (const { partition, offset } of partitions) {
          const end = ends.get(topic)?.get(partition);
          const at = BigInt(offset);
          if (end === undefined || at < 0n) continue;
          const lag = end > at ? end - at : 0n;
          result.push({ group, topic, partition, lag: Number(lag) });
        }
      }
    }
    return result;
  }

  private async connectedAdmin(): Promise<LagAdmin> {
    if (this.admin) return this.admin;
    const admin = this.options.kafka.admin();
    await admin.connect();
    this.admin = admin;
    return admin;
  }
}
