import { randomInt } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DeadLetterReason } from '@lienthong/contracts';
import { CE_HEADERS, DELIVERY_HEADERS, GATEWAY_SIGNATURE_HEADER } from '@lienthong/contracts';
import type { AuditFacts } from '@lienthong/audit';
import {
  DEAD_LETTER_TOPIC,
  encodeDisclosureFacts,
  inboxTopic,
  signDelivery,
  signWebhook,
} from '@lienthong/delivery';
import { LienthongMetrics, stopwatch } from '@lienthong/observability';
import type { Message } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import { AuditWriter } from '../audit/audit-writer.service.js';
import type { RouterConfig } from '../config/router-config.js';
import { ROUTER_CONFIG, maxAttempts } from '../config/router-config.js';
import { RouterKafka, retryTopic } from '../kafka/router-kafka.service.js';
import { DISCLOSURE_TOPIC, DisclosureCollector, disclosureBatches } from '../disclosures/disclosure-log.js';
import { DeliverySigners } from '../trust/delivery-signers.service.js';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.service.js';
import type { Delivery } from './subscription-matcher.js';

/** A record that cannot be routed at all; it goes to the dead letters as it is. */
export interface PoisonRecord {
  origin: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  reason: string;
}

/** A delivery that cannot be attempted any more (e.g. its subscription is gone). */
export interface Undeliverable {
  delivery: Delivery;
  reason: DeadLetterReason;
  error: string;
}

/** What a hand-off writes to the dead letters besides failed deliveries. */
export interface HandOffExtra {
  poison?: PoisonRecord[];
  undeliverable?: Undeliverable[];
}

type HandOffOutcome = 'delivered' | 'retried' | 'dead_lettered';

/** Bounded error text for headers and audit: no payload, no URL query, at most 200 characters. */
function shortError(error: string): string {
  return error.replace(/[\r\n]+/g, ' ').slice(0, 200);
}

/**
 * Hands deliveries off: inbox writes, webhook attempts, retries with growing delays and
 * jitter, dead letters, audit events, metrics. `handOff` resolves only when every delivery it
 * was given is either written to its inbox, acknowledged by its webhook, or written to a retry
 * or dead-letter topic, and the audit events are in Kafka; only then may an offset be committed.
 */
@Injectable()
export class Deliverer {
  private readonly logger = new Logger('Delivery');

  constructor(
    private readonly kafka: RouterKafka,
    private readonly audit: AuditWriter,
    private readonly signers: DeliverySigners,
    private readonly webhooks: WebhookDispatcher,
    private readonly metrics: LienthongMetrics,
    @Inject(ROUTER_CONFIG) private readonly config: RouterConfig,
  ) {}

  async handOff(deliveries: Delivery[], extra: HandOffExtra = {}): Promise<void> {
    const { recorded } = await this.deliver(deliveries, extra);
    await recorded;
  }

