import type { CompactDisclosureEvent, DisclosureChannel, DisclosureContext } from '@lienthong/contracts';
import {
  COMPACT_DISCLOSURE_EVENT_FORMAT,
  DELIVERY_HEADERS,
  DISCLOSURE_TOPIC,
  subjectHash,
} from '@lienthong/contracts';
import type { Message } from 'kafkajs';
import type { Delivery } from '../fanout/subscription-matcher.js';

/** The subject hasher of this router, or undefined when `DISCLOSURE_SUBJECT_SECRET` is unset. */
export function subjectHasher(secret: string | undefined): ((subjectId: string) => string) | undefined {
  return secret === undefined ? undefined : (subjectId) => subjectHash(secret, subjectId);
}

/**
 * JSON of a delivery context, per subscription object and channel, fields and command: the same
 * for every record a subscription receives, so it is serialised once.
 */
const CONTEXTS = new WeakMap<object, Map<string, string>>();
/** A delivery's JSON up to its context index, per subscription object. */
const HEADS = new WeakMap<object, string>();
/**
 * Joined forms of the fields and subjects lists, per list: the deliveries of one record that
 * share a projection share these lists (`SubscriptionMatcher`), so each is joined once.
 */
const JOINED = new WeakMap<readonly unknown[], string>();

function joined<T>(list: readonly T[], join: (list: readonly T[]) => string): string {
  let text = JOINED.get(list);
  if (text === undefined) JOINED.set(list, (text = join(list)));
  return text;
}

const joinFields = (fields: readonly string[]): string => fields.join('\n');
const joinSubjects = (subjects: readonly { hash: string; pointer: string }[]): string =>
  subjects.map((s) => `${s.hash}\n${s.pointer}`).join('\n');

function contextJson(
  d: Delivery,
  channel: DisclosureChannel,
  fields: string[],
  command: string | undefined,
): string {
  let bySubscription = CONTEXTS.get(d.subscription);
  if (!bySubscription) {
    bySubscription = new Map();
    CONTEXTS.set(d.subscription, bySubscription);
  }
  const key = `${channel}\n${command ?? ''}\n${joined(fields, joinFields)}`;
  let json = bySubscription.get(key);
  if (json === undefined) {
    const { purpose, legalBasis } = d.subscription;
    const context: DisclosureContext = {
      channel,
      fields,
      ...(purpose !== undefined && { purpose }),
      ...(legalBasis !== undefined && { legalBasis }),
      ...(command !== undefined && { command }),
    };
    json = JSON.stringify(context);
    bySubscription.set(key, json);
  }
  return json;
}

function deliveryHead(d: Delivery): string {
  let head = HEADS.get(d.subscription);
  if (head === undefined) {
    head = JSON.stringify({ recipient: d.subscription.agency, subscription: d.subscription.id }).slice(0, -1);
    HEADS.set(d.subscription, head);
  }
  return head;
}

interface EventGroup {
  events: { key: string; head: string }[];
  /** Context JSON → its index in `contexts`. */
  contextIndex: Map<string, number>;
  contexts: string[];
  deliveries: string[];
}

/**
 * Gathers the disclosures of one hand-off: each delivery that reached its subscriber (an inbox
 * write Kafka acknowledged, or a webhook's 2xx) and carried a personal field, grouped into one
 * compact event (`lienthong.disclosure/2`) per record and subject, keyed by the subject hash.
 * Serialised by parts: a fan-out writes the same subscription context for every record, and the
 * same deliveries for every subject of a record (docs/benchmarks.md, disclosure log).
 */
export class DisclosureCollector {
  private readonly groups = new Map<string, EventGroup>();
  private lastAt: Date | undefined;
  private lastIso = '';

  /** Whether nothing was disclosed. */
  get empty(): boolean {
    return this.groups.size === 0;
  }

  add(d: Delivery, channel: DisclosureChannel, at: Date): void {
    const facts = d.disclosure;
    if (!facts) return;
    if (at !== this.lastAt) {
      this.lastAt = at;
      this.lastIso = at.toISOString();
    }
    const id = `${d.messageId}\n${joined(facts.subjects, joinSubjects)}`;
    let group = this.groups.get(id);
    if (!group) {
      group = {
        events: facts.subjects.map((subject) => ({
          key: subject.hash,
          head: JSON.stringify({
            format: COMPACT_DISCLOSURE_EVENT_FORMAT,
            subject: subject.hash,
            subjectPointer: subject.pointer,
            type: d.type,
            recordId: d.messageId,
            publisher: d.publisher,
          } satisfies Omit<CompactDisclosureEvent, 'contexts' | 'deliveries'>).slice(0, -1),
        })),
        contextIndex: new Map(),
        contexts: [],
        deliveries: [],
      };
      this.groups.set(id, group);
    }
    const context = contextJson(d, channel, facts.fields, d.carried[DELIVERY_HEADERS.command]);
    let index = group.contextIndex.get(context);
    if (index === undefined) {
      index = group.contexts.length;
      group.contexts.push(context);
      group.contextIndex.set(context, index);
    }
    group.deliveries.push(
      `${deliveryHead(d)},"context":${index},"disclosedAt":"${this.lastIso}","attempt":${d.attempts + 1}}`,
    );
  }

  /** The events as `lienthong.disclosures` messages. */
  messages(): Message[] {
    const messages: Message[] = [];
    for (const { events, contexts, deliveries } of this.groups.values()) {
      const tail = `,"contexts":[${contexts.join(',')}],"deliveries":[${deliveries.join(',')}]}`;
      for (const { key, head } of events) {
        messages.push({ key, value: head + tail, headers: { 'content-type': 'application/json' } });
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
