import { CE_HEADERS, DELIVERY_HEADERS } from '@lienthong/contracts';
import type { Subscription } from '@lienthong/delivery';
import {
  fallbackPseudonymSecret,
  keyIsPersonalData,
  keyPseudonym,
  personalDataInFilter,
} from '@lienthong/delivery';
import type { RegistryState } from '@lienthong/registry';

/** Value of `lienthong-key-pseudonym` on a delivery whose key and `ce_subject` are pseudonyms. */
export const KEY_PSEUDONYM_SCHEME = 'hmac-sha256';

/**
 * Record keys that are personal data (Law 91/2025/QH15) reach a subscriber without the
 * `subscribe-personal-data` grant for the type only as a keyed pseudonym of its subscription:
 * the Kafka key and `ce_subject` of inbox records, `ce-subject` of webhooks, and the copies in
 * retry and dead-letter topics. Decided from the registry as it stands at each delivery, so a
 * revoked grant takes effect on the next record.
 */
export class KeyPseudonyms {
  constructor(
    private readonly state: RegistryState,
    private readonly routerSecret: string,
  ) {}

  /** Whether `subscription` must not see the clear key (or subject-filter on it) of `type`. */
  required(subscription: Subscription, type: string): boolean {
    return this.keyIsPersonal(type) && !this.entitled(subscription, type);
  }

  /**
   * Whether the filter tests personal data the subscriber is not (or no longer) granted: such a
   * filter matches nothing, as validation refuses it at creation and a later revocation must
   * not turn it into an oracle.
   */
  filterReachesPersonalData(subscription: Subscription, type: string): boolean {
    if (subscription.filter === undefined || this.entitled(subscription, type)) return false;
    const personalData = [...new Set(this.state.versions(type).flatMap((v) => v.metadata.personalData))];
    return (
      personalDataInFilter(subscription.filter, { personalData, keyIsPersonal: this.keyIsPersonal(type) })
        .length > 0
    );
  }

  /** The pseudonym of `key` for `subscription`. */
  pseudonym(subscription: Subscription, key: Buffer | string): string {
    const secret =
      subscription.pseudonymSecret ?? fallbackPseudonymSecret(this.routerSecret, subscription.id);
    return keyPseudonym(secret, key);
  }

  /**
   * Replaces a clear `ce_subject` in `carried` (and the key, when given) by the subscription's
   * pseudonym, marking it; a subject already marked is left alone (it is a pseudonym).
   * Returns the key to deliver.
   */
  apply<K extends Buffer | string | null>(
    subscription: Subscription,
    carried: Record<string, string>,
    key: K,
  ): K | string {
    if (carried[DELIVERY_HEADERS.keyPseudonym] !== undefined) return key;
    const subject = carried[CE_HEADERS.subject];
    if (subject !== undefined) carried[CE_HEADERS.subject] = this.pseudonym(subscription, subject);
    carried[DELIVERY_HEADERS.keyPseudonym] = KEY_PSEUDONYM_SCHEME;
    return key === null ? key : this.pseudonym(subscription, key);
  }

  private entitled(subscription: Subscription, type: string): boolean {
    return this.state.agencies.hasGrant(subscription.agency, 'subscribe-personal-data', type);
  }

  /**
   * Personal in any registered version: the pseudonym must not switch back and forth with the
   * schema version a record was validated against (per-key ordering, and no clear key leaks
   * through an older version that forgot to mark it).
   */
  private keyIsPersonal(type: string): boolean {
    return this.state
      .versions(type)
      .some((v) => keyIsPersonalData(v.metadata.keyPointer, v.metadata.personalData));
  }
}
