import { PROBLEM_CATALOGUE, RECORD_TOPIC_PREFIX } from '@lienthong/contracts';
import type { ProblemCode } from '@lienthong/contracts';
import { TRUST_CONTEXTS, TRUST_REASONS } from '@lienthong/trust';

/** The label value for anything outside its allow-list. */
export const OTHER = 'other';

/** `reason` of `lienthong_records_rejected_total`: the stable problem codes. */
export const REJECTION_REASONS: readonly ProblemCode[] = Object.keys(PROBLEM_CATALOGUE) as ProblemCode[];

/** `reason` of `lienthong_auth_failures_total`: the closed list of trust refusals. */
export const AUTH_FAILURE_REASONS: readonly string[] = TRUST_REASONS;

/** `context` of `lienthong_auth_failures_total`: what was being checked. */
export const AUTH_FAILURE_CONTEXTS: readonly string[] = TRUST_CONTEXTS;

/** `topic_family` of the Kafka produce metrics (design: "Kafka topology"). */
export const TOPIC_FAMILIES = ['records', 'registry', 'inbox', 'retry', 'dlq', 'audit'] as const;
export type TopicFamily = (typeof TOPIC_FAMILIES)[number];

/** `outcome` of `lienthong_deliveries_total`. */
export const DELIVERY_OUTCOMES = ['delivered', 'retried', 'dead_lettered', 'filtered'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** `mode` of `lienthong_delivery_duration_seconds`: a subscriber's inbox topic or its webhook. */
export const DELIVERY_MODES = ['inbox', 'webhook'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** `state` of `lienthong_registry_schema_versions`; the registry's version states. */
export const SCHEMA_VERSION_STATES = ['active', 'deprecated', 'disabled'] as const;
export type SchemaVersionState = (typeof SCHEMA_VERSION_STATES)[number];

/** `method` of the HTTP metrics (RFC 9110 section 9 plus PATCH). */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * `status` of the HTTP metrics: the codes this gateway answers with (its problem catalogue and
 * the success and redirect codes of RFC 9110 section 15); any other code is `other`.
 */
export const HTTP_STATUSES: readonly number[] = [
  ...new Set([
    200,
    201,
    202,
    204,
    301,
    302,
    304,
    307,
    308,
    400,
    401,
    403,
    404,
    405,
    406,
    409,
    410,
    412,
    413,
    415,
    422,
    429,
    500,
    502,
    503,
    504,
    ...Object.values(PROBLEM_CATALOGUE).map((p) => p.status as number),
  ]),
].sort((a, b) => a - b);

const SINGLE_TOPICS: Readonly<Record<string, TopicFamily>> = {
  'lienthong.registry': 'registry',
  'lienthong.dlq': 'dlq',
  'lienthong.audit': 'audit',
};

const PREFIXED_TOPICS: readonly (readonly [string, TopicFamily])[] = [
  [RECORD_TOPIC_PREFIX, 'records'],
  ['lienthong.inbox.', 'inbox'],
  ['lienthong.retry.', 'retry'],
];

/** The family of a Lienthong topic name, or `other` for a topic outside the topology. */
export function topicFamily(topic: string): TopicFamily | typeof OTHER {
  const single = SINGLE_TOPICS[topic];
  if (single) return single;
  for (const [prefix, family] of PREFIXED_TOPICS) {
    if (topic.startsWith(prefix) && topic.length > prefix.length) return family;
  }
  return OTHER;
}

/** The part after the family prefix (`<type>` of a record topic, `<agency>` of an inbox). */
export function topicSuffix(topic: string): string | undefined {
  for (const [prefix] of PREFIXED_TOPICS) {
    if (topic.startsWith(prefix) && topic.length > prefix.length) return topic.slice(prefix.length);
  }
  return undefined;
}
