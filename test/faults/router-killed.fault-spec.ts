import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEAD_LETTER_TOPIC, inboxTopic } from '@lienthong/delivery';
import { createKafkaClient, ensureTopics } from '@lienthong/kafka';
import type { Kafka } from 'kafkajs';
import { verifyAuditTopic } from '@lienthong/audit';
import { sharedAuditJwks } from '../support/audit-keys.util.js';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector } from '../support/record-collector.util.js';
import { WebhookReceiver } from '../support/router.util.js';
import type { RouterProcess } from './support/router-process.js';
import { spawnRouter } from './support/router-process.js';
import type { CreatedSubscription } from './support/router-scenario.js';
import {
  countIds,
  deadLettersOf,
  deliveryCount,
  faultRecord,
  publishBatch,
  registerFaultType,
  subscribe,
  unsubscribe,
} from './support/router-scenario.js';

const RUN = randomBytes(3).toString('hex');
/** Records published in all, across the kill and the restart. */
const TOTAL = 900;
const BATCH = 20;
const PUBLISHERS = 3;
/** The router is killed once the webhook subscriber has this many records. */
const KILL_AFTER = 150;
/** Published while no router runs. */
const WHILE_DOWN = 150;

/**
 * docs/reliability.md, "Router killed mid-stream": the built router runs as a child process and
 * is SIGKILLed while it delivers a stream of records (no shutdown hook, no offset commit, an
 * audit write possibly cut short), records keep being published while it is down, and a new
 * router process takes over. Every record reaches both subscribers (a webhook and a Kafka
 * inbox); the extra copies the redelivery makes are counted and carry the same id.
 */
