import type { DisclosureChannel, DisclosureDelivery, DisclosureEvent } from '@lienthong/contracts';
import { DISCLOSURE_EVENT_FORMAT, DISCLOSURE_TOPIC, subjectHash } from '@lienthong/contracts';
import { DELIVERY_HEADERS } from '@lienthong/delivery';
import type { Message } from 'kafkajs';
import type { Delivery } from '../fanout/subscription-matcher.js';

/** The subject hasher of this router, or undefined when `DISCLOSURE_SUBJECT_SECRET` is unset. */
export function subjectHasher(secret: string | undefined): ((subjectId: string) => string) | undefined {
  return secret === undefined ? undefined : (subjectId) => subjectHash(secret, subjectId);
}

/**
 * Gathers the disclosures of one hand-off: each delivery that reached its subscriber (an inbox
 * write Kafka acknowledged, or a webhook's 2xx) and carried a personal field, grouped into one
 * event per record and subject, keyed by the subject hash.
 */
export class DisclosureCollector {
  private readonly events = new Map<string, DisclosureEvent>();

  add(d: Delivery, channel: DisclosureChannel, at: Date): void {
    const facts = d.disclosure;
    if (!facts) return;
    const { purpose, legalBasis } = d.subscription;
    const command = d.carried[DELIVERY_HEADERS.command];
    const delivery: DisclosureDelivery = {
      recipient: d.subscription.agency,
      subscription: d.subscription.id,
      channel,
      fields: facts.fields,
      ...(purpose !== undefined && { purpose }),
      ...(legalBasis !== undefined && { legalBasis }),
      disclosedAt: at.toISOString(),
      attempt: d.attempts + 1,
      ...(command !== undefined && { command }),
    };
    for (const subject of facts.subjects) {
      const id = `${d.messageId}\n${subject.hash}\n${subject.pointer}`;
      const event = this.events.get(id);
      if (event) event.deliveries.push(delivery);
      else {
        this.events.set(id, {
          format: DISCLOSURE_EVENT_FORMAT,
          subject: subject.hash,
          subjectPointer: subject.pointer,
          type: d.type,
          recordId: d.messageId,
          publisher: d.publisher,
          deliveries: [delivery],
        });
      }
    }
  }

  /** The events as `lienthong.disclosures` messages. */
  messages(): Message[] {
    return [...this.events.values()].map((event) => ({
      key: event.subject,
      value: JSON.stringify(event),
      headers: { 'content-type': 'application/json' },
    }));
  }
}

/** Bytes of disclosure events per produce request: well under the topic's `max.message.bytes`. */
export const DISCLOSURE_BATCH_BYTES = 512 * 1024;

/**
 * Splits disclosure messages into produce requests of at most `maxBytes` of values: one chunk of
 * a busy fan-out (200 records × every subscription × every subject) is thousands of events, and a
 * partition's share of one request is one record batch, which the broker caps.
 */
export function disclosureBatches(messages: Message[], maxBytes = DISCLOSURE_BATCH_BYTES): Message[][] {
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
