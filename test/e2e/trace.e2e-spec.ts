import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { inboxTopic } from '@lienthong/delivery';
import { createKafkaClient, ensureTopics } from '@lienthong/kafka';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector } from '../support/record-collector.util.js';
import type { RunningRouter } from '../support/router.util.js';
import { WebhookReceiver, startRouter } from '../support/router.util.js';
import { dossierStatusRecord } from '../support/catalogue-fixtures.util.js';

const TYPE = 'procedure.dossier-status';
const RUN = randomBytes(3).toString('hex');
const DIGITS = String(randomBytes(2).readUInt16BE() % 1000).padStart(3, '0');
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

const dossier = dossierStatusRecord(`000.00.34.H29-251014-${DIGITS}777`);

describe('W3C traceparent: accepted on HTTP, carried in Kafka, continued by the router', () => {
  let gateway: RunningGateway;
  let router: RunningRouter | undefined;
  let inboxes: RecordCollector;
  let publisher: TestAgency;
  let inboxed: TestAgency;
  const hook = new WebhookReceiver();

  beforeAll(async () => {
    gateway = await startGateway({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    publisher = await gateway.publisher();
    const hooked = await gateway.createAgency({ roles: ['subscriber'], grants: { subscribe: [TYPE] } });
    inboxed = await gateway.createAgency({ roles: ['subscriber'], grants: { subscribe: [TYPE] } });
    await hook.start();
    for (const [agency, delivery] of [
      [hooked, { mode: 'webhook', url: hook.url }],
      [inboxed, { mode: 'kafka' }],
    ] as const) {
      const response = await fetch(`${gateway.url}/v1/subscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...agency.auth() },
        body: JSON.stringify({ types: [TYPE], delivery }),
      });
      expect(response.status).toBe(201);
    }
    const kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: `trace-e2e-${RUN}` });
    await ensureTopics(kafka, [{ topic: inboxTopic(inboxed.id), numPartitions: 3, replicationFactor: -1 }]);
    inboxes = new RecordCollector(kafka);
    await inboxes.start([inboxTopic(inboxed.id)]);
    router = await startRouter(gateway.config.signingKeysFile, { ROUTER_CONSUMER_GROUP: `trace-e2e-${RUN}` });
  }, 240_000);

  afterAll(async () => {
    await router?.close();
    await inboxes?.stop();
    await hook.stop();
    await gateway?.close();
  });

  it('inbox records and webhooks carry the same trace id with a new parent span id', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    const response = await fetch(`${gateway.url}/v1/messages/${TYPE}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${parentId}-01`,
        ...publisher.auth(),
      },
      body: JSON.stringify(dossier),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };

    const record = await pollUntil(() => inboxes.byId.get(id), {
      timeoutMs: 30_000,
      description: 'inbox delivery',
    });
    const webhook = await pollUntil(() => hook.received.find((r) => r.headers['ce-id'] === id), {
      timeoutMs: 30_000,
      description: 'webhook delivery',
    });
    const spans = new Set<string>();
    for (const traceparent of [record.headers['traceparent'], webhook.headers['traceparent']]) {
      expect(traceparent).toMatch(TRACEPARENT);
      const [, trace, span, flags] = TRACEPARENT.exec(String(traceparent))!;
      expect(trace).toBe(traceId);
      expect(flags).toBe('01');
      expect(span).not.toBe(parentId);
      expect(span).not.toBe('0000000000000000');
      spans.add(span!);
    }
    expect(spans.size).toBe(2); // one span per delivery
  });
});
