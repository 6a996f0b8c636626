import { createHmac } from 'node:crypto';

/** The disclosure log: one event per data subject per delivery that reached its subscriber. */
export const DISCLOSURE_TOPIC = 'lienthong.disclosures';
/**
 * `format` of a disclosure event whose every delivery states its own context (the first format);
 * a new meaning gets a new format. Still read; also the shape every event is read into.
 */
export const DISCLOSURE_EVENT_FORMAT = 'lienthong.disclosure/1';
/**
 * `format` of a compact disclosure event (what routers write): each distinct delivery context
 * (channel, fields, purpose, legal basis, command) is stated once per event, and the deliveries
 * name theirs by index.
 */
export const COMPACT_DISCLOSURE_EVENT_FORMAT = 'lienthong.disclosure/2';
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
  /** The format it was written in (a compact event is read with its contexts expanded). */
  format: typeof DISCLOSURE_EVENT_FORMAT | typeof COMPACT_DISCLOSURE_EVENT_FORMAT;
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

/** What every delivery of a compact event that names it shares: why and what was disclosed. */
export type DisclosureContext = Pick<
  DisclosureDelivery,
  'channel' | 'fields' | 'purpose' | 'legalBasis' | 'command'
>;

/** A delivery of a compact event: its own facts, and the index of its context in `contexts`. */
export type CompactDisclosureDelivery = Pick<
  DisclosureDelivery,
  'recipient' | 'subscription' | 'disclosedAt' | 'attempt'
> & { context: number };

/**
 * A disclosure event as routers write it (`lienthong.disclosure/2`): the same facts as a
 * `DisclosureEvent`, but a fan-out whose subscriptions state the same purpose, legal basis and
 * fields carries them once instead of once per delivery.
 */
export interface CompactDisclosureEvent extends Omit<DisclosureEvent, 'format' | 'deliveries'> {
  format: typeof COMPACT_DISCLOSURE_EVENT_FORMAT;
  /** At least one; each named by at least one delivery. */
  contexts: DisclosureContext[];
  /** At least one. */
  deliveries: CompactDisclosureDelivery[];
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

/**
 * Reads an untrusted disclosure event (a Kafka value) of either format; undefined when it is not
 * one. A compact event is returned with its contexts expanded into its deliveries, so a reader
 * sees one shape whatever the writer wrote.
 */
export function parseDisclosureEvent(bytes: Buffer | string): DisclosureEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const e = value;
  const deliveries = e['deliveries'];
  const head =
    typeof e['subject'] === 'string' &&
    HASH.test(e['subject']) &&
    isText(e['subjectPointer']) &&
    isText(e['type']) &&
    isText(e['recordId']) &&
    isText(e['publisher']) &&
    Array.isArray(deliveries) &&
    deliveries.length > 0;
  if (!head) return undefined;
  if (e['format'] === DISCLOSURE_EVENT_FORMAT)
    return deliveries.every(isDelivery) ? (e as unknown as DisclosureEvent) : undefined;
  if (e['format'] !== COMPACT_DISCLOSURE_EVENT_FORMAT) return undefined;
  const contexts = e['contexts'];
  if (!Array.isArray(contexts) || contexts.length === 0 || !contexts.every(isContext)) return undefined;
  const expanded: DisclosureDelivery[] = [];
  for (const d of deliveries) {
    if (!isCompactDelivery(d, contexts.length)) return undefined;
    const { channel, fields, purpose, legalBasis, command } = contexts[d.context]!;
    expanded.push({
      recipient: d.recipient,
      subscription: d.subscription,
      channel,
      fields,
      ...(purpose !== undefined && { purpose }),
      ...(legalBasis !== undefined && { legalBasis }),
      disclosedAt: d.disclosedAt,
      attempt: d.attempt,
      ...(command !== undefined && { command }),
    });
  }
  const event = e as unknown as CompactDisclosureEvent;
  return {
    format: event.format,
    subject: event.subject,
    subjectPointer: event.subjectPointer,
    type: event.type,
    recordId: event.recordId,
    publisher: event.publisher,
    deliveries: expanded,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isContext(value: unknown): value is DisclosureContext {
  if (!isObject(value)) return false;
  const d = value;
  const purpose = d['purpose'];
  return (
    (d['channel'] === 'inbox' || d['channel'] === 'webhook') &&
    Array.isArray(d['fields']) &&
    d['fields'].every((f) => isText(f)) &&
    (purpose === undefined ||
      (isObject(purpose) &&
        isText(purpose['vi']) &&
        (purpose['en'] === undefined || isText(purpose['en'])))) &&
    (d['legalBasis'] === undefined || isText(d['legalBasis'])) &&
    (d['command'] === undefined || isText(d['command']))
  );
}

function isOwnFacts(d: Record<string, unknown>): boolean {
  return (
    isText(d['recipient']) &&
    isText(d['subscription']) &&
    typeof d['disclosedAt'] === 'string' &&
    !Number.isNaN(Date.parse(d['disclosedAt'])) &&
    Number.isSafeInteger(d['attempt'])
  );
}

function isDelivery(value: unknown): value is DisclosureDelivery {
  return isObject(value) && isOwnFacts(value) && isContext(value);
}

function isCompactDelivery(value: unknown, contexts: number): value is CompactDisclosureDelivery {
  if (!isObject(value) || !isOwnFacts(value)) return false;
  const context = value['context'];
  return Number.isSafeInteger(context) && (context as number) >= 0 && (context as number) < contexts;
}
