import type { DisclosureChannel, DisclosureDelivery, DisclosureEvent } from '@lienthong/contracts';

/** One disclosure as a lookup answers it (the subject is the one asked about). */
export interface DisclosureEntry {
  disclosedAt: string;
  type: string;
  recordId: string;
  publisher: string;
  recipient: string;
  subscription: string;
  channel: DisclosureChannel;
  subjectPointer: string;
  fields: string[];
  purpose?: { vi: string; en?: string };
  legalBasis?: string;
  attempt: number;
  command?: string;
}

/**
 * Position of an entry in the order every replica agrees on: time, then the Kafka coordinates of
 * its event, then its place among the event's deliveries.
 */
export interface DisclosurePosition {
  time: number;
  partition: number;
  offset: number;
  ordinal: number;
}

export interface DisclosureQuery {
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  /** Only entries strictly before this position (the previous page's last entry). */
  before?: DisclosurePosition;
  limit: number;
  /** Only entries of types this accepts (a data-subject officer's owned types). */
  typeVisible?: (type: string) => boolean;
}

/** What repeats across a subscription's disclosures, interned once. */
type DisclosureContext = Omit<DisclosureEntry, 'disclosedAt' | 'recordId' | 'attempt'>;

const UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/;

/**
 * The disclosures of every subject, in memory, compact: per entry a time (Float64), its Kafka
 * partition (Uint16), offset (Float64) and place in its event (Uint16), an interned context (Uint32: type, publisher,
 * recipient, subscription, channel, subject pointer, fields, purpose, legal basis and command —
 * what repeats for every record a subscription receives), the attempt (Uint8) and the record id
 * as 16 bytes when it is a UUID; per subject (by keyed hash) the entry numbers in log order.
 * docs/disclosures.md has the measured bytes per entry. Entries are only appended: the topic is
 * time-retained, and a gateway rebuilds from it on start.
 */
export class DisclosureIndex {
  private size = 0;
  private capacity = 0;
  private times = new Float64Array(0);
  private offsets = new Float64Array(0);
  private partitions = new Uint16Array(0);
  private ordinals = new Uint16Array(0);
  private contextIds = new Uint32Array(0);
  private attempts = new Uint8Array(0);
  private recordIds = new Uint8Array(0);
  /** Record ids that are not UUIDs, by entry number (rare: the gateway makes UUIDv7 ids). */
  private readonly otherRecordIds = new Map<number, string>();
  private readonly contexts: DisclosureContext[] = [];
  private readonly contextKeys = new Map<string, number>();
  private readonly bySubject = new Map<string, number[]>();
  /** Highest offset applied per partition: a re-read message is not indexed twice. */
  private readonly applied = new Map<number, number>();

  /** Entries held. */
  get entries(): number {
    return this.size;
  }

  /** Distinct subjects and interned contexts (memory accounting, metrics). */
  stats(): { entries: number; subjects: number; contexts: number } {
    return { entries: this.size, subjects: this.bySubject.size, contexts: this.contexts.length };
  }

  /** Adds the event read at `partition`/`offset`; false when that offset was applied already. */
  add(event: DisclosureEvent, partition: number, offset: number): boolean {
    if (offset <= (this.applied.get(partition) ?? -1)) return false;
    this.applied.set(partition, offset);
    let list = this.bySubject.get(event.subject);
    if (!list) {
      list = [];
      this.bySubject.set(event.subject, list);
    }
    const uuid = UUID.exec(event.recordId);
    const recordBytes = uuid ? Buffer.from(uuid.slice(1).join(''), 'hex') : undefined;
    event.deliveries.forEach((delivery, ordinal) => {
      if (this.size === this.capacity) this.grow();
      const i = this.size++;
      this.times[i] = Date.parse(delivery.disclosedAt);
      this.offsets[i] = offset;
      this.partitions[i] = partition;
      this.ordinals[i] = Math.min(ordinal, 65_535);
      this.contextIds[i] = this.intern(event, delivery);
      this.attempts[i] = Math.min(Math.max(delivery.attempt, 0), 255);
      if (recordBytes) this.recordIds.set(recordBytes, i * 16);
      else this.otherRecordIds.set(i, event.recordId);
      // Log order is almost time order; a router's clock a little behind another's is put in place.
      let at = list.length;
      while (at > 0 && this.compare(list[at - 1]!, i) > 0) at--;
      if (at === list.length) list.push(i);
      else list.splice(at, 0, i);
    });
    return true;
  }

