import { ConfigError, EnvReader } from '@lienthong/config';
import { DISCLOSURE_RETENTION_DAYS_DEFAULT, DISCLOSURE_SECRET_MIN_LENGTH } from '@lienthong/contracts';
import type { LogLevelName } from '@lienthong/observability';
import { LOG_LEVELS } from '@lienthong/observability';

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
  /** Private JWKS whose first (Ed25519) key signs audit events and checkpoints. */
  auditSigningKeyFile: string | undefined;
  /** How often the audit writer checkpoints its chain heads (0: only at shutdown). */
  auditCheckpointIntervalMs: number;
  webhookAllowPrivateNetworks: boolean;
  webhookConnectTimeoutMs: number;
  webhookResponseTimeoutMs: number;
  webhookMaxResponseBytes: number;
  /** Webhook requests in flight at once per chunk, shared equally by its subscriptions. */
  webhookConcurrency: number;
  /** Delay before retry n (topic `lienthong.retry.<n>`); attempts = 1 + length. */
  retryDelaysMs: number[];
  /** Each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  retryJitter: number;
  produceAckTimeoutMs: number;
  /**
   * Derives the pseudonym secret of subscriptions written before each had its own
   * (`KEY_PSEUDONYM_SECRET`, or the file `KEY_PSEUDONYM_SECRET_FILE` names, read at boot).
   * Never logged.
   */
  keyPseudonymSecret: string;
  /**
   * Key of the subjects' keyed hashes in `lienthong.disclosures` (same value as the gateway's);
   * undefined = no disclosure is recorded (a warning at boot).
   */
  disclosureSubjectSecret: string | undefined;
  disclosureRetentionDays: number;
  disclosureTopicPartitions: number;
  /** Level of the JSON logs (`LOG_LEVEL`): trace, debug, info, warn, error, fatal or silent. */
  logLevel: LogLevelName;
}

export const ROUTER_CONFIG = Symbol('ROUTER_CONFIG');

/** Thrown at boot with a message that names every wrong variable and what it must be. */
export class RouterConfigError extends ConfigError {
  override readonly name = 'RouterConfigError';
}

/** Parses and validates the environment; throws RouterConfigError naming every bad variable. */
export function loadRouterConfig(env: NodeJS.ProcessEnv = process.env): RouterConfig {
  const read = new EnvReader(env);
  const brokers = read.brokers('KAFKA_BROKERS');
  const retryDelaysMs = read.durationsMs('RETRY_DELAYS_MS', '5000,30000,300000,1800000', {
    maxCount: 20,
    maxMs: 7 * 24 * 3600 * 1000,
  });
  const retryJitter = read.fraction('RETRY_JITTER', 0.2, 0, 1);
  const group = env['ROUTER_CONSUMER_GROUP'] ?? 'lienthong-router';
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(group)) {
    read.problem('ROUTER_CONSUMER_GROUP must be 1 to 200 letters, digits, dots, hyphens or underscores');
  }
  const config: RouterConfig = {
    host: env['ROUTER_HOST'] ?? '127.0.0.1',
    port: read.int('ROUTER_PORT', 8081, 0, 65535),
    kafkaBrokers: brokers,
    kafkaClientId: env['KAFKA_CLIENT_ID'] ?? 'lienthong-router',
    consumerGroup: group,
    kafkaReplicationFactor: read.int('KAFKA_REPLICATION_FACTOR', -1, -1, 16),
    inboxTopicPartitions: read.int('INBOX_TOPIC_PARTITIONS', 3, 1, 1_000),
    retryTopicPartitions: read.int('RETRY_TOPIC_PARTITIONS', 3, 1, 1_000),
    auditTopicPartitions: read.int('AUDIT_TOPIC_PARTITIONS', 3, 1, 1_000),
    partitionsConsumedConcurrently: read.int('ROUTER_PARTITIONS_CONCURRENCY', 3, 1, 64),
    topicRefreshMs: read.int('ROUTER_TOPIC_REFRESH_MS', 2_000, 100, 600_000),
    gatewaySigningKeysFile: env['GATEWAY_SIGNING_KEYS_FILE'] || undefined,
    webhookSigningKeyFile: env['WEBHOOK_SIGNING_KEY_FILE'] || undefined,
    auditSigningKeyFile: env['AUDIT_SIGNING_KEY_FILE'] || undefined,
    auditCheckpointIntervalMs: read.int('AUDIT_CHECKPOINT_INTERVAL_MS', 60_000, 0, 24 * 3600 * 1000),
    webhookAllowPrivateNetworks: read.bool('WEBHOOK_ALLOW_PRIVATE_NETWORKS', false),
    webhookConnectTimeoutMs: read.int('WEBHOOK_CONNECT_TIMEOUT_MS', 3_000, 100, 60_000),
    webhookResponseTimeoutMs: read.int('WEBHOOK_RESPONSE_TIMEOUT_MS', 10_000, 100, 120_000),
    webhookMaxResponseBytes: read.int('WEBHOOK_MAX_RESPONSE_BYTES', 65_536, 0, 10 * 1_048_576),
    webhookConcurrency: read.int('WEBHOOK_CONCURRENCY', 16, 1, 1_000),
    retryDelaysMs,
    retryJitter,
    produceAckTimeoutMs: read.int('KAFKA_PRODUCE_TIMEOUT_MS', 5_000, 100, 120_000),
    keyPseudonymSecret: read.secret('KEY_PSEUDONYM_SECRET', MIN_KEY_PSEUDONYM_SECRET_LENGTH) ?? '',
    disclosureSubjectSecret: read.secret('DISCLOSURE_SUBJECT_SECRET', DISCLOSURE_SECRET_MIN_LENGTH),
    disclosureRetentionDays: read.int(
      'DISCLOSURE_RETENTION_DAYS',
      DISCLOSURE_RETENTION_DAYS_DEFAULT,
      1,
      36_500,
    ),
    disclosureTopicPartitions: read.int('DISCLOSURE_TOPIC_PARTITIONS', 3, 1, 1_000),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
  };
  // No generated default: a secret that changed at each restart would change the pseudonyms
  // subscribers of older subscriptions key their data by.
  if (
    config.keyPseudonymSecret === '' &&
    !read.raw('KEY_PSEUDONYM_SECRET') &&
    !read.raw('KEY_PSEUDONYM_SECRET_FILE')
  ) {
    read.problem(
      `KEY_PSEUDONYM_SECRET (or KEY_PSEUDONYM_SECRET_FILE) must be set: at least ${MIN_KEY_PSEUDONYM_SECRET_LENGTH} characters, e.g. the output of openssl rand -base64 32`,
    );
  }
  if (config.kafkaReplicationFactor === 0) read.problem('KAFKA_REPLICATION_FACTOR must be -1 or at least 1');
  read.throwIfInvalid('Invalid router configuration', (message) => new RouterConfigError(message));
  return config;
}

/** Shortest router pseudonym secret accepted: 32 characters, as of 24 random bytes in base64. */
export const MIN_KEY_PSEUDONYM_SECRET_LENGTH = 32;

/** Attempts a webhook delivery gets before it is dead-lettered: the first plus one per retry topic. */
export function maxAttempts(config: Pick<RouterConfig, 'retryDelaysMs'>): number {
  return config.retryDelaysMs.length + 1;
}
