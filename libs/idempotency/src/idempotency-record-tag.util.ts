import { createHash } from 'node:crypto';

/**
 * Kafka header on every record published with an Idempotency-Key: `idempotencyRecordTag` of its
 * scope and key. A retry that takes over a stale claim looks for it to learn whether an earlier
 * attempt's write landed (docs/reliability.md, "Exactly once").
 */
export const IDEMPOTENCY_RECORD_HEADER = 'lienthong-idempotency-key';

/** Kafka header on each record of a batch published with an Idempotency-Key: its index in the request. */
export const IDEMPOTENCY_BATCH_INDEX_HEADER = 'lienthong-batch-index';

/**
 * The value of `IDEMPOTENCY_RECORD_HEADER`: SHA-256, base64url, of the scope (agency and route)
 * and the key. Subscribers see the header, so it carries a digest, never the client's key.
 */
export function idempotencyRecordTag(scope: string, key: string): string {
  return createHash('sha256')
    .update(JSON.stringify([scope, key]))
    .digest('base64url');
}
