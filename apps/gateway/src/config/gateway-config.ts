import { resolve } from 'node:path';
import { isAgencyCode } from '@lienthong/contracts';

/** Levels of the JSON logs (`LOG_LEVEL`). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type GatewayLogLevel = (typeof LOG_LEVELS)[number];

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
  /** Private JWKS of the gateway's signing keys (file); undefined = generate for this process. */
  signingKeysFile: string | undefined;
  /** Private JWKS of the router's Ed25519 webhook key (`v1a`); its public half is published. */
  webhookSigningKeyFile: string | undefined;
  accessTokenTtlSeconds: number;
  bootstrapOperatorId: string;
  /** Public JWKS of the bootstrap operator (JSON text or a file path). */
  bootstrapOperatorJwks: string | undefined;
  redisUrl: string | undefined;
  /** Webhook subscriptions may target private, loopback and link-local addresses, and plain http (tests, closed networks). */
  webhookAllowPrivateNetworks: boolean;
  /** Level of the JSON logs (`LOG_LEVEL`): trace, debug, info, warn, error, fatal or silent. */
  logLevel: GatewayLogLevel;
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** Thrown at boot with a message that names the variable and what it must be. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses and validates the environment; throws ConfigError naming every bad variable. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
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
  const bootstrapOperatorId = env['BOOTSTRAP_OPERATOR_ID'] ?? '000.00.00.A00';
  if (!isAgencyCode(bootstrapOperatorId)) {
    problems.push('BOOTSTRAP_OPERATOR_ID must be an agency code (Decision 20/2020), e.g. 000.00.00.G12');
  }
  const redisUrl = env['REDIS_URL'] || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    problems.push('REDIS_URL must start with redis:// or rediss://');
  }
  const webhookAllowPrivateNetworks = (env['WEBHOOK_ALLOW_PRIVATE_NETWORKS'] ?? 'false').trim().toLowerCase();
  if (!['true', 'false', ''].includes(webhookAllowPrivateNetworks)) {
    problems.push(
      `WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false (got "${env['WEBHOOK_ALLOW_PRIVATE_NETWORKS']}")`,
    );
  }
  const logLevel = (env['LOG_LEVEL'] || 'info').trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env['LOG_LEVEL']}")`);
  }
  const config: GatewayConfig = {
    host: env['HOST'] ?? '127.0.0.1',
    port: int('PORT', 8080, 0, 65535),
    kafkaBrokers: brokers,
    kafkaClientId: env['KAFKA_CLIENT_ID'] ?? 'lienthong-gateway',
    schemasDir: resolve(env['SCHEMAS_DIR'] ?? 'schemas'),
    maxBodyBytes: int('MAX_BODY_BYTES', 1_048_576, 1_024, 8 * 1_048_576),
    recordTopicPartitions: int('RECORD_TOPIC_PARTITIONS', 3, 1, 1_000),
    kafkaReplicationFactor: int('KAFKA_REPLICATION_FACTOR', -1, -1, 16),
    produceAckTimeoutMs: int('KAFKA_PRODUCE_TIMEOUT_MS', 5_000, 100, 120_000),
    produceRetries: int('KAFKA_PRODUCE_RETRIES', 3, 1, 20),
    retryAfterSeconds: int('RETRY_AFTER_SECONDS', 5, 1, 3_600),
    issuer: env['GATEWAY_ISSUER'] || `http://${env['HOST'] ?? '127.0.0.1'}:${env['PORT'] || '8080'}`,
    publicUrl: env['GATEWAY_PUBLIC_URL'] || undefined,
    signingKeysFile: env['GATEWAY_SIGNING_KEYS_FILE'] || undefined,
    webhookSigningKeyFile: env['WEBHOOK_SIGNING_KEY_FILE'] || undefined,
    accessTokenTtlSeconds: int('ACCESS_TOKEN_TTL_SECONDS', 300, 30, 600),
    bootstrapOperatorId,
    bootstrapOperatorJwks: env['BOOTSTRAP_OPERATOR_JWKS'] || undefined,
    redisUrl,
    webhookAllowPrivateNetworks: webhookAllowPrivateNetworks === 'true',
    logLevel: (LOG_LEVELS as readonly string[]).includes(logLevel) ? (logLevel as GatewayLogLevel) : 'info',
  };
  if (config.publicUrl !== undefined && !/^https?:\/\/[^/?#]+\/?$/.test(config.publicUrl)) {
    problems.push('GATEWAY_PUBLIC_URL must be an http(s) origin, e.g. https://lienthong.example.gov.vn');
  }
  if (config.kafkaReplicationFactor === 0) problems.push('KAFKA_REPLICATION_FACTOR must be -1 or at least 1');
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}
