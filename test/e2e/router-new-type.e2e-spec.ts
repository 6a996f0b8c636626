import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { inboxTopic } from '@lienthong/delivery';
import { createKafkaClient } from '@lienthong/kafka';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector } from '../support/record-collector.util.js';
import type { RunningRouter } from '../support/router.util.js';
import { startRouter } from '../support/router.util.js';

/** A type registered after the router started is delivered without restarting the router. */
describe('router picks up a new type without restart', () => {
  const type = `test.new-type-${randomBytes(3).toString('hex')}`;
  let gateway: RunningGateway;
  let router: RunningRouter;
  let integrator: TestAgency;
  let subscriber: TestAgency;
  let inbox: RecordCollector;

  beforeAll(async () => {
    gateway = await startGateway();
    router = await startRouter(gateway.config.signingKeysFile);
    integrator = await gateway.createAgency({ roles: ['publisher', 'integrator'] });
    subscriber = await gateway.createAgency({ roles: ['subscriber'] });
  });

  afterAll(async () => {
    await inbox?.stop();
    await router?.close();
    await gateway?.close();
  });

  it('delivers the first record of a type registered after startup to its subscriber', async () => {
    const registered = await fetch(`${gateway.url}/v1/schemas/${type}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...integrator.auth() },
      body: JSON.stringify({
        schema: {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          additionalProperties: false,
          required: ['code'],
          properties: { code: { type: 'string', maxLength: 20 }, note: { type: 'string', maxLength: 200 } },
        },
        metadata: {
          owner: integrator.id,
          description: { vi: 'Loại thử nghiệm mới', en: 'A new test type' },
          keyPointer: '/code',
          personalData: [],
          signatureRequired: false,
          examples: [{ code: 'A1', note: 'Ghi chú' }],
        },
      }),
    });
    expect(registered.status).toBe(201);
    for (const [agency, right] of [
      [integrator, 'publish'],
      [subscriber, 'subscribe'],
    ] as const) {
      const grant = await fetch(`${gateway.url}/v1/agencies/${agency.id}/grants/${right}/${type}`, {
        method: 'PUT',
        headers: gateway.operator.auth(),
      });
      expect(grant.status).toBe(200);
    }
    const subscribed = await fetch(`${gateway.url}/v1/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...subscriber.auth() },
      body: JSON.stringify({ types: [type], delivery: { mode: 'kafka' } }),
    });
    expect(subscribed.status).toBe(201);

    const body = '{"code":"N-001","note":"Bản ghi đầu tiên của loại mới"}';
    const published = await fetch(`${gateway.url}/v1/messages/${type}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...integrator.auth() },
      body,
    });
    expect(published.status).toBe(202);
    const { id } = (await published.json()) as { id: string };

    const kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: 'new-type-e2e' });
    await pollUntil(
      async () => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          return (await admin.listTopics()).includes(inboxTopic(subscriber.id));
        } finally {
          await admin.disconnect();
        }
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the inbox topic exists' },
    );
    inbox = new RecordCollector(kafka);
    await inbox.start([inboxTopic(subscriber.id)]);
    const delivered = await pollUntil(() => inbox.byId.get(id), {
      timeoutMs: 60_000,
      description: 'delivery',
    });
    expect(delivered.value?.toString('utf8')).toBe(body);
    expect(delivered.headers['ce_type']).toBe(type);
  }, 240_000);
});
