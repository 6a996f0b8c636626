import type { Admin, Kafka } from 'kafkajs';

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
 * `isKafkaReachable` behind a one-second cache: what health probes call, so that however often
 * they come, the cluster sees at most one metadata request a second from this process.
 */
export function reachabilityProbe(kafka: Kafka, timeoutMs = 2_000): () => Promise<boolean> {
  let last = { at: 0, ok: false };
  return async () => {
    if (Date.now() - last.at < 1_000) return last.ok;
    const ok = await isKafkaReachable(kafka, timeoutMs);
    last = { at: Date.now(), ok };
    return ok;
  };
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

/**
 * `admin.fetchTopicOffsets`, retried while a topic created a moment ago is not served yet:
 * metadata can name a partition's leader before that broker has loaded the partition, and the
 * offsets request then fails with a retriable error (NOT_LEADER_OR_FOLLOWER,
 * UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE) that kafkajs' own retries may not outlast.
 * Other errors, and the last retriable one after `timeoutMs`, are thrown.
 */
export async function fetchTopicOffsetsWhenServed(
  admin: Admin,
  topic: string,
  timeoutMs = 30_000,
): Promise<Awaited<ReturnType<Admin['fetchTopicOffsets']>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      if (!isRetriable(error) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
      await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    }
  }
}

/**
 * A kafkajs error worth another attempt, itself or as the cause it was wrapped in (kafkajs
 * reports a retriable error its own retries did not outlast as KafkaJSNumberOfRetriesExceeded,
 * not retriable, with the original as `cause`).
 */
function isRetriable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    if ((e as { retriable?: boolean }).retriable === true) return true;
    e =
      (e as { cause?: unknown; originalError?: unknown }).cause ??
      (e as { originalError?: unknown }).originalError;
  }
  return false;
}
