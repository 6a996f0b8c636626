import { DELIVERY_HEADERS } from '@lienthong/contracts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEAD_LETTER_TOPIC, inboxTopic } from '@lienthong/delivery';
import { createKafkaClient, ensureTopics } from '@lienthong/kafka';
import type { Kafka } from 'kafkajs';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector } from '../support/record-collector.util.js';
import type { RunningRouter } from '../support/router.util.js';
import { WebhookReceiver, startRouter } from '../support/router.util.js';
import type { CreatedSubscription } from './support/router-scenario.js';
import {
  countIds,
  deadLettersOf,
  deliveryCount,
  faultRecord,
  publishBatch,
  publishOne,
  registerFaultType,
  subscribe,
  unsubscribe,
} from './support/router-scenario.js';

const RUN = randomBytes(3).toString('hex');
/** Records published before the router starts: its first batches hold all of them. */
const BACKLOG = 30;
/** Records published one by one while the bad subscribers are still being retried. */
const STREAM = 30;
/** The router gives up on a webhook after this long: the hanging receiver is cut off by it. */
const RESPONSE_TIMEOUT_MS = 3_000;
/** The slow receiver answers well within the timeout: slow, but it is delivered. */
const SLOW_MS = 300;
const RETRY_DELAYS_MS = '2000,4000';
const ATTEMPTS = 3;

/**
 * docs/reliability.md, "Subscribers that hang, answer slowly or fail": three bad webhook
 * subscribers and two healthy ones (webhook and Kafka inbox) on one type. The healthy ones get
 * every record without waiting for the bad ones; the failing and hanging ones get bounded
 * retries and then every record sits in the dead-letter topic; the slow one gets everything.
 */
