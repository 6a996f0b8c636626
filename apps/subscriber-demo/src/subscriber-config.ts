import { isAgencyCode } from '@lienthong/contracts';
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
}

/** Thrown at boot with a message naming every bad variable. */
export class SubscriberConfigError extends Error {
  override readonly name = 'SubscriberConfigError';
}

export function loadSubscriberConfig(env: NodeJS.ProcessEnv = process.env): SubscriberConfig {
  const problems: string[] = [];
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
  const agency = (env['SUBSCRIBER_AGENCY'] ?? '').trim();
  if (!isAgencyCode(agency)) {
    problems.push(`SUBSCRIBER_AGENCY must be an agency code such as 000.00.00.H29 (got "${agency}")`);
  }
  const jwksUrl = (env['GATEWAY_JWKS_URL'] ?? '').trim();
  try {
    const url = new URL(jwksUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    if (url.username || url.password) throw new Error('credentials');
  } catch {
    problems.push(`GATEWAY_JWKS_URL must be an http(s) URL without credentials (got "${jwksUrl}")`);
  }
  const groupId = (env['GROUP_ID'] ?? '').trim() || `lienthong-subscriber-${agency}`;
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(groupId)) {
    problems.push(`GROUP_ID must be 1 to 200 characters of A-Z a-z 0-9 . _ - (got "${groupId}")`);
  }
  const cacheRaw = env['JWKS_CACHE_SECONDS'];
  const cacheSeconds = cacheRaw === undefined || cacheRaw === '' ? 300 : Number(cacheRaw);
  if (!Number.isInteger(cacheSeconds) || cacheSeconds < 0 || cacheSeconds > 86_400) {
    problems.push(`JWKS_CACHE_SECONDS must be an integer between 0 and 86400 (got "${cacheRaw}")`);
  }
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
      problems.push(
        `PUBLISHER_JWKS must be {"<agency>": {"keys": [...]}} (${error instanceof Error ? error.message : 'invalid'})`,
      );
    }
  }
  if (problems.length > 0) {
    throw new SubscriberConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return {
    kafkaBrokers: brokers,
    agency,
    gatewayJwksUrl: jwksUrl,
    groupId,
    jwksCacheMs: cacheSeconds * 1000,
    publisherKeys,
  };
}