  /**
   * The two stages of `handOff`, for a caller that overlaps them (the record consumer): resolves
   * once every delivery is written to its inbox, acknowledged by its webhook, or parked in a
   * retry or dead-letter topic, with `recorded`, the write of the audit and disclosure events it
   * has started then (they follow the hand-off's writes, and each other in call order). An
   * offset may be committed only after `recorded` resolved.
   */
  async deliver(deliveries: Delivery[], extra: HandOffExtra = {}): Promise<{ recorded: Promise<void> }> {
    const topics = new Map<string, Message[]>();
    const add = (topic: string, message: Message): void => {
      const list = topics.get(topic);
      if (list) list.push(message);
      else topics.set(topic, [message]);
    };
    const audits: AuditFacts[] = [];
    const outcomes: [string, HandOffOutcome][] = [];
    const disclosed = new DisclosureCollector();
    const now = new Date();

    const inbox = deliveries.filter((d) => d.subscription.delivery.mode === 'kafka');
    const webhook = deliveries.filter((d) => d.subscription.delivery.mode === 'webhook');

    // Inboxes are written while the webhooks are called, not after: a subscriber that takes its
    // time to answer must not delay the agencies reading their inbox.
    const [, results] = await Promise.all([
      this.writeInboxes(inbox, now, audits, outcomes, disclosed),
      this.webhooks.sendAll(webhook, (d) => this.webhookHeaders(d)),
    ]);
    webhook.forEach((d, i) => {
      const result = results[i]!;
      if (result.ok) {
        disclosed.add(d, 'webhook', new Date());
        audits.push(this.facts('delivered', d, `webhook ${result.status}`, now));
        outcomes.push([d.subscription.id, 'delivered']);
        return;
      }
      const attempts = d.attempts + 1;
      const error = shortError(result.error);
      if (result.retryable && attempts < maxAttempts(this.config)) {
        const delay = this.delayBeforeRetry(attempts);
        add(
          retryTopic(attempts),
          this.parked(d, attempts, error, { [DELIVERY_HEADERS.dueAt]: String(Date.now() + delay) }),
        );
        audits.push({
          ...this.facts('retried', d, `${retryTopic(attempts)}: ${error}`, now),
          attempt: attempts,
        });
        outcomes.push([d.subscription.id, 'retried']);
      } else {
        add(DEAD_LETTER_TOPIC, this.deadLetter(d, attempts, error, 'attempts-exhausted', now));
        audits.push({
          ...this.facts('dead-lettered', d, `attempts-exhausted: ${error}`, now),
          attempt: attempts,
        });
        outcomes.push([d.subscription.id, 'dead_lettered']);
      }
    });

    for (const u of extra.undeliverable ?? []) {
      add(
        DEAD_LETTER_TOPIC,
        this.deadLetter(u.delivery, u.delivery.attempts, shortError(u.error), u.reason, now),
      );
      audits.push(this.facts('dead-lettered', u.delivery, `${u.reason}: ${shortError(u.error)}`, now));
      outcomes.push([u.delivery.subscription.id, 'dead_lettered']);
    }
    for (const p of extra.poison ?? []) {
      add(DEAD_LETTER_TOPIC, {
        key: p.key,
        value: p.value,
        headers: {
          ...p.headers,
          [DELIVERY_HEADERS.origin]: p.origin,
          [DELIVERY_HEADERS.deadLetterReason]: 'poison',
          [DELIVERY_HEADERS.lastError]: shortError(p.reason),
          [DELIVERY_HEADERS.deadLetteredAt]: now.toISOString(),
        },
      });
      audits.push({
        kind: 'dead-lettered',
        messageId: p.headers[CE_HEADERS.id] ?? p.origin,
        outcome: `poison: ${shortError(p.reason)}`,
        at: now.toISOString(),
      });
      this.logger.warn(`poison record ${p.origin} dead-lettered: ${p.reason}`);
    }

    await this.kafka.write([...topics].map(([topic, messages]) => ({ topic, messages })));
    // The disclosure and audit events are written side by side (the producer sends them one
    // request after the other, without waiting for the caller in between). Not in one request:
    // kafkajs rolls back the sequence numbers of every partition of a failed request, also of
    // the partitions the broker did append to, so a request mixing topics that fail separately
    // (a disclosure batch refused, the audit events appended) would leave the idempotent
    // producer reusing sequence numbers: refused as out of order, or dropped as duplicates.
    const recorded = Promise.all([
      // A record's events repeat its subscriptions and times: gzip (in zlib's thread pool, off
      // the main thread) shrinks them many times, and Kafka keeps them so.
      ...disclosureBatches(disclosed.messages()).map((messages) =>
        this.kafka.write([{ topic: DISCLOSURE_TOPIC, messages }], CompressionTypes.GZIP),
      ),
      this.audit.write(audits),
    ]).then(() => {
      for (const [subscription, outcome] of outcomes) this.metrics.delivery(subscription, outcome);
    });
    // Awaited by the caller, maybe after other work: a failure must not count as unhandled meanwhile.
    recorded.catch(() => undefined);
    return { recorded };
  }

