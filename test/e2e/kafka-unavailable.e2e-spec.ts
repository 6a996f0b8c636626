import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KafkaHandle } from '@lienthong/local-kafka';
import { startKafka } from '@lienthong/local-kafka';
import { readCatalogueFixtures } from '../support/catalogue-fixtures.util.js';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';

/**
 * The gateway on a broker of its own, which the test then stops: a publish must answer 503 with
 * Retry-After (never a receipt), and readiness must drop.
 */
describe('when Kafka goes away', () => {
  let kafka: KafkaHandle;
  let gateway: RunningGateway;
  let publisher: TestAgency;
  const [fixture] = readCatalogueFixtures();

  beforeAll(async () => {
    // A private broker (never the shared one, which other suites still use).
    kafka = await startKafka({ env: { ...process.env, KAFKA_BROKERS: '' } });
    gateway = await startGateway({
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_PRODUCE_RETRIES: '1',
      KAFKA_PRODUCE_TIMEOUT_MS: '2000',
      RETRY_AFTER_SECONDS: '7',
    });
    publisher = await gateway.createAgency({ grants: { publish: [fixture!.type] } });
  }, 240_000);

  afterAll(async () => {
    await gateway?.close();
    await kafka?.stop();
  });

  it('publishes while the broker is up, then answers 503 with Retry-After once it is gone', async () => {
    const body = JSON.stringify(fixture!.ok[0]);
    const post = () =>
      fetch(`${gateway.url}/v1/messages/${fixture!.type}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': 'vi', ...publisher.auth() },
        body,
      });
    expect((await post()).status).toBe(202);

    await kafka.stop();

    const response = await post();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({ status: 503, code: 'kafka-unavailable' });
    expect(problem['title']).toBe('Hệ thống lưu thông điệp tạm thời không sẵn sàng; vui lòng thử lại sau');
    expect(problem).not.toHaveProperty('id');
    expect(JSON.stringify(problem)).not.toMatch(/ECONNREFUSED|KafkaJS|127\.0\.0\.1/);

    const ready = await fetch(`${gateway.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'down', checks: { kafka: 'down' } });
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
  }, 120_000);
});
