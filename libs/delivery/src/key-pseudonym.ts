import { createHmac, randomBytes } from 'node:crypto';
import { pointersRevealing } from './projection.js';

/** Random bytes of a subscription's pseudonym secret. */
export const PSEUDONYM_SECRET_BYTES = 32;

/** A fresh per-subscription pseudonym secret: 32 random bytes, base64url without padding. */
export function newPseudonymSecret(): string {
  return randomBytes(PSEUDONYM_SECRET_BYTES).toString('base64url');
}

/**
 * The pseudonym of a record key for one subscription: HMAC-SHA-256 of the key's bytes under the
 * subscription's secret (base64url, decoded to its bytes), base64url without padding. The same
 * key gives the same pseudonym within a subscription, so per-key ordering and partitioning hold;
 * without the secret it can be neither reversed nor linked across subscriptions.
 */
export function keyPseudonym(secret: string, key: Buffer | string): string {
  return createHmac('sha256', Buffer.from(secret, 'base64url'))
    .update(typeof key === 'string' ? Buffer.from(key, 'utf8') : key)
    .digest('base64url');
}

/**
 * The secret of a subscription written before subscriptions had one of their own: derived from
 * the router's `KEY_PSEUDONYM_SECRET` and the subscription id, so it is stable across restarts
 * and replicas and still differs per subscription.
 */
export function fallbackPseudonymSecret(routerSecret: string, subscriptionId: string): string {
  return createHmac('sha256', Buffer.from(routerSecret, 'utf8'))
    .update(subscriptionId, 'utf8')
    .digest('base64url');
}

/**
 * Whether a type's record key is personal data: its pointer equals one of the personal-data
 * pointers or lies inside one (`/holder/citizenId` inside `/holder`), compared token by token
 * (RFC 6901), so `/ab` is not inside `/a`.
 */
export function keyIsPersonalData(keyPointer: string, personalDataPointers: readonly string[]): boolean {
  return pointersRevealing([keyPointer], personalDataPointers).length > 0;
}
