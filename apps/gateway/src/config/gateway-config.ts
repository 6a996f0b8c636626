import { resolve } from 'node:path';
import { EnvReader } from '@lienthong/config';
import {
  DISCLOSURE_RETENTION_DAYS_DEFAULT,
  DISCLOSURE_SECRET_MIN_LENGTH,
  isAgencyCode,
} from '@lienthong/contracts';
import type { LogLevelName } from '@lienthong/observability';
import { LOG_LEVELS } from '@lienthong/observability';
import { RATE_LIMIT_BOUNDS } from '../rate-limit/rate-limit-bounds.js';

/** Level of the JSON logs (`LOG_LEVEL`). */
export type GatewayLogLevel = LogLevelName;

/** Typed, validated configuration of the gateway. Read once at boot; see README "Configuration". */
export interface GatewayConfig {
  host: string;
  port: number;
  kafkaBrokers: string[];
  kafkaClientId: string;
  schemasDir: string;
  maxBodyBytes: number;
  recordTopicPartitions: number;
  kafkaReplicationFactor: number;
  produceAckTimeoutMs: number;
  produceRetries: number;
  retryAfterSeconds: number;
  /** Issuer identifier: `iss` of tokens and receipts, the only `aud` of client assertions. */
  issuer: string;
  /** Public base URL for absolute links in metadata (RFC 8414); undefined = the issuer or the request. */
  publicUrl: string | undefined;
  /** Kafka bootstrap address the AsyncAPI document names for subscribers; undefined = none. */
  asyncApiKafkaServer: string | undefined;
  /** Private JWKS of the gateway's signing keys (file); undefined = generate for this process. */
  signingKeysFile: string | undefined;
  /** Private JWKS of the router's Ed25519 webhook key (`v1a`); its public half is published. */
  webhookSigningKeyFile: string | undefined;
  /** Private JWKS whose first (Ed25519) key signs the gateway's audit events; published in the JWKS. */
  auditSigningKeyFile: string | undefined;
  /** How often the audit writer checkpoints its chain heads (0: only at shutdown). */
  auditCheckpointIntervalMs: number;
  /** How long audit facts wait to be written together. */
  auditLingerMs: number;
  /** Partitions of `lienthong.audit` when the gateway creates it. */
  auditTopicPartitions: number;
  accessTokenTtlSeconds: number;
  bootstrapOperatorId: string;
  /** Public JWKS of the bootstrap operator (JSON text or a file path). */
  bootstrapOperatorJwks: string | undefined;
  redisUrl: string | undefined;
  /** Webhook subscriptions may target private, loopback and link-local addresses, and plain http (tests, closed networks). */
  webhookAllowPrivateNetworks: boolean;
  /** Per-agency token buckets (requests or records per second, burst). */
  rateLimits: {
    token: { ratePerSecond: number; burst: number };
    publish: { ratePerSecond: number; burst: number };
  };
  /** Level of the JSON logs (`LOG_LEVEL`): trace, debug, info, warn, error, fatal or silent. */
  logLevel: GatewayLogLevel;
  /**
   * Key of the subjects' keyed hashes in `lienthong.disclosures` (the router's value); undefined =
   * the disclosure index is off and lookups answer 503.
   */
  disclosureSubjectSecret: string | undefined;
  disclosureRetentionDays: number;
  disclosureTopicPartitions: number;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** Thrown at boot with a message that names every wrong variable and what it must be. */
export { ConfigError } from '@lienthong/config';

/** Parses and validates the environment; throws ConfigError naming every bad variable. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const read = new EnvReader(env);
  const brokers = read.brokers('KAFKA_BROKERS');
  const bootstrapOperatorId = env['BOOTSTRAP_OPERATOR_ID'] ?? '000.00.00.A00';
  if (!isAgencyCode(bootstrapOperatorId)) {
    read.problem('BOOTSTRAP_OPERATOR_ID must be an agency code (Decision 20/2020), e.g. 000.00.00.G12');
  }
  const redisUrl = env['REDIS_URL'] || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    read.problem('REDIS_URL must start with redis:// or rediss://');
  }
  const config: GatewayConfig = {
    host: env['HOST'] ?? '127.0.0.1',
    port: read.int('PORT', 8080, 0, 65535),
    kafkaBrokers: brokers,
    kafkaClientId: env['KAFKA_CLIENT_ID'] ?? 'lienthong-gateway',
    schemasDir: resolve(env['SCHEMAS_DIR'] ?? 'schemas'),
    maxBodyBytes: read.int('MAX_BODY_BYTES', 1_048_576, 1_024, 8 * 1_048_576),
    recordTopicPartitions: read.int('RECORD_TOPIC_PARTITIONS', 3, 1, 1_000),
    kafkaReplicationFactor: read.int('KAFKA_REPLICATION_FACTOR', -1, -1, 16),
    produceAckTimeoutMs: read.int('KAFKA_PRODUCE_TIMEOUT_MS', 5_000, 100, 120_000),
    produceRetries: read.int('KAFKA_PRODUCE_RETRIES', 3, 1, 20),
    retryAfterSeconds: read.int('RETRY_AFTER_SECONDS', 5, 1, 3_600),
    issuer: env['GATEWAY_ISSUER'] || `http://${env['HOST'] ?? '127.0.0.1'}:${env['PORT'] || '8080'}`,
    publicUrl: env['GATEWAY_PUBLIC_URL'] || undefined,
    asyncApiKafkaServer: env['ASYNCAPI_KAFKA_SERVER'] || undefined,
    signingKeysFile: env['GATEWAY_SIGNING_KEYS_FILE'] || undefined,
    webhookSigningKeyFile: env['WEBHOOK_SIGNING_KEY_FILE'] || undefined,
    auditSigningKeyFile: env['AUDIT_SIGNING_KEY_FILE'] || undefined,
    auditCheckpointIntervalMs: read.int('AUDIT_CHECKPOINT_INTERVAL_MS', 60_000, 0, 24 * 3600 * 1000),
    auditLingerMs: read.int('AUDIT_LINGER_MS', 5, 0, 10_000),
    auditTopicPartitions: read.int('AUDIT_TOPIC_PARTITIONS', 3, 1, 1_000),
    accessTokenTtlSeconds: read.int('ACCESS_TOKEN_TTL_SECONDS', 300, 30, 600),
    bootstrapOperatorId,
    bootstrapOperatorJwks: env['BOOTSTRAP_OPERATOR_JWKS'] || undefined,
    redisUrl,
    webhookAllowPrivateNetworks: read.bool('WEBHOOK_ALLOW_PRIVATE_NETWORKS', false),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    disclosureSubjectSecret: read.secret('DISCLOSURE_SUBJECT_SECRET', DISCLOSURE_SECRET_MIN_LENGTH),
    disclosureRetentionDays: read.int(
      'DISCLOSURE_RETENTION_DAYS',
      DISCLOSURE_RETENTION_DAYS_DEFAULT,
      1,
      36_500,
    ),
    disclosureTopicPartitions: read.int('DISCLOSURE_TOPIC_PARTITIONS', 3, 1, 1_000),
    rateLimits: {
      // A token lives for minutes: 10 a second per agency is far above any honest need.
      token: readBucket(read, 'TOKEN', RATE_LIMIT_BOUNDS.token, 10, 20),
      // A batch counts its records, so a burst must hold the largest batch (500).
      publish: readBucket(read, 'PUBLISH', RATE_LIMIT_BOUNDS.publish, 1_000, 2_000),
    },
  };
  if (config.publicUrl !== undefined && !/^https?:\/\/[^/?#]+\/?$/.test(config.publicUrl)) {
    read.problem('GATEWAY_PUBLIC_URL must be an http(s) origin, e.g. https://lienthong.example.gov.vn');
  }
  if (
    config.asyncApiKafkaServer !== undefined &&
    !/^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$/.test(config.asyncApiKafkaServer)
  ) {
    read.problem(
      'ASYNCAPI_KAFKA_SERVER must be host:port (comma-separated for several), e.g. kafka.lienthong.example.gov.vn:9093',
    );
  }
  if (config.kafkaReplicationFactor === 0) read.problem('KAFKA_REPLICATION_FACTOR must be -1 or at least 1');
  read.throwIfInvalid('Invalid configuration');
  return config;
}

/** `RATE_LIMIT_<route>_PER_SECOND` and `_BURST`, within the bounds an override must also keep. */
function readBucket(
  read: EnvReader,
  route: 'TOKEN' | 'PUBLISH',
  bounds: (typeof RATE_LIMIT_BOUNDS)['token'],
  perSecond: number,
  burst: number,
): { ratePerSecond: number; burst: number } {
  const bucket = {
    ratePerSecond: read.int(
      `RATE_LIMIT_${route}_PER_SECOND`,
      perSecond,
      bounds.perSecond.min,
      bounds.perSecond.max,
    ),
    burst: read.int(`RATE_LIMIT_${route}_BURST`, burst, bounds.burst.min, bounds.burst.max),
  };
  if (bucket.burst < bucket.ratePerSecond) {
    read.problem(
      `RATE_LIMIT_${route}_BURST (${bucket.burst}) must be at least RATE_LIMIT_${route}_PER_SECOND (${bucket.ratePerSecond})`,
    );
  }
  return bucket;
}
