import type { DisclosureFacts, Subscription } from '@lienthong/delivery';
import { disclosureFacts, matchesFilter, projectPayload } from '@lienthong/delivery';
import { DELIVERY_HEADERS, TRACEPARENT_HEADER, PUBLISHER_SIGNATURE_HEADER } from '@lienthong/contracts';
import type { RegistryState } from '@lienthong/registry';
import type { KeyPseudonyms } from './key-pseudonyms.js';
import type { RoutedRecord } from './routed-record.js';
import { childTraceparent } from './trace-context.js';

/** One delivery to make: the bytes for one subscription, and what travels with them. */
export interface Delivery {
  subscription: Subscription;
  messageId: string;
  type: string;
  publisher: string;
  key: Buffer | string | null;
  body: Buffer;
  /** CloudEvents, content type, trace context, and the publisher signature when the body is untouched. */
  carried: Record<string, string>;
  /** Attempts already made (0 for a fresh record). */
  attempts: number;
  origin: string;
  /** What the delivery discloses (subject hashes, personal fields); absent when nothing personal. */
  disclosure?: DisclosureFacts;
}

/** No projection: the whole record is delivered. */
const WHOLE_RECORD: readonly string[] = [];
/**
 * One record's disclosure facts by the projection that produced them (the array itself; the
 * personal-data grant is the same for every delivery that discloses anything).
 */
type DisclosureMemo = Map<readonly string[], DisclosureFacts | undefined>;

export interface MatchOptions {
  /** Replay: this subscription only, and records older than the subscription too. */
  only?: Subscription;
  commandId?: string;
}

/**
 * Decides who receives a record and what exactly: an active subscription of an active agency
 * still granted `subscribe` on the type, created no later than the record was accepted (older
 * records only by replay), whose filter matches; the payload projected to the subscription's
 * fields, personal-data fields kept only with the `subscribe-personal-data` grant, and a record
 * key that is personal data replaced by the subscription's pseudonym without it.
 */
export class SubscriptionMatcher {
  private byType = new Map<string, Subscription[]>();

  /** `hashSubject`: the disclosure log's keyed hash; without it, no disclosure facts are computed. */
  constructor(
    private readonly state: RegistryState,
    private readonly keys: KeyPseudonyms,
    private readonly hashSubject?: (subjectId: string) => string,
  ) {}

  /** Re-reads the subscriptions (once per batch, after the registry sync). */
  refresh(): void {
    const byType = new Map<string, Subscription[]>();
    for (const s of this.state.subscriptions.list()) {
      if (s.status !== 'active') continue;
      for (const type of s.types) byType.set(type, [...(byType.get(type) ?? []), s]);
    }
    this.byType = byType;
  }

  /** Deliveries for `record`, and how many subscriptions of its type the filter left out. */
  match(
    record: RoutedRecord,
    options: MatchOptions = {},
  ): { deliveries: Delivery[]; filtered: Subscription[] } {
    const candidates = options.only ? [options.only] : (this.byType.get(record.type) ?? []);
    const deliveries: Delivery[] = [];
    const filtered: Subscription[] = [];
    // Subscriptions of a record with the same projection deliver the same personal fields of the
    // same subjects: their disclosure facts are computed (and hashed) once and shared.
    const disclosures: DisclosureMemo = new Map();
    for (const subscription of candidates) {
      if (subscription.status !== 'active' || !subscription.types.includes(record.type)) continue;
      if (!options.only && Date.parse(subscription.createdAt) > record.acceptedAt) continue;
      const agencies = this.state.agencies;
      if (
        !agencies.isActive(subscription.agency) ||
        !agencies.hasGrant(subscription.agency, 'subscribe', record.type)
      )
        continue;
      if (
        this.keys.filterReachesPersonalData(subscription, record.type) ||
        !matchesFilter(subscription.filter, { attributes: record.attributes, payload: record.payload })
      ) {
        filtered.push(subscription);
        continue;
      }
      deliveries.push(this.project(record, subscription, options.commandId, disclosures));
    }
    return { deliveries, filtered };
  }

  private project(
    record: RoutedRecord,
    subscription: Subscription,
    commandId: string | undefined,
    disclosures: DisclosureMemo,
  ): Delivery {
    const version =
      record.schemaVersion !== undefined ? this.state.version(record.type, record.schemaVersion) : undefined;
    const metadata = (version ?? this.state.latest(record.type))?.metadata;
    const personalData = metadata?.personalData ?? [];
    const personalDataAllowed = this.state.agencies.hasGrant(
      subscription.agency,
      'subscribe-personal-data',
      record.type,
    );
    const { payload, changed } = projectPayload(record.payload, subscription.projection, {
      personalData: [...personalData],
      personalDataAllowed,
    });
    const carried: Record<string, string> = { ...record.carried, [DELIVERY_HEADERS.origin]: record.origin };
    // Each delivery is a span of the publisher's trace: same trace id, a new parent id.
    const traceparent = childTraceparent(record.carried[TRACEPARENT_HEADER]);
    if (traceparent) carried[TRACEPARENT_HEADER] = traceparent;
    else delete carried[TRACEPARENT_HEADER];
    // The publisher signed the original bytes: forward it only with those bytes.
    if (!changed && record.publisherSignature)
      carried[PUBLISHER_SIGNATURE_HEADER] = record.publisherSignature;
    if (commandId) carried[DELIVERY_HEADERS.command] = commandId;
    const key = this.keys.required(subscription, record.type)
      ? this.keys.apply(subscription, carried, record.key)
      : record.key;
    let disclosure: DisclosureFacts | undefined;
    if (this.hashSubject && metadata?.dataSubject && personalDataAllowed) {
      const memo = subscription.projection ?? WHOLE_RECORD;
      if (disclosures.has(memo)) disclosure = disclosures.get(memo);
      else {
        disclosure = disclosureFacts(
          {
            original: record.payload,
            delivered: payload,
            dataSubject: metadata.dataSubject,
            personalData,
            projection: subscription.projection,
          },
          this.hashSubject,
        );
        disclosures.set(memo, disclosure);
      }
    }
    return {
      ...(disclosure && { disclosure }),
      subscription,
      messageId: record.messageId,
      type: record.type,
      publisher: record.publisher,
      key,
      body: changed ? Buffer.from(JSON.stringify(payload), 'utf8') : record.body,
      carried,
      attempts: 0,
      origin: record.origin,
    };
  }
}
