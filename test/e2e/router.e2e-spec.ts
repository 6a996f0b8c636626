import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CE_HEADERS,
  DELIVERY_HEADERS,
  GATEWAY_SIGNATURE_HEADER,
  PUBLISHER_SIGNATURE_HEADER,
  recordTopic,
} from '@lienthong/contracts';
import {
  DEAD_LETTER_TOPIC,
  ROUTER_COMMAND_FORMAT,
  ROUTER_COMMAND_TOPIC,
  inboxTopic,
  routerCommandMessage,
  verifyDeliverySignature,
  verifyWebhookEd25519,
} from '@lienthong/delivery';
import { verifyAuditTopic } from '@lienthong/audit';
import { createKafkaClient, ensureTopics } from '@lienthong/kafka';
import { signDetached } from '@lienthong/trust';
import type { Kafka, Producer } from 'kafkajs';
import { Webhook } from 'standardwebhooks';
import type { TestAgency } from '../support/agencies.util.js';
import { sharedAuditJwks } from '../support/audit-keys.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway, TEST_DISCLOSURE_BASIS } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector } from '../support/record-collector.util.js';
import type { RunningRouter } from '../support/router.util.js';
import { WebhookReceiver, startRouter } from '../support/router.util.js';

const TYPE = 'procedure.dossier-status';
const RUN = randomBytes(3).toString('hex');
/** Three digits unique to the run, for dossier codes. */
const RUN_DIGITS = String(randomBytes(2).readUInt16BE() % 1000).padStart(3, '0');

/** A valid dossier-status record; `applicant` is personal data in the schema. */
function dossier(
  n: number,
  status: 'RECEIVED' | 'IN_PROCESSING' = n % 2 === 0 ? 'RECEIVED' : 'IN_PROCESSING',
) {
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
    status,
    submittedAt: '2025-10-13T21:47:03+07:00',
    receivedAt: '2025-10-14T08:05:12+07:00',
    dueAt: '2025-10-21T17:00:00+07:00',
    updatedAt: '2025-10-14T08:05:12+07:00',
  };
}

interface Created {
  id: string;
  delivery: { mode: string; secret?: string };
}

