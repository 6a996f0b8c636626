import { ConfigError, EnvReader } from '@lienthong/config';
import { isAgencyCode } from '@lienthong/contracts';
import type { LogLevelName } from '@lienthong/observability';
import { LOG_LEVELS } from '@lienthong/observability';
import type { AgencyKey } from '@lienthong/trust';
import { parseAgencyJwks } from '@lienthong/trust';

/** Typed, validated configuration of the demo subscriber. Read once at boot. */
export interface SubscriberConfig {
  kafkaBrokers: string[];
  /** The subscribing agency: its inbox is `lienthong.inbox.<agency>`. */
  agency: string;
  /** The gateway's public JWK Set (`https://<gateway>/.well-known/jwks.json`). */
  gatewayJwksUrl: string;
  /** Consumer group; `lienthong-subscriber-<agency>` by default. */
  groupId: string;
  /** How long a fetched JWKS is used before it is fetched again. */
  jwksCacheMs: number;
  /**
   * Publishers' public keys obtained out of band (`PUBLISHER_JWKS`: `{"<agency>": {"keys": […]}}`).
   * The gateway shows agency keys to operators only, so without this the publisher signature
   * is reported as not checked.
   */
  publisherKeys: ReadonlyMap<string, readonly AgencyKey[]>;
  /** Level of the JSON logs (`LOG_LEVEL`): trace, debug, info, warn, error, fatal or silent. */
  logLevel: LogLevelName;
}

/** Thrown at boot with a message naming every bad variable. */
export class SubscriberConfigError extends ConfigError {
  override readonly name = 'SubscriberConfigError';
}

/** Parses and validates the environment; throws SubscriberConfigError naming every bad variable. */
export function loadSubscriberConfig(env: NodeJS.ProcessEnv = process.env): SubscriberConfig {
  const read = new EnvReader(env);
  const brokers = read.brokers('KAFKA_BROKERS');
  const agency = (env['SUBSCRIBER_AGENCY'] ?? '').trim();
  if (!isAgencyCode(agency)) {
    read.problem(`SUBSCRIBER_AGENCY must be an agency code such as 000.00.00.H29 (got "${agency}")`);
  }
  const jwksUrl = (env['GATEWAY_JWKS_URL'] ?? '').trim();
  try {
    const url = new URL(jwksUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    if (url.username || url.password) throw new Error('credentials');
  } catch {
    read.problem(`GATEWAY_JWKS_URL must be an http(s) URL without credentials (got "${jwksUrl}")`);
  }
  const groupId = (env['GROUP_ID'] ?? '').trim() || `lienthong-subscriber-${agency}`;
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(groupId)) {
    read.problem(`GROUP_ID must be 1 to 200 characters of A-Z a-z 0-9 . _ - (got "${groupId}")`);
  }
  const cacheSeconds = read.int('JWKS_CACHE_SECONDS', 300, 0, 86_400);
  const publisherKeys = new Map<string, AgencyKey[]>();
  const publishersRaw = env['PUBLISHER_JWKS'];
  if (publishersRaw !== undefined && publishersRaw.trim() !== '') {
    try {
      const parsed = JSON.parse(publishersRaw) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      for (const [id, jwks] of Object.entries(parsed)) {
        if (!isAgencyCode(id)) throw new Error(`"${id}" is not an agency code`);
        publisherKeys.set(id, parseAgencyJwks(jwks));
      }
    } catch (error) {
      read.problem(
        `PUBLISHER_JWKS must be {"<agency>": {"keys": [...]}} (${error instanceof Error ? error.message : 'invalid'})`,
      );
    }
  }
  const logLevel = read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
  read.throwIfInvalid('invalid configuration', (message) => new SubscriberConfigError(message));
  return {
    kafkaBrokers: brokers,
    agency,
    gatewayJwksUrl: jwksUrl,
    groupId,
    jwksCacheMs: cacheSeconds * 1000,
    publisherKeys,
    logLevel,
  };
}