describe('router killed (SIGKILL) mid-stream and restarted', () => {
  let gateway: RunningGateway;
  let kafka: Kafka;
  let integrator: TestAgency;
  let type: string;
  let inbox: RecordCollector;
  let dlq: RecordCollector;
  const hook = new WebhookReceiver();
  const routers: RouterProcess[] = [];
  const subs: Record<'inbox' | 'hook', CreatedSubscription> = {} as never;

  const startRouter = async (): Promise<RouterProcess> => {
    const router = await spawnRouter({
      gatewaySigningKeysFile: gateway.config.signingKeysFile!,
      consumerGroup: `router-killed-${RUN}`,
      env: { RETRY_DELAYS_MS: '500,1000', RETRY_JITTER: '0.1' },
    });
    routers.push(router);
    return router;
  };

  // Other test files share the broker and its audit topic: verify what this one wrote.
  const startedAt = new Date();

  beforeAll(async () => {
    gateway = await startGateway({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    integrator = await gateway.createAgency({ roles: ['publisher', 'integrator'] });
    type = await registerFaultType(gateway, integrator, 'router-killed');
    // A receiver that takes a little time, so the router has a backlog when it is killed.
    hook.delayMs = 20;
    await hook.start();
    subs.inbox = await subscribe(gateway, type, { mode: 'kafka' });
    subs.hook = await subscribe(gateway, type, { mode: 'webhook', url: hook.url });
    kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: `router-killed-${RUN}` });
    await ensureTopics(kafka, [
      { topic: inboxTopic(subs.inbox.agency.id), numPartitions: 3, replicationFactor: -1 },
    ]);
    inbox = new RecordCollector(kafka);
    await inbox.start([inboxTopic(subs.inbox.agency.id)]);
    dlq = new RecordCollector(kafka);
  }, 240_000);

  afterAll(async () => {
    for (const r of routers) await r.kill();
    for (const s of Object.values(subs)) await unsubscribe(gateway, s).catch(() => undefined);
    await inbox?.stop();
    await dlq?.stop();
    await hook.stop();
    await gateway?.close();
  });

  it('loses no record: every one reaches the webhook and the inbox subscriber after the restart', async () => {
    const first = await startRouter();
    await dlq.start([DEAD_LETTER_TOPIC]); // the router creates it

    // A steady stream from a few publishers, in small batches, until TOTAL records.
    const published: string[] = [];
    let next = 0;
    const publisher = async (): Promise<void> => {
      while (next < TOTAL) {
        const from = next;
        next = Math.min(TOTAL, next + BATCH);
        const records = Array.from({ length: next - from }, (_, i) => faultRecord(from + i, RUN));
        published.push(...(await publishBatch(gateway, integrator, type, records)));
      }
    };
    const publishing = Promise.all(Array.from({ length: PUBLISHERS }, publisher));
    const webhookIds = () => countIds(hook.received.map((w) => w.headers['webhook-id'] as string));
    const inboxIds = () => countIds(inbox.all.map((r) => r.headers['ce_id']));

    await pollUntil(() => webhookIds().size >= KILL_AFTER, {
      timeoutMs: 120_000,
      intervalMs: 10,
      description: `${KILL_AFTER} records at the webhook subscriber`,
    });
    await first.kill();
    const atKill = { published: published.length, webhook: webhookIds().size, inbox: inboxIds().size };
    // Mid-stream: the router was killed with published records it had not delivered yet.
    expect(atKill.webhook).toBeLessThan(atKill.published);

    await pollUntil(() => published.length >= atKill.published + WHILE_DOWN || next >= TOTAL, {
      timeoutMs: 120_000,
      description: 'records published while no router runs',
    });
    const second = await startRouter();
    await publishing;
    expect(published).toHaveLength(TOTAL);

    const hookLetters = () => countIds(deadLettersOf(dlq.all, subs.hook.id).map((r) => r.headers['ce_id']));
    const inboxLetters = () => countIds(deadLettersOf(dlq.all, subs.inbox.id).map((r) => r.headers['ce_id']));
    // The invariant: each record is delivered to each subscription, or is its dead letter.
    await pollUntil(
      () => {
        const hooked = webhookIds();
        const inboxed = inboxIds();
        const hookDead = hookLetters();
        const inboxDead = inboxLetters();
        return published.every(
          (id) => (hooked.has(id) || hookDead.has(id)) && (inboxed.has(id) || inboxDead.has(id)),
        );
      },
      { timeoutMs: 180_000, intervalMs: 250, description: 'every record at both subscribers' },
    );

    const webhook = deliveryCount(published, webhookIds());
    const inboxCount = deliveryCount(published, inboxIds());
    process.stderr.write(
      `[router-killed] ${JSON.stringify({
        published: TOTAL,
        atKill,
        webhook: { delivered: webhook.delivered, duplicates: webhook.duplicates },
        inbox: { delivered: inboxCount.delivered, duplicates: inboxCount.duplicates },
        deadLetters: { webhook: hookLetters().size, inbox: inboxLetters().size },
      })}\n`,
    );
    // Nothing was wrong with the subscribers: everything was delivered, nothing dead-lettered.
    expect(webhook.missing).toEqual([]);
    expect(inboxCount.missing).toEqual([]);
    expect(hookLetters().size + inboxLetters().size).toBe(0);

    // At least once: the copies a redelivery makes are the same delivery, so a subscriber drops
    // them by id — the webhook-id (= ce-id) and identical bytes; the inbox's ce_id and value.
    const bodies = new Map<string, string>();
    for (const w of hook.received) {
      const id = w.headers['webhook-id'] as string;
      expect(w.headers['ce-id']).toBe(id);
      const body = w.body.toString('utf8');
      expect(bodies.get(id) ?? body).toBe(body);
      bodies.set(id, body);
    }
    const values = new Map<string, string>();
    for (const r of inbox.all) {
      const value = r.value?.toString('utf8') ?? '';
      expect(values.get(r.headers['ce_id']!) ?? value).toBe(value);
      values.set(r.headers['ce_id']!, value);
    }

    // The audit trail of both router processes still verifies: the killed one's chains just end.
    await second.stop();
    const audit = await verifyAuditTopic(kafka, { jwks: await sharedAuditJwks(), since: startedAt });
    expect(audit.findings).toEqual([]);
    expect(audit.ok).toBe(true);
  }, 290_000);
});
