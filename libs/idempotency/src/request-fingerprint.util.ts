import { createHash } from 'node:crypto';

/**
 * The request fingerprint (draft-ietf-httpapi-idempotency-key-header, section "Idempotency
 * Fingerprint"): SHA-256, base64url without padding, over the method, the path, the `extra`
 * pairs (sorted by name, e.g. a publisher signature or a schema version header) and the exact
 * body bytes. The non-body part is a JSON array, which is self-delimiting, so no two distinct
 * requests encode to the same input.
 */
export function requestFingerprint(
  method: string,
  path: string,
  body: Uint8Array,
  extra: Readonly<Record<string, string>> = {},
): string {
  const pairs = Object.entries(extra).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([method.toUpperCase(), path, pairs]))
    .update(body)
    .digest('base64url');
}