  /** Signs and writes inbox deliveries; resolves once Kafka acknowledged them. */
  private async writeInboxes(
    inbox: Delivery[],
    now: Date,
    audits: AuditFacts[],
    outcomes: [string, HandOffOutcome][],
    disclosed: DisclosureCollector,
  ): Promise<void> {
    if (inbox.length === 0) return;
    await this.kafka.ensureInboxes(inbox.map((d) => d.subscription.agency));
    const signing = this.signers.deliveryKey();
    const topics = new Map<string, Message[]>();
    // All at once: each signature is computed on the libuv thread pool, so awaiting them one by
    // one left the pool idle between signatures.
    const signatures = await Promise.all(
      inbox.map((d) =>
        signDelivery(d.body, { messageId: d.messageId, subscriptionId: d.subscription.id }, signing),
      ),
    );
    for (const [i, d] of inbox.entries()) {
      const signature = signatures[i]!;
      const topic = inboxTopic(d.subscription.agency);
      const message: Message = {
        key: d.key,
        value: d.body,
        headers: {
          ...d.carried,
          [DELIVERY_HEADERS.subscription]: d.subscription.id,
          [GATEWAY_SIGNATURE_HEADER]: signature,
        },
      };
      const list = topics.get(topic);
      if (list) list.push(message);
      else topics.set(topic, [message]);
    }
    const elapsed = stopwatch();
    await this.kafka.write([...topics].map(([topic, messages]) => ({ topic, messages })));
    this.metrics.deliveryDuration('inbox', elapsed());
    // Disclosed the moment Kafka acknowledged the inbox write; recorded before the audit events.
    const acknowledged = new Date();
    for (const d of inbox) {
      disclosed.add(d, 'inbox', acknowledged);
      audits.push(this.facts('delivered', d, 'inbox', now));
      outcomes.push([d.subscription.id, 'delivered']);
    }
  }

  /** Standard Webhooks headers plus CloudEvents HTTP binary-mode headers (`ce-*`). */
  private webhookHeaders(d: Delivery): Record<string, string> {
    if (d.subscription.delivery.mode !== 'webhook') throw new Error('not a webhook subscription');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Lienthong-Router',
      [DELIVERY_HEADERS.subscription]: d.subscription.id,
    };
    for (const [name, value] of Object.entries(d.carried)) {
      if (name.startsWith('ce_')) headers[`ce-${name.slice(3)}`] = value;
      else if (name !== 'content-type' && name !== DELIVERY_HEADERS.origin) headers[name] = value;
    }
    return {
      ...headers,
      ...signWebhook({
        id: d.messageId,
        timestamp: Math.floor(Date.now() / 1000),
        body: d.body,
        secret: d.subscription.delivery.secret,
        ed25519Key: this.signers.webhookKey(),
      }),
    };
  }

  /** Delay before attempt `attempts + 1`: the configured delay, spread by the jitter. */
  private delayBeforeRetry(attempts: number): number {
    const base = this.config.retryDelaysMs[attempts - 1] ?? 0;
    const spread = Math.round(base * this.config.retryJitter);
    return Math.max(0, base + (spread > 0 ? randomInt(-spread, spread + 1) : 0));
  }

  private parked(d: Delivery, attempts: number, error: string, extra: Record<string, string>): Message {
    return {
      key: d.messageId,
      value: d.body,
      headers: {
        ...d.carried,
        [DELIVERY_HEADERS.subscription]: d.subscription.id,
        [DELIVERY_HEADERS.attempts]: String(attempts),
        [DELIVERY_HEADERS.lastError]: error,
        ...(d.disclosure && { [DELIVERY_HEADERS.disclosure]: encodeDisclosureFacts(d.disclosure) }),
        ...extra,
      },
    };
  }

  private deadLetter(
    d: Delivery,
    attempts: number,
    error: string,
    reason: DeadLetterReason,
    now: Date,
  ): Message {
    return this.parked(d, attempts, error, {
      [DELIVERY_HEADERS.deadLetterReason]: reason,
      [DELIVERY_HEADERS.deadLetteredAt]: now.toISOString(),
    });
  }

  private facts(kind: AuditFacts['kind'], d: Delivery, outcome: string, now: Date): AuditFacts {
    return {
      kind,
      messageId: d.messageId,
      type: d.type,
      publisher: d.publisher,
      subscriber: d.subscription.agency,
      subscription: d.subscription.id,
      outcome,
      attempt: d.attempts + 1,
      at: now.toISOString(),
    };
  }
}