describe('router: fan-out to inboxes and webhooks, retries, dead letters, audit, replay', () => {
  let gateway: RunningGateway;
  let router: RunningRouter | undefined;
  let kafka: Kafka;
  let producer: Producer;
  let publisher: TestAgency;
  let full: TestAgency; // subscribe + personal data, inbox, no filter
  let narrow: TestAgency; // subscribe only, inbox, filter status=RECEIVED, projection
  let hooked: TestAgency; // subscribe only, healthy webhook, no projection
  let broken: TestAgency; // webhook answering 500
  let inboxes: RecordCollector;
  let dlq: RecordCollector;
  const healthy = new WebhookReceiver();
  const failing = new WebhookReceiver();
  const subs: Record<string, Created> = {};
  const accepted: string[] = [];

  const subscribe = async (agency: TestAgency, body: Record<string, unknown>): Promise<Created> => {
    const response = await fetch(`${gateway.url}/v1/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...agency.auth() },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`subscribe: ${response.status} ${await response.text()}`);
    return (await response.json()) as Created;
  };

  const publish = async (payload: unknown, headers: Record<string, string> = {}): Promise<string> => {
    const response = await fetch(`${gateway.url}/v1/messages/${TYPE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...publisher.auth(), ...headers },
      body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    if (response.status !== 202) throw new Error(`publish: ${response.status} ${await response.text()}`);
    const id = ((await response.json()) as { id: string }).id;
    accepted.push(id);
    return id;
  };

  const inboxOf = (agency: TestAgency) => inboxes.all.filter((r) => r.topic === inboxTopic(agency.id));

  // Other test files share the broker and its audit topic: verify what this one wrote.
  const startedAt = new Date();

  beforeAll(async () => {
    gateway = await startGateway({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    publisher = await gateway.publisher();
    const grants = (pd: boolean) => ({
      subscribe: [TYPE],
      ...(pd ? { 'subscribe-personal-data': [TYPE] } : {}),
    });
    [full, narrow, hooked, broken] = await Promise.all([
      gateway.createAgency({ roles: ['subscriber'], grants: grants(true) }),
      gateway.createAgency({ roles: ['subscriber'], grants: grants(false) }),
      gateway.createAgency({ roles: ['subscriber'], grants: grants(false) }),
      gateway.createAgency({ roles: ['subscriber'], grants: grants(false) }),
    ]);
    await healthy.start();
    await failing.start();
    failing.status = 500;
    subs['full'] = await subscribe(full, {
      types: [TYPE],
      delivery: { mode: 'kafka' },
      ...TEST_DISCLOSURE_BASIS,
    });
    subs['narrow'] = await subscribe(narrow, {
      types: [TYPE],
      filter: { pointer: '/status', equals: 'RECEIVED' },
      projection: ['/dossierCode', '/status'],
      delivery: { mode: 'kafka' },
    });
    subs['hooked'] = await subscribe(hooked, {
      types: [TYPE],
      delivery: { mode: 'webhook', url: healthy.url },
    });
    subs['broken'] = await subscribe(broken, {
      types: [TYPE],
      delivery: { mode: 'webhook', url: failing.url },
    });

    kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: `router-e2e-${RUN}` });
    producer = kafka.producer();
    await producer.connect();
    router = await startRouter(gateway.config.signingKeysFile, {
      ROUTER_CONSUMER_GROUP: `router-e2e-${RUN}`,
    });
    // The router creates inboxes on first use; the collector must be able to subscribe before.
    await ensureTopics(
      kafka,
      [full, narrow].map((a) => ({ topic: inboxTopic(a.id), numPartitions: 3, replicationFactor: -1 })),
    );
    inboxes = new RecordCollector(kafka);
    await inboxes.start([inboxTopic(full.id), inboxTopic(narrow.id)]);
    dlq = new RecordCollector(kafka);
    await dlq.start([DEAD_LETTER_TOPIC]);
  }, 240_000);

  afterAll(async () => {
    await router?.close();
    await inboxes?.stop();
    await dlq?.stop();
    await producer?.disconnect();
    await healthy.stop();
    await failing.stop();
    await gateway?.close();
  });

  it('delivers to the inbox with the original bytes, the publisher signature and a gateway signature', async () => {
    const body = JSON.stringify(dossier(0, 'RECEIVED'));
    const signature = await signDetached(Buffer.from(body), TYPE, publisher.privateKey, publisher.kid);
    const id = await publish(body, { 'lienthong-signature': signature });
    const record = await pollUntil(() => inboxOf(full).find((r) => r.headers['ce_id'] === id), {
      timeoutMs: 30_000,
      description: 'inbox delivery',
    });
    expect(record.value!.toString('utf8')).toBe(body);
    expect(record.key!.toString('utf8')).toBe(dossier(0).dossierCode);
    expect(record.headers['ce_type']).toBe(TYPE);
    expect(record.headers['ce_source']).toBe(publisher.id);
    expect(record.headers[DELIVERY_HEADERS.subscription]).toBe(subs['full']!.id);
    expect(record.headers[PUBLISHER_SIGNATURE_HEADER]).toBe(signature);
    const jwks = (await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json()) as {
      keys: Record<string, unknown>[];
    };
    const verified = await verifyDeliverySignature(
      record.headers[GATEWAY_SIGNATURE_HEADER]!,
      record.value!,
      jwks,
      {
        messageId: id,
      },
    );
    expect(verified.subscriptionId).toBe(subs['full']!.id);
    await expect(
      verifyDeliverySignature(record.headers[GATEWAY_SIGNATURE_HEADER]!, Buffer.from(`${body} `), jwks, {
        messageId: id,
      }),
    ).rejects.toThrow(/does not verify/);
  });

  it('applies filter and projection exactly; personal data never reaches an ungranted subscriber', async () => {
    const ids: string[] = [];
    for (let n = 1; n <= 6; n++) ids.push(await publish(dossier(n)));
    const received = ids.filter((_, i) => (i + 1) % 2 === 0); // status RECEIVED
    await pollUntil(() => ids.every((id) => inboxOf(full).some((r) => r.headers['ce_id'] === id)), {
      timeoutMs: 30_000,
      description: 'full subscriber got all',
    });
    await pollUntil(() => received.every((id) => inboxOf(narrow).some((r) => r.headers['ce_id'] === id)), {
      timeoutMs: 30_000,
      description: 'narrow subscriber got the matching ones',
    });
    const narrowIds = inboxOf(narrow).map((r) => r.headers['ce_id']);
    for (const id of ids) expect(narrowIds.includes(id)).toBe(received.includes(id));
    for (const r of inboxOf(narrow)) {
      const payload = JSON.parse(r.value!.toString('utf8')) as Record<string, unknown>;
      expect(Object.keys(payload).sort()).toEqual(['dossierCode', 'status']);
      expect(payload['status']).toBe('RECEIVED');
      // Changed bytes: the publisher's signature cannot be forwarded.
      expect(r.headers[PUBLISHER_SIGNATURE_HEADER]).toBeUndefined();
    }
    // The healthy webhook: Standard Webhooks verified, v1a verified, no personal data.
    await pollUntil(() => ids.every((id) => healthy.received.some((w) => w.headers['webhook-id'] === id)), {
      timeoutMs: 30_000,
      description: 'webhook got all',
    });
    const webhookJwk = router!.publicJwks().keys.find((k) => k['crv'] === 'Ed25519') as {
      kty: 'OKP';
      crv: 'Ed25519';
      x: string;
    };
    for (const w of healthy.received) {
      const headers = w.headers as Record<string, string>;
      expect(() =>
        new Webhook(subs['hooked']!.delivery.secret!).verify(w.body.toString('utf8'), headers),
      ).not.toThrow();
      expect(verifyWebhookEd25519(headers, w.body, webhookJwk)).toBe(true);
      const payload = JSON.parse(w.body.toString('utf8')) as Record<string, unknown>;
      expect(payload).not.toHaveProperty('applicant');
      expect(payload).toHaveProperty('dossierCode');
      expect(headers['ce-id']).toBe(headers['webhook-id']);
    }
  });

  it('dead-letters a webhook answering 500 after N attempts while the healthy one got everything', async () => {
    const ids = accepted.slice();
    const attempts = router!.config.retryDelaysMs.length + 1;
    const letters = await pollUntil(
      () => {
        const mine = dlq.all.filter((r) => r.headers[DELIVERY_HEADERS.subscription] === subs['broken']!.id);
        return ids.every((id) => mine.some((r) => r.headers['ce_id'] === id)) && mine;
      },
      { timeoutMs: 30_000, description: 'dead letters of the broken webhook' },
    );
    for (const letter of letters) {
      expect(letter.headers[DELIVERY_HEADERS.deadLetterReason]).toBe('attempts-exhausted');
      expect(letter.headers[DELIVERY_HEADERS.attempts]).toBe(String(attempts));
      expect(letter.headers[DELIVERY_HEADERS.lastError]).toBe('http 500');
    }
    const perMessage = new Map<string, number>();
    for (const w of failing.received) {
      const id = w.headers['webhook-id'] as string;
      perMessage.set(id, (perMessage.get(id) ?? 0) + 1);
    }
    for (const id of ids) expect(perMessage.get(id)).toBe(attempts);
    for (const id of ids) expect(healthy.received.some((w) => w.headers['webhook-id'] === id)).toBe(true);
  });

  it('dead-letters a poison record and the partition advances', async () => {
    const topic = recordTopic(TYPE);
    const admin = kafka.admin();
    await admin.connect();
    const partitions = (await admin.fetchTopicOffsets(topic)).map((p) => p.partition);
    await admin.disconnect();
    await producer.send({
      topic,
      messages: partitions.map((partition) => ({ partition, key: `poison-${RUN}`, value: 'not json {' })),
    });
    const ids: string[] = [];
    for (let n = 10; n < 16; n++) ids.push(await publish(dossier(n)));
    await pollUntil(() => ids.every((id) => inboxOf(full).some((r) => r.headers['ce_id'] === id)), {
      timeoutMs: 30_000,
      description: 'records after the poison ones delivered',
    });
    const poison = await pollUntil(
      () => {
        const found = dlq.all.filter((r) => r.key?.toString('utf8') === `poison-${RUN}`);
        return found.length === partitions.length && found;
      },
      { timeoutMs: 30_000, description: 'poison records dead-lettered' },
    );
    for (const p of poison) {
      expect(p.headers[DELIVERY_HEADERS.deadLetterReason]).toBe('poison');
      expect(p.headers[DELIVERY_HEADERS.origin]).toMatch(
        new RegExp(`^${topic.replace(/\./g, '\\.')}/[0-9]+/[0-9]+$`),
      );
    }
  });

  it('delivers every accepted record at least once across a router stop and restart (counted by ce_id)', async () => {
    const ids: string[] = [];
    const publishing = (async () => {
      for (let n = 20; n < 50; n++) ids.push(await publish(dossier(n)));
    })();
    await pollUntil(() => ids.length >= 8 && inboxOf(full).some((r) => r.headers['ce_id'] === ids[3]), {
      timeoutMs: 30_000,
      description: 'first records delivered',
    });
    await router!.close();
    router = undefined;
    await publishing;
    router = await startRouter(gateway.config.signingKeysFile, {
      ROUTER_CONSUMER_GROUP: `router-e2e-${RUN}`,
    });
    await pollUntil(() => ids.every((id) => inboxOf(full).some((r) => r.headers['ce_id'] === id)), {
      timeoutMs: 45_000,
      description: 'every record delivered after the restart',
    });
    const delivered = new Set(inboxOf(full).map((r) => r.headers['ce_id']));
    expect(ids.filter((id) => !delivered.has(id))).toEqual([]);
  }, 90_000);

  it('replays a subscription since a time, and redrives dead letters', async () => {
    const original = inboxOf(narrow)
      .filter((r) => r.headers[DELIVERY_HEADERS.command] === undefined)
      .map((r) => r.headers['ce_id']);
    expect(original.length).toBeGreaterThan(0);
    const commandId = `replay-${RUN}`;
    await producer.send({
      topic: ROUTER_COMMAND_TOPIC,
      messages: [
        routerCommandMessage({
          format: ROUTER_COMMAND_FORMAT,
          kind: 'replay',
          commandId,
          subscriptionId: subs['narrow']!.id,
          since: new Date(Date.now() - 10 * 60_000).toISOString(),
          requestedBy: narrow.id,
          at: new Date().toISOString(),
        }),
      ],
    });
    const replayed = await pollUntil(
      () => {
        const found = inboxOf(narrow).filter((r) => r.headers[DELIVERY_HEADERS.command] === commandId);
        const ids = found.map((r) => r.headers['ce_id']);
        return original.every((id) => ids.includes(id)) && found;
      },
      { timeoutMs: 45_000, description: 'replayed deliveries' },
    );
    for (const r of replayed)
      expect(JSON.parse(r.value!.toString('utf8'))).toMatchObject({ status: 'RECEIVED' });

    failing.status = 200;
    const redriveId = `redrive-${RUN}`;
    const deadIds = dlq.all
      .filter((r) => r.headers[DELIVERY_HEADERS.subscription] === subs['broken']!.id)
      .map((r) => r.headers['ce_id']);
    expect(deadIds.length).toBeGreaterThan(0);

    // A dead letter whose subscription header is repeated (no Lienthong writer does that): the
    // gateway's listing and the router's redrive decode it alike, the last value winning.
    const parked = dlq.all.find((r) => r.headers[DELIVERY_HEADERS.subscription] === subs['broken']!.id)!;
    const repeatedId = `repeated-${RUN}`;
    await producer.send({
      topic: DEAD_LETTER_TOPIC,
      acks: -1,
      messages: [
        {
          key: repeatedId,
          value: parked.value,
          headers: {
            ...parked.headers,
            [CE_HEADERS.id]: repeatedId,
            [DELIVERY_HEADERS.subscription]: [subs['hooked']!.id, subs['broken']!.id],
          },
        },
      ],
    });
    const listedIds = async (agency: TestAgency, subscription: string): Promise<unknown[]> => {
      const response = await fetch(`${gateway.url}/v1/subscriptions/${subscription}/dead-letters`, {
        headers: agency.auth(),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { deadLetters: { messageId?: string }[] };
      return body.deadLetters.map((d) => d.messageId);
    };
    expect(await listedIds(broken, subs['broken']!.id)).toContain(repeatedId);
    expect(await listedIds(hooked, subs['hooked']!.id)).not.toContain(repeatedId);
    deadIds.push(repeatedId);

    const okBefore = failing.received.length;
    await producer.send({
      topic: ROUTER_COMMAND_TOPIC,
      messages: [
        routerCommandMessage({
          format: ROUTER_COMMAND_FORMAT,
          kind: 'redrive',
          commandId: redriveId,
          subscriptionId: subs['broken']!.id,
          requestedBy: broken.id,
          at: new Date().toISOString(),
        }),
      ],
    });
    await pollUntil(
      () => {
        const got = failing.received.slice(okBefore).map((w) => w.headers['webhook-id']);
        return deadIds.every((id) => got.includes(id));
      },
      { timeoutMs: 45_000, description: 'redriven dead letters' },
    );
  }, 240_000);

  it('keeps an audit chain that verifies', async () => {
    const report = await verifyAuditTopic(kafka, { jwks: await sharedAuditJwks(), since: startedAt });
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.events).toBeGreaterThan(0);
    expect(report.keys).toEqual((await sharedAuditJwks()).keys.map((k) => k['kid']));
  });

  it('exposes health and metrics on its own port', async () => {
    expect((await fetch(`${router!.url}/health/live`)).status).toBe(200);
    await pollUntil(async () => (await fetch(`${router!.url}/health/ready`)).status === 200, {
      timeoutMs: 20_000,
      description: 'router ready',
    });
    const metrics = await (await fetch(`${router!.url}/metrics`)).text();
    expect(metrics).toMatch(/lienthong_deliveries_total\{subscription="[^"]+",outcome="delivered"\}/);
  });
});