  /** A subject's disclosures, newest first; `more` when the query's limit cut the answer. */
  query(
    subject: string,
    query: DisclosureQuery,
  ): { entries: DisclosureEntry[]; last?: DisclosurePosition; more: boolean } {
    const list = this.bySubject.get(subject) ?? [];
    const found: number[] = [];
    let more = false;
    const visible = new Map<number, boolean>();
    for (let k = list.length - 1; k >= 0; k--) {
      const i = list[k]!;
      const time = this.times[i]!;
      if (query.since !== undefined && time < query.since) break;
      if (query.until !== undefined && time >= query.until) continue;
      if (query.before !== undefined && this.comparePosition(i, query.before) >= 0) continue;
      if (query.typeVisible) {
        const c = this.contextIds[i]!;
        let ok = visible.get(c);
        if (ok === undefined) {
          ok = query.typeVisible(this.contexts[c]!.type);
          visible.set(c, ok);
        }
        if (!ok) continue;
      }
      if (found.length === query.limit) {
        more = true;
        break;
      }
      found.push(i);
    }
    const lastIndex = found.at(-1);
    return {
      entries: found.map((i) => this.entry(i)),
      ...(lastIndex !== undefined && { last: this.position(lastIndex) }),
      more,
    };
  }

  private entry(i: number): DisclosureEntry {
    const c = this.contexts[this.contextIds[i]!]!;
    const entry: DisclosureEntry = {
      disclosedAt: new Date(this.times[i]!).toISOString(),
      type: c.type,
      recordId: this.recordId(i),
      publisher: c.publisher,
      recipient: c.recipient,
      subscription: c.subscription,
      channel: c.channel,
      subjectPointer: c.subjectPointer,
      fields: [...c.fields],
      attempt: this.attempts[i]!,
    };
    if (c.purpose) entry.purpose = { ...c.purpose };
    if (c.legalBasis !== undefined) entry.legalBasis = c.legalBasis;
    if (c.command !== undefined) entry.command = c.command;
    return entry;
  }

  private recordId(i: number): string {
    const other = this.otherRecordIds.get(i);
    if (other !== undefined) return other;
    const hex = Buffer.from(this.recordIds.buffer, this.recordIds.byteOffset + i * 16, 16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  private position(i: number): DisclosurePosition {
    return {
      time: this.times[i]!,
      partition: this.partitions[i]!,
      offset: this.offsets[i]!,
      ordinal: this.ordinals[i]!,
    };
  }

  private compare(a: number, b: number): number {
    return this.comparePosition(a, this.position(b));
  }

  private comparePosition(i: number, p: DisclosurePosition): number {
    return (
      this.times[i]! - p.time ||
      this.partitions[i]! - p.partition ||
      this.offsets[i]! - p.offset ||
      this.ordinals[i]! - p.ordinal
    );
  }

  private intern(event: DisclosureEvent, delivery: DisclosureDelivery): number {
    const context: DisclosureContext = {
      type: event.type,
      publisher: event.publisher,
      recipient: delivery.recipient,
      subscription: delivery.subscription,
      channel: delivery.channel,
      subjectPointer: event.subjectPointer,
      fields: delivery.fields,
      ...(delivery.purpose && { purpose: delivery.purpose }),
      ...(delivery.legalBasis !== undefined && { legalBasis: delivery.legalBasis }),
      ...(delivery.command !== undefined && { command: delivery.command }),
    };
    const key = JSON.stringify([
      context.type,
      context.publisher,
      context.recipient,
      context.subscription,
      context.channel,
      context.subjectPointer,
      context.fields,
      context.purpose?.vi,
      context.purpose?.en,
      context.legalBasis,
      context.command,
    ]);
    let id = this.contextKeys.get(key);
    if (id === undefined) {
      id = this.contexts.length;
      this.contexts.push(context);
      this.contextKeys.set(key, id);
    }
    return id;
  }

  private grow(): void {
    const capacity = Math.max(1_024, Math.ceil(this.capacity * 1.5));
    const resize = <T extends Float64Array | Uint16Array | Uint32Array | Uint8Array>(
      old: T,
      make: (n: number) => T,
      per = 1,
    ): T => {
      const next = make(capacity * per);
      next.set(old);
      return next;
    };
    this.times = resize(this.times, (n) => new Float64Array(n));
    this.offsets = resize(this.offsets, (n) => new Float64Array(n));
    this.partitions = resize(this.partitions, (n) => new Uint16Array(n));
    this.ordinals = resize(this.ordinals, (n) => new Uint16Array(n));
    this.contextIds = resize(this.contextIds, (n) => new Uint32Array(n));
    this.attempts = resize(this.attempts, (n) => new Uint8Array(n));
    this.recordIds = resize(this.recordIds, (n) => new Uint8Array(n), 16);
    this.capacity = capacity;
  }
}
