import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { inboxTopic } from '@lienthong/delivery';
import { createKafkaClient } from '@lienthong/kafka';
import type { Admin, Kafka } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector } from '../support/record-collector.util.js';
import type { RunningRouter } from '../support/router.util.js';
import { startRouter } from '../support/router.util.js';

/**
 * kafkajs gives up on a consumer after an error it does not retry — here the broker refuses an
 * inbox write as larger than the inbox topic takes. Fan-out must not stop silently: the router
 * says it is not ready while it cannot hand records off, replaces the consumer itself, and once
 * the write can succeed again delivers the record it could not, without a restart.
 */
describe('router record consumer stopped by a non-retriable error', () => {
  const type = `test.consumer-restart-${randomBytes(3).toString('hex')}`;
  let gateway: RunningGateway;
  let router: RunningRouter;
  let publisher: TestAgency;
  let subscriber: TestAgency;
  let kafka: Kafka;
  let admin: Admin;
  let inbox: RecordCollector | undefined;
  /** The inbox topic's own settings, restated whole by AlterConfigs. */
  let inboxSettings: { name: string; value: string }[] = [];

  const api = (agency: TestAgency, method: string, path: string, body?: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { ...agency.auth(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  const publish = async (code: string): Promise<string> => {
    const response = await api(publisher, 'POST', `/v1/messages/${type}`, `{"code":"${code}"}`);
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  };

  const setInboxMaxBytes = async (maxBytes: number | undefined) => {
    const topic = inboxTopic(subscriber.id);
    const entries = [
      ...inboxSettings.filter((e) => e.name !== 'max.message.bytes' || maxBytes === undefined),
      ...(maxBytes !== undefined ? [{ name: 'max.message.bytes', value: String(maxBytes) }] : []),
    ];
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: entries }],
    });
    const wanted = entries.find((e) => e.name === 'max.message.bytes')?.value;
    await pollUntil(
      async () => {
        const { resources } = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
        });
        const value = resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes');
        return wanted === undefined ? value?.isDefault === true : value?.configValue === wanted;
      },
      { timeoutMs: 30_000, intervalMs: 100, description: `inbox max.message.bytes ${wanted ?? 'default'}` },
    );
  };

  const readiness = async (): Promise<{ status: number; consumer: string | undefined }> => {
    const response = await fetch(`${router.url}/health/ready`);
    const body = (await response.json()) as { checks: Record<string, string> };
    return { status: response.status, consumer: body.checks['consumer'] };
  };

  beforeAll(async () => {
    gateway = await startGateway();
    kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: `consumer-restart-e2e` });
    admin = kafka.admin();
    await admin.connect();
    publisher = await gateway.createAgency({ roles: ['publisher', 'integrator'] });
    subscriber = await gateway.createAgency({ roles: ['subscriber'] });
    const registered = await api(publisher, 'POST', `/v1/schemas/${type}/versions`, {
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        additionalProperties: false,
        required: ['code'],
        properties: { code: { type: 'string', maxLength: 20 } },
      },
      metadata: {
        owner: publisher.id,
        description: { vi: 'Loại thử khởi động lại', en: 'Consumer restart test type' },
        keyPointer: '/code',
        personalData: [],
        examples: [{ code: 'A1' }],
      },
    });
    if (registered.status !== 201)
      throw new Error(`register: ${registered.status} ${await registered.text()}`);
    for (const [agency, right] of [
      [publisher, 'publish'],
      [subscriber, 'subscribe'],
    ] as const) {
      const granted = await api(gateway.operator, 'PUT', `/v1/agencies/${agency.id}/grants/${right}/${type}`);
      if (granted.status !== 200) throw new Error(`grant ${right}: ${granted.status}`);
    }
    const subscribed = await api(subscriber, 'POST', '/v1/subscriptions', {
      types: [type],
      delivery: { mode: 'kafka' },
    });
    if (subscribed.status !== 201) throw new Error(`subscribe: ${subscribed.status}`);
    router = await startRouter(gateway.config.signingKeysFile);
  }, 240_000);

  afterAll(async () => {
    await inbox?.stop();
    await router?.close();
    await admin?.disconnect();
    await gateway?.close();
  });

  it('is not ready while the hand-off fails, replaces its consumer, then delivers what it could not', async () => {
    const first = await publish('R-1');
    await pollUntil(async () => (await admin.listTopics()).includes(inboxTopic(subscriber.id)), {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: 'inbox topic created',
    });
    inbox = new RecordCollector(kafka);
    await inbox.start([inboxTopic(subscriber.id)]);
    await pollUntil(() => inbox!.byId.get(first), { timeoutMs: 60_000, description: 'first delivery' });
    expect((await readiness()).status).toBe(200);

    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: inboxTopic(subscriber.id) }],
    });
    inboxSettings = (resources[0]?.configEntries ?? [])
      .filter((e) => !e.isDefault && !e.readOnly)
      .map((e) => ({ name: e.configName, value: e.configValue }));
    // Smaller than any delivery: the broker refuses the next inbox write (not retriable).
    await setInboxMaxBytes(100);
    const second = await publish('R-2');
    await pollUntil(async () => (await readiness()).status === 503, {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: 'router not ready while its hand-off fails',
    });
    expect(inbox.byId.has(second)).toBe(false);

    await setInboxMaxBytes(undefined);
    // No restart of anything: the router replaces its consumer, which resumes where it committed.
    await pollUntil(() => inbox!.byId.get(second), { timeoutMs: 90_000, description: 'second delivery' });
    await pollUntil(async () => (await readiness()).status === 200, {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: 'router ready again',
    });
    expect(inbox.byId.get(first)).toBeDefined();
  }, 300_000);
});
