/** The `202 Accepted` answer to a publish: where Kafka stored the record, and the receipt. */
export interface PublishResult {
  id: string;
  type: string;
  schemaVersion: number;
  /** Present (true) when the version used is deprecated: still accepted, but plan to move on. */
  schemaDeprecated?: true;
  topic: string;
  partition: number;
  offset: string;
  acceptedAt: string;
  /** Compact JWS by the gateway over the fields above and the body's SHA-256. */
  receipt: string;
}

/** One record's outcome in a batch, in request order. */
export type BatchItemResult =
  | { index: number; status: 'accepted'; id: string; partition: number; offset: string }
  | { index: number; status: 'rejected'; problem: { code: string; title: string; errors?: unknown[] } };

export interface BatchResult {
  type: string;
  schemaVersion: number;
  topic: string;
  acceptedAt: string;
  accepted: number;
  rejected: number;
  results: BatchItemResult[];
  /** One receipt over every accepted record's digest; absent when nothing was accepted. */
  receipt?: string;
}

/** What the controller hands the service besides the body. */
export interface PublishContext {
  agencyId: string;
  traceparent?: string | undefined;
  /** Raw `Lienthong-Schema-Version` header, when sent. */
  schemaVersion?: string | undefined;
  /** Raw `Lienthong-Signature` header (detached JWS), when sent. */
  signature?: string | undefined;
  /** For problem rendering of batch items. */
  language: 'en' | 'vi';
  /**
   * Charges the agency's rate limit for this many records (throws `rate-limited`); called once
   * the request is authorised and, for a batch, its records counted, before anything is written.
   */
  admit?: (records: number) => Promise<void>;
  /** Set when the request carries an Idempotency-Key (see MessagesController and PublishRecovery). */
  idempotency?: {
    /** Value of the `lienthong-idempotency-key` Kafka header on every record written. */
    tag: string;
    /** Records an earlier attempt already wrote, by index in the request (0 for a single publish). */
    written?: ReadonlyMap<number, WrittenRecord>;
  };
}

/** A record an earlier attempt of the same idempotent request wrote, as read back from Kafka. */
export interface WrittenRecord {
  id: string;
  topic: string;
  partition: number;
  offset: string;
  /** Its `ce_time`: when the earlier attempt accepted it. */
  acceptedAt: string;
}

/** Maximum records in one batch. */
export const MAX_BATCH_RECORDS = 500;
