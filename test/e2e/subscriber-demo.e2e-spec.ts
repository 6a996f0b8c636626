import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GATEWAY_SIGNATURE_HEADER } from '@lienthong/contracts';
import { inboxTopic } from '@lienthong/delivery';
import { createKafkaClient } from '@lienthong/kafka';
import { signDetached } from '@lienthong/trust';
import type { Kafka, Producer } from 'kafkajs';
import type { ProcessedRecord } from '../../apps/subscriber-demo/src/record-sink.js';
import type { SubscriberDemo } from '../../apps/subscriber-demo/src/subscriber-app.factory.js';
import { createSubscriberDemo } from '../../apps/subscriber-demo/src/subscriber-app.factory.js';
import { loadSubscriberConfig } from '../../apps/subscriber-demo/src/subscriber-config.js';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway, TEST_DISCLOSURE_BASIS } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector } from '../support/record-collector.util.js';
import type { RunningRouter } from '../support/router.util.js';
import { startRouter } from '../support/router.util.js';

const TYPE = 'procedure.dossier-status';
const RUN = randomBytes(3).toString('hex');
const RUN_DIGITS = String(randomBytes(2).readUInt16BE() % 1000).padStart(3, '0');

function dossier(n: number) {
  return {
    dossierCode: `000.00.34.H29-251014-${RUN_DIGITS}${String(n).padStart(3, '0')}`,
    procedureCode: '1.001193',
    procedureName: 'Đăng ký khai sinh',
    receivingAgency: '000.00.34.H29',
    channel: 'ONLINE',
    applicant: {
      fullName: 'Lê Minh Tâm',
      idNumber: '079093006789',
      phone: '0912345678',
      email: 'tam@example.com',
    },
    status: 'RECEIVED',
    submittedAt: '2025-10-13T21:47:03+07:00',
    receivedAt: '2025-10-14T08:05:12+07:00',
    dueAt: '2025-10-21T17:00:00+07:00',
    updatedAt: '2025-10-14T08:05:12+07:00',
  };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('subscriber-demo: a Nest Kafka microservice reading its inbox and verifying signatures', () => {
  let gateway: RunningGateway;
  let router: RunningRouter | undefined;
  let demo: SubscriberDemo | undefined;
  let kafka: Kafka;
  let producer: Producer;
  let publisher: TestAgency;
  let subscriber: TestAgency;
  let inbox: RecordCollector;
  const seen: ProcessedRecord[] = [];

  const publish = async (body: string, headers: Record<string, string> = {}): Promise<string> => {
    const response = await fetch(`${gateway.url}/v1/messages/${TYPE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...publisher.auth(), ...headers },
      body,
    });
    if (response.status !== 202) throw new Error(`publish: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { id: string }).id;
  };

  beforeAll(async () => {
    gateway = await startGateway();
    publisher = await gateway.publisher();
    // With the personal-data grant the body is delivered untouched, so the publisher's
    // signature is forwarded and can be checked.
    subscriber = await gateway.createAgency({
      roles: ['subscriber'],
      grants: { subscribe: [TYPE], 'subscribe-personal-data': [TYPE] },
    });
    const created = await fetch(`${gateway.url}/v1/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...subscriber.auth() },
      body: JSON.stringify({ types: [TYPE], delivery: { mode: 'kafka' }, ...TEST_DISCLOSURE_BASIS }),
    });
    if (created.status !== 201) throw new Error(`subscribe: ${created.status} ${await created.text()}`);

    kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: `demo-e2e-${RUN}` });
    producer = kafka.producer();
    await producer.connect();
    demo = await createSubscriberDemo(
      loadSubscriberConfig({
        KAFKA_BROKERS: gateway.config.kafkaBrokers.join(','),
        SUBSCRIBER_AGENCY: subscriber.id,
        GATEWAY_JWKS_URL: `${gateway.url}/.well-known/jwks.json`,
        GROUP_ID: `demo-e2e-${RUN}`,
        PUBLISHER_JWKS: JSON.stringify({ [publisher.id]: { keys: [publisher.publicJwk] } }),
      }),
      { sink: (r) => void seen.push(r), logger: ['error'] },
    );
    inbox = new RecordCollector(kafka);
    await inbox.start([inboxTopic(subscriber.id)]);
    router = await startRouter(gateway.config.signingKeysFile, {
      ROUTER_CONSUMER_GROUP: `demo-e2e-${RUN}-router`,
    });
  }, 240_000);

  afterAll(async () => {
    await demo?.close();
    await router?.close();
    await inbox?.stop();
    await producer?.disconnect();
    await gateway?.close();
  });

  it('refuses a bad configuration at boot, naming every variable', () => {
    expect(() =>
      loadSubscriberConfig({
        KAFKA_BROKERS: 'nohost',
        SUBSCRIBER_AGENCY: 'h29',
        GATEWAY_JWKS_URL: 'ftp://x',
      }),
    ).toThrow(/KAFKA_BROKERS[\s\S]*SUBSCRIBER_AGENCY[\s\S]*GATEWAY_JWKS_URL/);
  });

  it('receives a published record through the router with both signatures verified', async () => {
    const record = dossier(1);
    const body = JSON.stringify(record);
    const signature = await signDetached(Buffer.from(body), TYPE, publisher.privateKey, publisher.kid);
    const id = await publish(body, { 'lienthong-signature': signature });
    const processed = await pollUntil(() => seen.find((r) => r.ce_id === id), {
      timeoutMs: 30_000,
      description: 'the demo subscriber processes the record',
    });
    expect(processed).toMatchObject({
      ce_id: id,
      ce_type: TYPE,
      ce_source: publisher.id,
      topic: inboxTopic(subscriber.id),
      gateway_verified: true,
      publisher_signature: 'verified',
      key_sha256: sha256(record.dossierCode),
    });
    expect(processed.gateway_error).toBeUndefined();
    // Identifiers and verdicts only: nothing from the payload, not even the key in clear.
    const line = JSON.stringify(processed);
    for (const value of [record.dossierCode, record.applicant.fullName, record.applicant.idNumber, 'Đăng ký'])
      expect(line).not.toContain(value);
  });

  it('reports a record tampered with in the inbox (or unsigned) as not verified', async () => {
    const body = JSON.stringify(dossier(2));
    const id = await publish(body);
    const original = await pollUntil(() => inbox.byId.get(id), { timeoutMs: 30_000, description: 'inbox' });
    await pollUntil(() => seen.some((r) => r.ce_id === id && r.gateway_verified), {
      timeoutMs: 30_000,
      description: 'the genuine record verified',
    });
    const tampered = Buffer.from(body.replace('"RECEIVED"', '"REJECTED"'));
    const forgedId = `forged-${RUN}`;
    await producer.send({
      topic: inboxTopic(subscriber.id),
      messages: [
        { key: original.key, value: tampered, headers: { ...original.headers } },
        { key: original.key, value: Buffer.from(body), headers: { ...original.headers, ce_id: forgedId } },
        {
          key: null,
          value: Buffer.from(body),
          headers: Object.fromEntries(
            Object.entries({ ...original.headers, ce_id: `unsigned-${RUN}` }).filter(
              ([name]) => name !== GATEWAY_SIGNATURE_HEADER,
            ),
          ),
        },
      ],
    });
    const reported = await pollUntil(
      () => {
        const bad = seen.filter((r) => !r.gateway_verified);
        const tamperedRecord = bad.find((r) => r.ce_id === id);
        const forged = bad.find((r) => r.ce_id === forgedId);
        const unsigned = bad.find((r) => r.ce_id === `unsigned-${RUN}`);
        return tamperedRecord && forged && unsigned && { tamperedRecord, forged, unsigned };
      },
      { timeoutMs: 30_000, description: 'the tampered records reported' },
    );
    expect(reported.tamperedRecord.gateway_error).toMatch(/does not verify/);
    expect(reported.forged.gateway_error).toMatch(/another message/);
    expect(reported.unsigned.gateway_error).toBe('no gateway signature');
    expect(reported.unsigned.key_sha256).toBeNull();
  });
});
