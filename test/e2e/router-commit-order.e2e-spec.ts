import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEvent } from '@lienthong/audit';
import { readAuditTopic } from '@lienthong/audit';
import {
  DISCLOSURE_TOPIC,
  disclosureTopicConfig,
  parseDisclosureEvent,
  recordTopic,
} from '@lienthong/contracts';
import { inboxTopic } from '@lienthong/delivery';
import { createKafkaClient } from '@lienthong/kafka';
import type { Admin, Kafka } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { TEST_DISCLOSURE_BASIS, startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector } from '../support/record-collector.util.js';
import type { RunningRouter } from '../support/router.util.js';
import { startRouter } from '../support/router.util.js';

const RUN = randomBytes(3).toString('hex');
const TYPE = `commit-order-test.t${RUN}`;
/** More than two of the router's 200-record chunks, all on one partition (one record key). */
const RECORDS = 450;

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['recordNo', 'citizenId', 'fullName'],
  properties: {
    recordNo: { type: 'string', maxLength: 40 },
    citizenId: { type: 'string', pattern: '^[0-9]{12}$' },
    fullName: { type: 'string', maxLength: 100 },
  },
};

/**
 * The router pipelines its chunks: chunk N+1 is written to the inboxes while chunk N's audit and
 * disclosure events are being written. A chunk's offset must still be committed only once those
 * events were acknowledged. Here the broker refuses every disclosure write (the topic's
 * `max.message.bytes` is set below any event), so inbox writes succeed and disclosure writes
 * fail: nothing may be committed. Once the topic takes writes again, a new router commits every
 * record, and each has its disclosure and audit events.
 */
