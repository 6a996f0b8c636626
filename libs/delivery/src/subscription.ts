/**
 * Subscriptions: what a subscribing agency receives. Kept in the registry log as records of
 * kind `subscription` (key `subscription/<id>`, last-writer-wins full state; deletion is a
 * record with `deleted: true`). This file is the contract between the gateway (which writes
 * them) and the router (which applies them).
 */

/** A condition on a CloudEvents attribute or a payload field (never code evaluation). */
export type SubscriptionFilter =
  | { and: SubscriptionFilter[] }
  | { or: SubscriptionFilter[] }
  | { attribute: CloudEventAttribute; equals: string }
  | { attribute: CloudEventAttribute; in: string[] }
  | { pointer: string; equals: string | number | boolean | null }
  | { pointer: string; in: (string | number | boolean | null)[] }
  | { pointer: string; exists: boolean };

/** CloudEvents attributes a filter may test (their `ce_` header values). */
export const CLOUD_EVENT_ATTRIBUTES = ['id', 'source', 'type', 'subject', 'dataschema'] as const;
export type CloudEventAttribute = (typeof CLOUD_EVENT_ATTRIBUTES)[number];

export type DeliveryTarget =
  /** The agency's inbox topic `lienthong.inbox.<agency>`. */
  | { mode: 'kafka' }
  /** An https URL; Standard Webhooks signatures (`v1` HMAC with `secret`, `v1a` ed25519 by the gateway). */
  | { mode: 'webhook'; url: string; secret: string };

export interface Subscription {
  id: string;
  /** The subscribing agency (Decision 20/2020 code). */
  agency: string;
  types: string[];
  filter?: SubscriptionFilter;
  /**
   * Allow-list of JSON pointers delivered; absent = the whole record. Fields the type marks as
   * personal data are delivered only with the `subscribe-personal-data` grant for that type.
   */
  projection?: string[];
  delivery: DeliveryTarget;
  /** Why personal data is received (Law 91/2025/QH15); required with `subscribe-personal-data`. */
  purpose?: DisclosurePurpose;
  /** Legal-basis citation, e.g. `Luật 91/2025/QH15 Điều 19` (see `LEGAL_BASIS_PATTERN`). */
  legalBasis?: string;
  status: 'active' | 'paused';
  createdAt: string;
  createdBy: string;
  /**
   * Keys the pseudonyms of personal record keys for this subscription (32 random bytes,
   * base64url). The gateway's secret: never in an API answer or a log. Absent on subscriptions
   * written before it existed; the router then derives one from KEY_PSEUDONYM_SECRET.
   */
  pseudonymSecret?: string;
}

/** A subscription's purpose of processing: Vietnamese (the official text) and optional English. */
export interface DisclosurePurpose {
  vi: string;
  en?: string;
}

/** Data of a `subscription` registry record. */
export type SubscriptionRecordData = Subscription | { id: string; deleted: true };

/** Prefix of per-agency inbox topics. */
export const INBOX_TOPIC_PREFIX = 'lienthong.inbox.';
export const DEAD_LETTER_TOPIC = 'lienthong.dlq';
export const AUDIT_TOPIC = 'lienthong.audit';
/** Retry topics `lienthong.retry.<n>`, n = 1.. with growing delays. */
export const RETRY_TOPIC_PREFIX = 'lienthong.retry.';

export function inboxTopic(agency: string): string {
  return `${INBOX_TOPIC_PREFIX}${agency}`;
}
