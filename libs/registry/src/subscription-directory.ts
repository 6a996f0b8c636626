import type { Subscription, SubscriptionRecordData } from '@lienthong/delivery';
import type { ApplyOutcome } from './registry-log.js';
import type { RegistryRecord } from './registry-record.js';

/** A subscription as every replica holds it: the contract, plus when it last changed. */
export interface RegisteredSubscription extends Subscription {
  /** Time of the registry record that set this state. */
  updatedAt: string;
}

/**
 * Subscriptions, as every replica holds them. `subscription/<id>` records are last-writer-wins
 * full states (deletion is `{ id, deleted: true }`), so applying one is a plain upsert or
 * removal that reads nothing else: compaction may drop all but each id's last record, and a
 * replica replaying the compacted log reaches the same state as one that saw every record.
 * Grants are not checked here: a subscription outlives a revoked grant, and whoever delivers
 * checks the grant at delivery time.
 */
export class SubscriptionDirectory {
  private readonly subscriptions = new Map<string, RegisteredSubscription>();
  private readonly listeners: ((id: string, subscription: RegisteredSubscription | undefined) => void)[] = [];

  /** Called after each applied change with the new state, or undefined when deleted. */
  onChange(listener: (id: string, subscription: RegisteredSubscription | undefined) => void): void {
    this.listeners.push(listener);
  }

  apply(record: RegistryRecord): ApplyOutcome {
    if (record.kind !== 'subscription') return { accepted: false, reason: 'unknown-kind' };
    const data = record.data as SubscriptionRecordData | null;
    if (!data || typeof data !== 'object' || data.id !== record.id) {
      return { accepted: false, reason: 'invalid-record' };
    }
    if ('deleted' in data) {
      if (data.deleted !== true) return { accepted: false, reason: 'invalid-record' };
      const existed = this.subscriptions.delete(record.id);
      if (existed) this.notify(record.id, undefined);
      return { accepted: true, result: { deleted: existed } };
    }
    if (!isSubscription(data)) return { accepted: false, reason: 'invalid-record' };
    const stored: RegisteredSubscription = { ...copy(data), updatedAt: record.at };
    this.subscriptions.set(record.id, stored);
    this.notify(record.id, stored);
    return { accepted: true, result: stored };
  }

  get(id: string): RegisteredSubscription | undefined {
    return this.subscriptions.get(id);
  }

  /** Every subscription, in id order (UUIDv7 ids: creation order). */
  list(): RegisteredSubscription[] {
    return [...this.subscriptions.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The subscriptions of one agency, in id order. */
  forAgency(agency: string): RegisteredSubscription[] {
    return this.list().filter((s) => s.agency === agency);
  }

  /** Active subscriptions listing `type`. */
  activeFor(type: string): RegisteredSubscription[] {
    return this.list().filter((s) => s.status === 'active' && s.types.includes(type));
  }

  size(): { total: number; active: number } {
    let active = 0;
    for (const s of this.subscriptions.values()) if (s.status === 'active') active++;
    return { total: this.subscriptions.size, active };
  }

  private notify(id: string, subscription: RegisteredSubscription | undefined): void {
    for (const listener of this.listeners) listener(id, subscription);
  }
}

/**
 * The shape checks a replica can make without the schemas: enough that readers never meet a
 * malformed subscription. Filters are evaluated defensively by `matchesFilter` (an unknown
 * node matches nothing), and the gateway validated everything before writing.
 */
function isSubscription(data: Partial<Subscription>): data is Subscription {
  const delivery = data.delivery as Partial<{ mode: string; url: unknown; secret: unknown }> | undefined;
  return (
    typeof data.id === 'string' &&
    typeof data.agency === 'string' &&
    Array.isArray(data.types) &&
    data.types.length > 0 &&
    data.types.every((t) => typeof t === 'string') &&
    (data.filter === undefined || (data.filter !== null && typeof data.filter === 'object')) &&
    (data.projection === undefined ||
      (Array.isArray(data.projection) && data.projection.every((p) => typeof p === 'string'))) &&
    (delivery?.mode === 'kafka' ||
      (delivery?.mode === 'webhook' &&
        typeof delivery.url === 'string' &&
        typeof delivery.secret === 'string')) &&
    (data.pseudonymSecret === undefined || typeof data.pseudonymSecret === 'string') &&
    (data.purpose === undefined ||
      (data.purpose !== null && typeof data.purpose === 'object' && typeof data.purpose.vi === 'string')) &&
    (data.legalBasis === undefined || typeof data.legalBasis === 'string') &&
    (data.status === 'active' || data.status === 'paused') &&
    typeof data.createdAt === 'string' &&
    typeof data.createdBy === 'string'
  );
}

/** Only the contract's members, so a record cannot smuggle extra state into every replica. */
function copy(data: Subscription): Subscription {
  const subscription: Subscription = {
    id: data.id,
    agency: data.agency,
    types: [...data.types],
    delivery:
      data.delivery.mode === 'kafka'
        ? { mode: 'kafka' }
        : { mode: 'webhook', url: data.delivery.url, secret: data.delivery.secret },
    status: data.status,
    createdAt: data.createdAt,
    createdBy: data.createdBy,
  };
  if (data.filter !== undefined) subscription.filter = data.filter;
  if (data.projection !== undefined) subscription.projection = [...data.projection];
  if (data.pseudonymSecret !== undefined) subscription.pseudonymSecret = data.pseudonymSecret;
  if (data.purpose !== undefined) {
    subscription.purpose = { vi: data.purpose.vi };
    if (typeof data.purpose.en === 'string') subscription.purpose.en = data.purpose.en;
  }
  if (data.legalBasis !== undefined) subscription.legalBasis = data.legalBasis;
  return subscription;
}