describe('router commits a chunk only after its audit and disclosure events were acknowledged', () => {
  let gateway: RunningGateway;
  let router: RunningRouter | undefined;
  let kafka: Kafka;
  let admin: Admin;
  let owner: TestAgency;
  let subscriber: TestAgency;
  let inbox: RecordCollector;
  let disclosures: RecordCollector;
  let retentionDays: number;
  // The broker and its audit topic are shared with other test files: read from this file's start.
  const startedAt = new Date();

  const api = async (agency: TestAgency, method: string, path: string, body?: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { ...agency.auth(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const setDisclosureMaxBytes = async (maxBytes: number | undefined) => {
    await admin.alterConfigs({
      validateOnly: false,
      // AlterConfigs replaces a topic's whole configuration: restate the rest of it.
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: DISCLOSURE_TOPIC,
          configEntries: Object.entries({
            ...disclosureTopicConfig(retentionDays),
            ...(maxBytes !== undefined && { 'max.message.bytes': String(maxBytes) }),
          }).map(([name, value]) => ({ name, value })),
        },
      ],
    });
    // A configuration change reaches the broker through the metadata log: wait until it applies.
    const wanted =
      maxBytes !== undefined ? String(maxBytes) : disclosureTopicConfig(retentionDays)['max.message.bytes'];
    await pollUntil(
      async () => {
        const { resources } = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [
            { type: ConfigResourceTypes.TOPIC, name: DISCLOSURE_TOPIC, configNames: ['max.message.bytes'] },
          ],
        });
        return (
          resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue ===
          wanted
        );
      },
      { timeoutMs: 30_000, intervalMs: 100, description: `max.message.bytes ${wanted} applied` },
    );
  };

  /** The router group's committed offset on each partition of the type's record topic. */
  const committed = async (): Promise<Map<number, bigint>> => {
    const [topic] = await admin.fetchOffsets({
      groupId: router!.config.consumerGroup,
      topics: [recordTopic(TYPE)],
    });
    return new Map((topic?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  };

  const ends = async (): Promise<Map<number, bigint>> =>
    new Map((await admin.fetchTopicOffsets(recordTopic(TYPE))).map((p) => [p.partition, BigInt(p.high)]));

  beforeAll(async () => {
    gateway = await startGateway();
    retentionDays = gateway.config.disclosureRetentionDays;
    kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: `commit-order-e2e-${RUN}` });
    admin = kafka.admin();
    await admin.connect();
    owner = await gateway.createAgency({ roles: ['publisher', 'integrator'] });
    const registered = await api(owner, 'POST', `/v1/schemas/${TYPE}/versions`, {
      schema,
      metadata: {
        owner: owner.id,
        description: { vi: 'Bản ghi thử thứ tự xác nhận', en: 'Commit order test record' },
        keyPointer: '/recordNo',
        personalData: ['/citizenId', '/fullName'],
        dataSubject: ['/citizenId'],
      },
    });
    if (registered.status !== 201)
      throw new Error(`register: ${registered.status} ${await registered.text()}`);
    const granted = await api(gateway.operator, 'PUT', `/v1/agencies/${owner.id}/grants/publish/${TYPE}`);
    if (granted.status !== 200) throw new Error(`grant: ${granted.status}`);
    subscriber = await gateway.createAgency({
      roles: ['subscriber'],
      grants: { subscribe: [TYPE], 'subscribe-personal-data': [TYPE] },
    });
    const subscribed = await api(subscriber, 'POST', '/v1/subscriptions', {
      types: [TYPE],
      delivery: { mode: 'kafka' },
      ...TEST_DISCLOSURE_BASIS,
    });
    if (subscribed.status !== 201) throw new Error(`subscribe: ${subscribed.status}`);
    router = await startRouter(gateway.config.signingKeysFile);
    inbox = new RecordCollector(kafka);
    disclosures = new RecordCollector(kafka);
    await disclosures.start([DISCLOSURE_TOPIC]);
  }, 240_000);

  afterAll(async () => {
    // Whatever happened above, the shared topic takes writes again for the files after this one.
    await setDisclosureMaxBytes(undefined).catch(() => undefined);
    await inbox?.stop();
    await disclosures?.stop();
    await router?.close();
    await admin?.disconnect();
    await gateway?.close();
  });

  it('keeps every offset uncommitted while the events fail, then commits all with their events', async () => {
    // The router has caught up: its group has committed the end of every partition.
    const before = await ends();
    // Smaller than any event: every disclosure write is refused (a non-retriable error, so the
    // router's consumer stops after the failed hand-off, as a crashed router would).
    await setDisclosureMaxBytes(100);

    const response = await api(
      owner,
      'POST',
      `/v1/messages/${TYPE}/batch`,
      Array.from({ length: RECORDS }, (_, i) => ({
        recordNo: `R-${RUN}`, // one key: one partition, so one fetch holds several chunks
        citizenId: `0793${String(i).padStart(8, '0')}`,
        fullName: 'Lê Văn Commit',
      })),
    );
    const body = (await response.json()) as { results?: { id?: string }[] };
    expect(response.status).toBeLessThan(300);
    const ids = (body.results ?? []).map((r) => r.id).filter((id): id is string => id !== undefined);
    expect(ids).toHaveLength(RECORDS);

    // The router creates the inbox topic on its first delivery; read it from its beginning then.
    await pollUntil(async () => (await admin.listTopics()).includes(inboxTopic(subscriber.id)), {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: 'inbox topic created',
    });
    await inbox.start([inboxTopic(subscriber.id)]);
    // Inbox writes succeed, the disclosure writes fail. Chunk 2 reaches the inbox while chunk 1
    // is not settled yet (pipelined); the producer sends one request at a time, in call order,
    // and chunk 1's disclosure request came before chunk 2's inbox request: it has been refused
    // by the time chunk 2 is in the inbox.
    await pollUntil(() => inbox.byId.size > 200, {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: 'more than one chunk in the inbox',
    });
    // Nothing past what was committed before these records, on any partition.
    const early = [...(await committed())].filter(
      ([partition, offset]) => offset > (before.get(partition) ?? 0n),
    );
    expect(early).toEqual([]);
    const disclosed = () =>
      new Set(
        disclosures.all.flatMap((m) => {
          const event = m.value ? parseDisclosureEvent(m.value) : undefined;
          return event ? [event.recordId] : [];
        }),
      );
    expect(ids.filter((id) => disclosed().has(id))).toEqual([]);

    await setDisclosureMaxBytes(undefined);
    // A new router of the same group goes on from the last commit: it routes every record again,
    // and starts once its group has committed the end of every record topic.
    await router!.close();
    router = undefined;
    router = await startRouter(gateway.config.signingKeysFile);
    const after = await ends();
    const now = await committed();
    const behind = [...after].filter(([partition, end]) => end > 0n && (now.get(partition) ?? -1n) < end);
    expect(behind).toEqual([]);
    await pollUntil(() => ids.every((id) => disclosed().has(id)), {
      timeoutMs: 30_000,
      intervalMs: 200,
      description: 'a disclosure event for every record',
    });
    const audit = await readAuditTopic(kafka, { since: startedAt });
    const delivered = new Set(
      audit.entries
        .map((entry) => JSON.parse(entry.value?.toString('utf8') ?? 'null') as AuditEvent)
        .filter((e) => e.kind === 'delivered' && e.subscriber === subscriber.id)
        .map((e) => e.messageId),
    );
    expect(ids.filter((id) => !delivered.has(id))).toEqual([]);
    expect(ids.every((id) => inbox.byId.has(id))).toBe(true);
  }, 420_000);
});
