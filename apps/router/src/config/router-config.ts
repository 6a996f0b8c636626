/** Typed, validated configuration of the router. Read once at boot; see docs/delivery.md. */
export interface RouterConfig {
  host: string;
  port: number;
  kafkaBrokers: string[];
  kafkaClientId: string;
  /** Consumer group over the record topics; the retry and command groups derive from it. */
  consumerGroup: string;
  kafkaReplicationFactor: number;
  inboxTopicPartitions: number;
  retryTopicPartitions: number;
  auditTopicPartitions: number;
  /** Record topic partitions consumed in parallel by one router. */
  partitionsConsumedConcurrently: number;
  /** How often the router looks for record types it does not consume yet. */
  topicRefreshMs: number;
  /** The gateway's private JWKS (same file as the gateway): signs Kafka deliveries. */
  gatewaySigningKeysFile: string | undefined;
  /** Private JWKS holding the gateway's Ed25519 key: signs webhooks (`v1a`). */
  webhookSigningKeyFile: string | undefined;
  webhookAllowPrivateNetworks: boolean;
  webhookConnectTimeoutMs: number;
  webhookResponseTimeoutMs: number;
  webhookMaxResponseBytes: number;
  /** Webhook requests in flight at once per batch. */
  webhookConcurrency: number;
  /** Delay before retry n (topic `lienthong.retry.<n>`); attempts = 1 + length. */
  retryDelaysMs: number[];
  /** Each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  retryJitter: number;
  produceAckTimeoutMs: number;
}

export const ROUTER_CONFIG = Symbol('ROUTER_CONFIG');

/** Thrown at boot with a message that names the variable and what it must be. */
export class RouterConfigError extends Error {
  override readonly name = 'RouterConfigError';
}

/** Parses and validates the environment; throws RouterConfigError naming every bad variable. */
export function loadRouterConfig(env: NodeJS.ProcessEnv = process.env): RouterConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };
  const brokers = (env['KAFKA_BROKERS'] ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  if (brokers.length === 0) problems.push('KAFKA_BROKERS must list at least one host:port');
  for (const b of brokers) {
    if (!/^[A-Za-z0-9.-]+:[0-9]{1,5}$/.test(b) && !/^\[[0-9a-fA-F:]+\]:[0-9]{1,5}$/.test(b)) {
      problems.push(`KAFKA_BROKERS entry "${b}" must be host:port`);
    }
  }
  const delaysRaw = env['RETRY_DELAYS_MS'] ?? '5000,30000,300000,1800000';
  const retryDelaysMs = delaysRaw.split(',').map((d) => Number(d.trim()));
  if (
    retryDelaysMs.length === 0 ||
    retryDelaysMs.length > 20 ||
    retryDelaysMs.some((d) => !Number.isInteger(d) || d < 0 || d > 7 * 24 * 3600 * 1000)
  ) {
    problems.push(
      `RETRY_DELAYS_MS must be 1 to 20 comma-separated delays in milliseconds (got "${delaysRaw}")`,
    );
  }
  const jitterRaw = env['RETRY_JITTER'] ?? '0.2';
  const retryJitter = Number(jitterRaw);
  if (!Number.isFinite(retryJitter) || retryJitter < 0 || retryJitter >= 1) {
    problems.push(`RETRY_JITTER must be a number in [0, 1) (got "${jitterRaw}")`);
  }
  const group = env['ROUTER_CONSUMER_GROUP'] ?? 'lienthong-router';
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(group)) {
    problems.push('ROUTER_CONSUMER_GROUP must be 1 to 200 letters, digits, dots, hyphens or underscores');
  }
  const config: RouterConfig = {
    host: env['ROUTER_HOST'] ?? '127.0.0.1',
    port: int('ROUTER_PORT', 8081, 0, 65535),
    kafkaBrokers: brokers,
    kafkaClientId: env['KAFKA_CLIENT_ID'] ?? 'lienthong-router',
    consumerGroup: group,
    kafkaReplicationFactor: int('KAFKA_REPLICATION_FACTOR', -1, -1, 16),
    inboxTopicPartitions: int('INBOX_TOPIC_PARTITIONS', 3, 1, 1_000),
    retryTopicPartitions: int('RETRY_TOPIC_PARTITIONS', 3, 1, 1_000),
    auditTopicPartitions: int('AUDIT_TOPIC_PARTITIONS', 3, 1, 1_000),
    partitionsConsumedConcurrently: int('ROUTER_PARTITIONS_CONCURRENCY', 3, 1, 64),
    topicRefreshMs: int('ROUTER_TOPIC_REFRESH_MS', 2_000, 100, 600_000),
    gatewaySigningKeysFile: env['GATEWAY_SIGNING_KEYS_FILE'] || undefined,
    webhookSigningKeyFile: env['WEBHOOK_SIGNING_KEY_FILE'] || undefined,
    webhookAllowPrivateNetworks: bool('WEBHOOK_ALLOW_PRIVATE_NETWORKS', false),
    webhookConnectTimeoutMs: int('WEBHOOK_CONNECT_TIMEOUT_MS', 3_000, 100, 60_000),
    webhookResponseTimeoutMs: int('WEBHOOK_RESPONSE_TIMEOUT_MS', 10_000, 100, 120_000),
    webhookMaxResponseBytes: int('WEBHOOK_MAX_RESPONSE_BYTES', 65_536, 0, 10 * 1_048_576),
    webhookConcurrency: int('WEBHOOK_CONCURRENCY', 16, 1, 1_000),
    retryDelaysMs,
    retryJitter,
    produceAckTimeoutMs: int('KAFKA_PRODUCE_TIMEOUT_MS', 5_000, 100, 120_000),
  };
  if (config.kafkaReplicationFactor === 0) problems.push('KAFKA_REPLICATION_FACTOR must be -1 or at least 1');
  if (problems.length > 0) {
    throw new RouterConfigError(`Invalid router configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}

/** Attempts a webhook delivery gets before it is dead-lettered: the first plus one per retry topic. */
export function maxAttempts(config: Pick<RouterConfig, 'retryDelaysMs'>): number {
  return config.retryDelaysMs.length + 1;
}
