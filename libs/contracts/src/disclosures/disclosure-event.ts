import { createHmac } from 'node:crypto';

/** The disclosure log: one event per data subject per delivery that reached its subscriber. */
export const DISCLOSURE_TOPIC = 'lienthong.disclosures';
/** `format` of every disclosure event; a new meaning gets a new format. */
export const DISCLOSURE_EVENT_FORMAT = 'lienthong.disclosure/1';
/** Shortest accepted `DISCLOSURE_SUBJECT_SECRET`, in characters (HMAC-SHA-256 wants ≥ 32 bytes). */
export const DISCLOSURE_SECRET_MIN_LENGTH = 32;
/** Default retention of `lienthong.disclosures`, in days (`DISCLOSURE_RETENTION_DAYS`). */
export const DISCLOSURE_RETENTION_DAYS_DEFAULT = 1_825;

/** The channel that handed the bytes over. */
export type DisclosureChannel = 'inbox' | 'webhook';

/** One delivery of a record that reached its subscriber: a disclosure of the event's subject. */
export interface DisclosureDelivery {
  /** The receiving agency. */
  recipient: string;
  subscription: string;
  channel: DisclosureChannel;
  /** Personal-data pointers present in what was delivered, after projection. */
  fields: string[];
  /** The subscription's purpose and legal basis at delivery time; absent when it stated none. */
  purpose?: { vi: string; en?: string };
  legalBasis?: string;
  /** When the inbox write was acknowledged or the webhook answered 2xx (RFC 3339, UTC). */
  disclosedAt: string;
  /** Delivery attempt that succeeded (1 = first). */
  attempt: number;
  /** The replay or redrive command that made this delivery, if any. */
  command?: string;
}

/**
 * The disclosures of one record about one subject made by one hand-off, as the router writes
 * them to `lienthong.disclosures` (key: `subject`): a fan-out to ten subscribers is one event
 * with ten deliveries, not ten events. The subject identifier itself is never stored: `subject`
 * is its keyed hash (`subjectHash`).
 */
export interface DisclosureEvent {
  format: typeof DISCLOSURE_EVENT_FORMAT;
  /** base64url HMAC-SHA-256 of the subject identifier under `DISCLOSURE_SUBJECT_SECRET`. */
  subject: string;
  /** The schema's `dataSubject` pointer the identifier was read at (the subject's role). */
  subjectPointer: string;
  type: string;
  /** The record's CloudEvents id. */
  recordId: string;
  publisher: string;
  /** At least one. */
  deliveries: DisclosureDelivery[];
}

/** The keyed hash that stands for a data subject at rest: base64url HMAC-SHA-256 (RFC 2104). */
export function subjectHash(secret: string, subjectId: string): string {
  return createHmac('sha256', secret).update(subjectId, 'utf8').digest('base64url');
}

/**
 * Topic configuration of `lienthong.disclosures`: time-retained, never compacted; record batches
 * up to 4 MiB (the router writes at most 2 MiB of events per request).
 */
export function disclosureTopicConfig(retentionDays: number): Record<string, string> {
  return {
    'cleanup.policy': 'delete',
    'retention.ms': String(retentionDays * 86_400_000),
    'max.message.bytes': String(4 * 1_048_576),
  };
}

const HASH = /^[A-Za-z0-9_-]{43}$/;
const isText = (v: unknown, max = 1_000): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

/** Reads an untrusted disclosure event (a Kafka value); undefined when it is not one. */
export function parseDisclosureEvent(bytes: Buffer | string): DisclosureEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const e = value as Record<string, unknown>;
  const deliveries = e['deliveries'];
  const ok =
    e['format'] === DISCLOSURE_EVENT_FORMAT &&
    typeof e['subject'] === 'string' &&
    HASH.test(e['subject']) &&
    isText(e['subjectPointer']) &&
    isText(e['type']) &&
    isText(e['recordId']) &&
    isText(e['publisher']) &&
    Array.isArray(deliveries) &&
    deliveries.length > 0 &&
    deliveries.every(isDelivery);
  return ok ? (e as unknown as DisclosureEvent) : undefined;
}

function isDelivery(value: unknown): value is DisclosureDelivery {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const d = value as Record<string, unknown>;
  const purpose = d['purpose'] as Record<string, unknown> | undefined;
  return (
    isText(d['recipient']) &&
    isText(d['subscription']) &&
    (d['channel'] === 'inbox' || d['channel'] === 'webhook') &&
    Array.isArray(d['fields']) &&
    d['fields'].every((f) => isText(f)) &&
    (purpose === undefined ||
      (purpose !== null &&
        typeof purpose === 'object' &&
        isText(purpose['vi']) &&
        (purpose['en'] === undefined || isText(purpose['en'])))) &&
    (d['legalBasis'] === undefined || isText(d['legalBasis'])) &&
    typeof d['disclosedAt'] === 'string' &&
    !Number.isNaN(Date.parse(d['disclosedAt'])) &&
    Number.isSafeInteger(d['attempt']) &&
    (d['command'] === undefined || isText(d['command']))
  );
}
