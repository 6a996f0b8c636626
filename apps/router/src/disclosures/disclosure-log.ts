import type { DisclosureChannel, DisclosureDelivery, DisclosureEvent } from '@lienthong/contracts';
import {
  DELIVERY_HEADERS,
  DISCLOSURE_EVENT_FORMAT,
  DISCLOSURE_TOPIC,
  subjectHash,
} from '@lienthong/contracts';
import type { Message } from 'kafkajs';
import type { Delivery } from '../fanout/subscription-matcher.js';

/** The subject hasher of this router, or undefined when `DISCLOSURE_SUBJECT_SECRET` is unset. */
export function subjectHasher(secret: string | undefined): ((subjectId: string) => string) | undefined {
  return secret === undefined ? undefined : (subjectId) => subjectHash(secret, subjectId);
}

/** A delivery's JSON up to its time and attempt, per subscription object: the same for every record. */
const PREFIXES = new WeakMap<object, Map<string, string>>();

function deliveryPrefix(
  d: Delivery,
  channel: DisclosureChannel,
  fields: string[],
  command: string | undefined,
): string {
  let bySubscription = PREFIXES.get(d.subscription);
  if (!bySubscription) {
    bySubscription = new Map();
    PREFIXES.set(d.subscription, bySubscription);
  }
  const key = `${channel}\n${command ?? ''}\n${fields.join('\n')}`;
  let prefix = bySubscription.get(key);
  if (prefix === undefined) {
    const { purpose, legalBasis } = d.subscription;
    const head: Omit<DisclosureDelivery, 'disclosedAt' | 'attempt'> = {
      recipient: d.subscription.agency,
      subscription: d.subscription.id,
      channel,
      fields,
      ...(purpose !== undefined && { purpose }),
      ...(legalBasis !== undefined && { legalBasis }),
      ...(command !== undefined && { command }),
    };
    prefix = JSON.stringify(head).slice(0, -1);
    bySubscription.set(key, prefix);
  }
  return prefix;
}

/**
 * Gathers the disclosures of one hand-off: each delivery that reached its subscriber (an inbox
 * write Kafka acknowledged, or a webhook's 2xx) and carried a personal field, grouped into one
 * `DisclosureEvent` per record and subject, keyed by the subject hash. Serialised by parts: a
 * fan-out writes the same subscription context for every record, and the same deliveries for
 * every subject of a record (docs/benchmarks.md, disclosure log).
 */
export class DisclosureCollector {
  private readonly groups = new Map<
    string,
    { events: { key: string; head: string }[]; deliveries: string[] }
  >();
  private lastAt: Date | undefined;
  private lastIso = '';

  add(d: Delivery, channel: DisclosureChannel, at: Date): void {
    const facts = d.disclosure;
    if (!facts) return;
    if (at !== this.lastAt) {
      this.lastAt = at;
      this.lastIso = at.toISOString();
    }
    const prefix = deliveryPrefix(d, channel, facts.fields, d.carried[DELIVERY_HEADERS.command]);
    const delivery = `${prefix},"disclosedAt":"${this.lastIso}","attempt":${d.attempts + 1}}`;
    const id = `${d.messageId}\n${facts.subjects.map((s) => `${s.hash}\n${s.pointer}`).join('\n')}`;
    let group = this.groups.get(id);
    if (!group) {
      group = {
        events: facts.subjects.map((subject) => ({
          key: subject.hash,
          head: JSON.stringify({
            format: DISCLOSURE_EVENT_FORMAT,
            subject: subject.hash,
            subjectPointer: subject.pointer,
            type: d.type,
            recordId: d.messageId,
            publisher: d.publisher,
          } satisfies Omit<DisclosureEvent, 'deliveries'>).slice(0, -1),
        })),
        deliveries: [],
      };
      this.groups.set(id, group);
    }
    group.deliveries.push(delivery);
  }

  /** The events as `lienthong.disclosures` messages. */
  messages(): Message[] {
    const messages: Message[] = [];
    for (const { events, deliveries } of this.groups.values()) {
      const list = `[${deliveries.join(',')}]`;
      for (const { key, head } of events) {
        messages.push({
          key,
          value: `${head},"deliveries":${list}}`,
          headers: { 'content-type': 'application/json' },
        });
      }
    }
    return messages;
  }
}

/**
 * Bytes of disclosure events per produce request. A partition's share of a request is one record
 * batch, so this stays under the topic's `max.message.bytes` (4 MiB) even when every event of a
 * request lands on one partition (one busy subject).
 */
export const DISCLOSURE_REQUEST_BYTES = 2 * 1_048_576;

/**
 * Splits disclosure messages into produce requests of at most `maxBytes` of values: one chunk of
 * a busy fan-out (200 records × every subscription × every subject) is thousands of events, and a
 * partition's share of one request is one record batch, which the broker caps.
 */
export function disclosureBatches(messages: Message[], maxBytes = DISCLOSURE_REQUEST_BYTES): Message[][] {
  const batches: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = typeof m.value === 'string' ? Buffer.byteLength(m.value) : (m.value?.length ?? 0);
    if (current.length > 0 && bytes + size > maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export { DISCLOSURE_TOPIC };