describe('subscribers that hang, answer slowly or fail', () => {
  let gateway: RunningGateway;
  let router: RunningRouter | undefined;
  let kafka: Kafka;
  let integrator: TestAgency;
  let type: string;
  let inbox: RecordCollector;
  let dlq: RecordCollector;
  const healthyHook = new WebhookReceiver();
  const hanging = new WebhookReceiver();
  const slow = new WebhookReceiver();
  const failing = new WebhookReceiver();
  const subs: Record<'inbox' | 'healthy' | 'hanging' | 'slow' | 'failing', CreatedSubscription> = {} as never;

  beforeAll(async () => {
    gateway = await startGateway({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    integrator = await gateway.createAgency({ roles: ['publisher', 'integrator'] });
    type = await registerFaultType(gateway, integrator, 'subscribers');
    hanging.delayMs = Infinity;
    slow.delayMs = SLOW_MS;
    failing.status = 503;
    await Promise.all([healthyHook, hanging, slow, failing].map((r) => r.start()));
    subs.inbox = await subscribe(gateway, type, { mode: 'kafka' });
    subs.healthy = await subscribe(gateway, type, { mode: 'webhook', url: healthyHook.url });
    subs.hanging = await subscribe(gateway, type, { mode: 'webhook', url: hanging.url });
    subs.slow = await subscribe(gateway, type, { mode: 'webhook', url: slow.url });
    subs.failing = await subscribe(gateway, type, { mode: 'webhook', url: failing.url });

    kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: `subscriber-faults-${RUN}` });
    await ensureTopics(kafka, [
      { topic: inboxTopic(subs.inbox.agency.id), numPartitions: 3, replicationFactor: -1 },
    ]);
    inbox = new RecordCollector(kafka);
    await inbox.start([inboxTopic(subs.inbox.agency.id)]);
    dlq = new RecordCollector(kafka);
  }, 120_000);

  afterAll(async () => {
    await router?.close();
    for (const s of Object.values(subs)) await unsubscribe(gateway, s).catch(() => undefined);
    await inbox?.stop();
    await dlq?.stop();
    await Promise.all([healthyHook, hanging, slow, failing].map((r) => r.stop()));
    await gateway?.close();
  });

  it('delivers to healthy subscribers unaffected; bounded retries then dead letters for the bad ones', async () => {
    const published = await publishBatch(
      gateway,
      integrator,
      type,
      Array.from({ length: BACKLOG }, (_, n) => faultRecord(n, RUN)),
    );
    router = await startRouter(gateway.config.signingKeysFile, {
      ROUTER_CONSUMER_GROUP: `subscriber-faults-${RUN}`,
      WEBHOOK_RESPONSE_TIMEOUT_MS: String(RESPONSE_TIMEOUT_MS),
      RETRY_DELAYS_MS,
      RETRY_JITTER: '0.1',
    });
    await dlq.start([DEAD_LETTER_TOPIC]); // the router creates it
    const webhookIds = (r: WebhookReceiver) =>
      countIds(r.received.map((w) => w.headers['webhook-id'] as string));
    const inboxIds = () => countIds(inbox.all.map((r) => r.headers['ce_id']));
    const hasAll = (ids: readonly string[], got: Map<string, number>) => ids.every((id) => got.has(id));

    // 1. The backlog reaches both healthy subscribers before the router gives up on the hanging
    //    one for the first time: nothing healthy waits for a bad subscriber's timeout.
    await pollUntil(() => hasAll(published, webhookIds(healthyHook)) && hasAll(published, inboxIds()), {
      timeoutMs: 60_000,
      description: 'the backlog at the healthy subscribers',
    });
    await pollUntil(() => hanging.cutOff.length > 0, {
      timeoutMs: 60_000,
      description: 'the hanging subscriber cut off by the webhook timeout',
    });
    const firstCutOff = hanging.cutOff[0]!;
    const lastHealthy = Math.max(
      ...healthyHook.received
        .filter((w) => published.includes(w.headers['webhook-id'] as string))
        .map((w) => w.seq),
    );
    expect(lastHealthy).toBeLessThan(firstCutOff.seq);
    const lastInboxWrite = Math.max(
      ...inbox.all.filter((r) => published.includes(r.headers['ce_id']!)).map((r) => r.timestamp),
    );
    expect(lastInboxWrite).toBeLessThan(firstCutOff.at);

    // 2. A stream, each record published once the previous one reached the healthy subscribers
    //    (so records arrive one batch at a time, and a batch that waited for the hanging
    //    subscriber's timeout would hold up the next), gets through before the hanging
    //    subscriber is through the retries of the backlog.
    const streamed: string[] = [];
    for (let n = BACKLOG; n < BACKLOG + STREAM; n++) {
      const id = await publishOne(gateway, integrator, type, faultRecord(n, RUN));
      streamed.push(id);
      await pollUntil(() => hasAll([id], webhookIds(healthyHook)) && hasAll([id], inboxIds()), {
        timeoutMs: 60_000,
        description: `streamed record ${n} at the healthy subscribers`,
      });
    }
    const all = [...published, ...streamed];
    const deadLettered = (s: CreatedSubscription) =>
      countIds(deadLettersOf(dlq.all, s.id).map((r) => r.headers['ce_id']));
    expect(hasAll(published, deadLettered(subs.hanging))).toBe(false);

    // 3. Bounded retries, then every record of the bad subscribers is a dead letter.
    await pollUntil(
      () => hasAll(all, deadLettered(subs.hanging)) && hasAll(all, deadLettered(subs.failing)),
      { timeoutMs: 180_000, intervalMs: 250, description: 'dead letters of the bad subscribers' },
    );
    await pollUntil(() => hasAll(all, webhookIds(slow)), {
      timeoutMs: 60_000,
      description: 'everything at the slow subscriber',
    });

    const counts = {
      inbox: deliveryCount(all, inboxIds()),
      healthy: deliveryCount(all, webhookIds(healthyHook)),
      slow: deliveryCount(all, webhookIds(slow)),
      hangingDeadLetters: deliveryCount(all, deadLettered(subs.hanging)),
      failingDeadLetters: deliveryCount(all, deadLettered(subs.failing)),
    };
    const summary = {
      published: all.length,
      inbox: { delivered: counts.inbox.delivered, duplicates: counts.inbox.duplicates },
      healthyWebhook: { delivered: counts.healthy.delivered, duplicates: counts.healthy.duplicates },
      slowWebhook: {
        delivered: counts.slow.delivered,
        duplicates: counts.slow.duplicates,
        deadLetters: deadLettersOf(dlq.all, subs.slow.id).length,
      },
      hangingWebhook: {
        requests: hanging.received.length,
        cutOff: hanging.cutOff.length,
        deadLetters: deadLettersOf(dlq.all, subs.hanging.id).length,
      },
      failingWebhook: {
        requests: failing.received.length,
        deadLetters: deadLettersOf(dlq.all, subs.failing.id).length,
      },
    };
    process.stderr.write(`[subscriber-failures] ${JSON.stringify(summary)}\n`);

    for (const c of [counts.inbox, counts.healthy, counts.slow]) expect(c.missing).toEqual([]);
    // Nothing was wrong with the router: each healthy or slow subscriber got each record once.
    for (const c of [counts.inbox, counts.healthy, counts.slow]) expect(c.duplicates).toBe(0);
    expect(deadLettersOf(dlq.all, subs.inbox.id)).toEqual([]);
    expect(deadLettersOf(dlq.all, subs.healthy.id)).toEqual([]);
    expect(deadLettersOf(dlq.all, subs.slow.id)).toEqual([]);

    // Exactly one dead letter per record, after the configured number of attempts.
    for (const s of [subs.hanging, subs.failing]) {
      const letters = deadLettersOf(dlq.all, s.id);
      expect(letters).toHaveLength(all.length);
      for (const l of letters) {
        expect(l.headers[DELIVERY_HEADERS.deadLetterReason]).toBe('attempts-exhausted');
        expect(l.headers[DELIVERY_HEADERS.attempts]).toBe(String(ATTEMPTS));
      }
    }
    // The failing one was really tried every time: one request per attempt.
    for (const [id, n] of webhookIds(failing)) if (all.includes(id)) expect(n).toBe(ATTEMPTS);
    for (const l of deadLettersOf(dlq.all, subs.failing.id))
      expect(l.headers[DELIVERY_HEADERS.lastError]).toBe('http 503');
    // The hanging one never answered: every request it got was cut off by the router's timeout.
    expect(hanging.received.length).toBeGreaterThan(0);
    expect(hanging.cutOff.length).toBe(hanging.received.length);
    for (const l of deadLettersOf(dlq.all, subs.hanging.id))
      expect(l.headers[DELIVERY_HEADERS.lastError]).toMatch(/response-timeout/);
  }, 280_000);
});
