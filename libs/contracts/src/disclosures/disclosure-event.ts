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

/**
 * One disclosure, as the router writes it to `lienthong.disclosures` (key: `subject`). The
 * subject identifier itself is never stored: `subject` is its keyed hash (`subjectHash`).
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

/** The keyed hash that stands for a data subject at rest: base64url HMAC-SHA-256 (RFC 2104). */
export function subjectHash(secret: string, subjectId: string): string {
  return createHmac('sha256', secret).update(subjectId, 'utf8').digest('base64url');
}

/** Topic configuration of `lienthong.disclosures`: time-retained, never compacted. */
export function disclosureTopicConfig(retentionDays: number): Record<string, string> {
  return { 'cleanup.policy': 'delete', 'retention.ms': String(retentionDays * 86_400_000) };
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
  const purpose = e['purpose'] as Record<string, unknown> | undefined;
  const ok =
    e['format'] === DISCLOSURE_EVENT_FORMAT &&
    typeof e['subject'] === 'string' &&
    HASH.test(e['subject']) &&
    isText(e['subjectPointer']) &&
    isText(e['type']) &&
    isText(e['recordId']) &&
    isText(e['publisher']) &&
    isText(e['recipient']) &&
    isText(e['subscription']) &&
    (e['channel'] === 'inbox' || e['channel'] === 'webhook') &&
    Array.isArray(e['fields']) &&
    e['fields'].every((f) => isText(f)) &&
    (purpose === undefined ||
      (purpose !== null &&
        typeof purpose === 'object' &&
        isText(purpose['vi']) &&
        (purpose['en'] === undefined || isText(purpose['en'])))) &&
    (e['legalBasis'] === undefined || isText(e['legalBasis'])) &&
    typeof e['disclosedAt'] === 'string' &&
    !Number.isNaN(Date.parse(e['disclosedAt'])) &&
    Number.isSafeInteger(e['attempt']) &&
    (e['command'] === undefined || isText(e['command']));
  return ok ? (e as unknown as DisclosureEvent) : undefined;
}
