import { createHash } from 'node:crypto';

/**
 * The value of the record header `IDEMPOTENCY_RECORD_HEADER` (`@lienthong/contracts`): SHA-256, base64url, of the scope (agency and route)
 * and the key. Subscribers see the header, so it carries a digest, never the client's key.
 */
export function idempotencyRecordTag(scope: string, key: string): string {
  return createHash('sha256')
    .update(JSON.stringify([scope, key]))
    .digest('base64url');
}
