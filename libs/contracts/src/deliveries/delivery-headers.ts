/**
 * Kafka headers the router adds to what it writes (inbox, retry and dead-letter topics), next
 * to the record's own headers (`CE_HEADERS`, `PUBLISHER_SIGNATURE_HEADER`, …). The gateway's
 * dead-letter API reads them.
 */
export const DELIVERY_HEADERS = {
  /** Subscription the delivery is for. */
  subscription: 'lienthong-subscription',
  /** Attempts made so far (retry and dead-letter topics). */
  attempts: 'lienthong-attempts',
  /** Epoch milliseconds before which a retry must not be attempted. */
  dueAt: 'lienthong-due-at',
  /** The last delivery error, short and free of payload data. */
  lastError: 'lienthong-last-error',
  /** Why a record is in `lienthong.dlq`: see DEAD_LETTER_REASONS. */
  deadLetterReason: 'lienthong-dead-letter-reason',
  /** ISO time the record was dead-lettered. */
  deadLetteredAt: 'lienthong-dead-lettered-at',
  /** `<topic>/<partition>/<offset>` of the accepted record. */
  origin: 'lienthong-origin',
  /**
   * Set (to `hmac-sha256`) when the Kafka key and `ce_subject` are the subscription's keyed
   * pseudonym of a record key that is personal data, not the key itself.
   */
  keyPseudonym: 'lienthong-key-pseudonym',
  /** Set on deliveries made by a replay or a redrive: the command id. */
  command: 'lienthong-command',
  /**
   * Parked deliveries only (never sent to a subscriber): what the delivery discloses, subject
   * hashes and personal fields (`encodeDisclosureFacts`), so a retry that succeeds is recorded.
   */
  disclosure: 'lienthong-disclosure',
} as const;

/** Carries the gateway's detached JWS over the exact bytes delivered to an inbox. */
export const GATEWAY_SIGNATURE_HEADER = 'lienthong-gateway-signature';

/** Values of `lienthong-dead-letter-reason`. */
export const DEAD_LETTER_REASONS = [
  /** Every attempt failed; `lienthong-last-error` says how the last one did. */
  'attempts-exhausted',
  /** The record could not be read (no CloudEvents id or type, body not JSON); no subscription. */
  'poison',
  /** The subscription was deleted or paused while the delivery waited for a retry. */
  'subscription-inactive',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];
