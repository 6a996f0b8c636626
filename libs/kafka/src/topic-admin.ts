import type { Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** -1 takes the broker's default.replication.factor. */
  replicationFactor: number;
  configEntries?: Record<string, string>;
}

/**
 * Creates the topics that do not exist yet; existing topics are left as they are (their
 * partition count is never changed behind an operator's back). Waits for leaders.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.numPartitions,
        replicationFactor: s.replicationFactor,
        configEntries: Object.entries(s.configEntries ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    return missing.map((s) => s.topic);
  } finally {
    await admin.disconnect();
  }
}

/** True when the cluster answers a metadata request within `timeoutMs`. */
export async function isKafkaReachable(kafka: Kafka, timeoutMs: number): Promise<boolean> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  let timer: NodeJS.Timeout | undefined;
  try {
    const probe = (async () => {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0;
    })();
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    return await Promise.race([probe.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Deletes a throw-away consumer group (one used to scan a topic range); failures are ignored, as
 * an empty group expires on its own (offsets.retention) and deleting it is only tidiness.
 */
export async function deleteConsumerGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // see above
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
