import type { DisclosureChannel, DisclosureEvent } from '@lienthong/contracts';
import { DISCLOSURE_EVENT_FORMAT, DISCLOSURE_TOPIC, subjectHash } from '@lienthong/contracts';
import { DELIVERY_HEADERS } from '@lienthong/delivery';
import type { Message } from 'kafkajs';
import type { Delivery } from '../fanout/subscription-matcher.js';

/** The subject hasher of this router, or undefined when `DISCLOSURE_SUBJECT_SECRET` is unset. */
export function subjectHasher(secret: string | undefined): ((subjectId: string) => string) | undefined {
  return secret === undefined ? undefined : (subjectId) => subjectHash(secret, subjectId);
}

/**
 * The disclosure events of one delivery that reached its subscriber (an inbox write Kafka
 * acknowledged, or a webhook's 2xx), one per subject, as `lienthong.disclosures` messages keyed
 * by the subject hash. None when the delivery disclosed no personal field.
 */
export function disclosureMessages(d: Delivery, channel: DisclosureChannel, at: Date): Message[] {
  const facts = d.disclosure;
  if (!facts) return [];
  const { purpose, legalBasis } = d.subscription;
  const command = d.carried[DELIVERY_HEADERS.command];
  return facts.subjects.map((subject) => {
    const event: DisclosureEvent = {
      format: DISCLOSURE_EVENT_FORMAT,
      subject: subject.hash,
      subjectPointer: subject.pointer,
      type: d.type,
      recordId: d.messageId,
      publisher: d.publisher,
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
    return {
      key: subject.hash,
      value: JSON.stringify(event),
      headers: { 'content-type': 'application/json' },
    };
  });
}

export { DISCLOSURE_TOPIC };
