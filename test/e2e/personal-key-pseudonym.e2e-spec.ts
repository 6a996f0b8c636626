import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DELIVERY_HEADERS } from '@lienthong/contracts';
import type { Subscription } from '@lienthong/delivery';
import {
  AUDIT_TOPIC,
  DEAD_LETTER_TOPIC,
  RETRY_TOPIC_PREFIX,
  fallbackPseudonymSecret,
  inboxTopic,
  keyPseudonym,
} from '@lienthong/delivery';
import { createKafkaClient, ensureTopics } from '@lienthong/kafka';
import { RegistryLog, RegistryState } from '@lienthong/registry';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { TEST_DISCLOSURE_BASIS, startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import type { ReceivedWebhook, RunningRouter } from '../support/router.util.js';
import { TEST_KEY_PSEUDONYM_SECRET, WebhookReceiver, startRouter } from '../support/router.util.js';

/** Keyed by /citizenId, which the schema marks personal data, as it does /fullName. */
const TYPE = 'residence.registration';
const RUN = randomBytes(3).toString('hex');
const letters = (n: number): string =>
  [...randomBytes(n)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
const citizenId = (): string =>
  `0${String(randomBytes(6).readUIntBE(0, 6) % 100_000_000_000).padStart(11, '0')}`;

/** Two citizens no other test uses: recognisable in any byte an auditor reads. */
const CITIZENS = [
  { id: citizenId(), name: `Nguyễn Thị Ánh Pseudo ${letters(8)}`, head: citizenId() },
  { id: citizenId(), name: `Trần Văn Hùng Pseudo ${letters(8)}`, head: citizenId() },
] as const;
/** Every personal value published: none may reach a subscriber without the grant. */
const PERSONAL = CITIZENS.flatMap((c) => [c.id, c.name, c.head]);

let sequence = 0;
function residence(citizen: (typeof CITIZENS)[number]) {
  sequence++;
  return {
    registrationId: `G01.01.00004-250714-${String(sequence).padStart(4, '0')}`,
    citizenId: citizen.id,
    fullName: citizen.name,
    dateOfBirth: '1995-03-18',
    gender: 'NU',
    registrationKind: 'THUONG_TRU',
    action: 'DANG_KY',
    address: {
      provinceCode: '01',
      communeCode: '00004',
      detail: 'Số 12 phố Phan Đình Phùng',
      fullText: 'Số 12 phố Phan Đình Phùng, Phường Ba Đình, Thành phố Hà Nội',
    },
    householdHeadCitizenId: citizen.head,
    householdHeadRelation: 'CON',
    registeringAuthority: 'G01.01.00004',
    registrationDate: '2025-07-14',
    recordedAt: '2025-07-14T09:42:17+07:00',
  };
}

/** A Kafka record exactly as it is on the wire: key, value and every header as bytes. */
interface RawRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: [string, Buffer][];
}

const header = (r: RawRecord, name: string): string | undefined =>
  r.headers.findLast(([n]) => n === name)?.[1].toString('utf8');
const rawBytes = (r: RawRecord): Buffer =>
  Buffer.concat([
    r.key ?? Buffer.alloc(0),
    r.value ?? Buffer.alloc(0),
    ...r.headers.flatMap(([n, v]) => [Buffer.from(n), v]),
  ]);
const webhookBytes = (w: ReceivedWebhook): Buffer =>
  Buffer.concat([
    Buffer.from(JSON.stringify(w.headers)),
    Buffer.from(Object.values(w.headers).join('\n')),
    w.body,
  ]);

/** The personal values found in `bytes`, byte for byte (UTF-8). */
function leaked(bytes: Buffer, values: readonly string[] = PERSONAL): string[] {
  return values.filter((v) => bytes.includes(Buffer.from(v, 'utf8')));
}

/** Every record of some topics, from the beginning, raw. */
class RawCollector {
  readonly all: RawRecord[] = [];
  private readonly consumer: Consumer;
  constructor(kafka: Kafka) {
    this.consumer = kafka.consumer({ groupId: `pseudonym-e2e-${uuidv7()}`, retry: { retries: 10 } });
  }
  async start(topics: string[]): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      eachMessage: ({ topic, message }) => {
        const headers: [string, Buffer][] = [];
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          for (const v of Array.isArray(value) ? value : [value]) {
            if (v !== undefined) headers.push([name, Buffer.isBuffer(v) ? v : Buffer.from(String(v))]);
          }
        }
        this.all.push({ topic, key: message.key, value: message.value, headers });
        return Promise.resolve();
      },
    });
  }
  of(topic: string): RawRecord[] {
    return this.all.filter((r) => r.topic === topic);
  }
  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

interface Created {
  id: string;
  delivery: { mode: string; secret?: string };
}

describe('personal record keys: pseudonymised for every subscriber without the grant, in every byte', () => {
  const logs: string[] = [];
  let gateway: RunningGateway;
  let router: RunningRouter | undefined;
  let kafka: Kafka;
  let producer: Producer;
  let publisher: TestAgency;
  let plain: TestAgency; // subscribe only: two inbox subscriptions and one written before secrets
  let hooks: TestAgency; // subscribe only: a healthy webhook and one answering 500
  let watcher: TestAgency; // subscribe + personal data: inbox filtered on the subject
  let raw: RawCollector;
  const healthy = new WebhookReceiver();
  const failing = new WebhookReceiver();
  const subs: Record<'first' | 'second' | 'legacy' | 'hooked' | 'broken' | 'watch', string> = {
    first: '',
    second: '',
    legacy: '',
    hooked: '',
    broken: '',
    watch: '',
  };
  /** Message ids in publishing order, with the citizen each is about. */
  const published: { id: string; citizen: (typeof CITIZENS)[number] }[] = [];
  /** A dead letter this test writes as an older router did, with the clear subject. */
  const oldLetter = uuidv7();
  /** Every answer body the non-entitled subscribers got from the API, to search too. */
  const answers: string[] = [];

  const api = async (
    agency: TestAgency,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; text: string; json: Record<string, unknown> }> => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...agency.auth(),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    // The entitled watcher's answers echo its own filter on a citizen id: only the others count.
    if (agency !== watcher) answers.push(text);
    return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  const subscribe = async (agency: TestAgency, body: Record<string, unknown>): Promise<Created> => {
    // A purpose and a legal basis, which an agency holding subscribe-personal-data must state.
    const answer = await api(agency, 'POST', '/v1/subscriptions', { ...TEST_DISCLOSURE_BASIS, ...body });
    if (answer.status !== 201) throw new Error(`subscribe: ${answer.status} ${answer.text}`);
    return answer.json as unknown as Created;
  };

  const publish = async (citizen: (typeof CITIZENS)[number]): Promise<string> => {
    const response = await fetch(`${gateway.url}/v1/messages/${TYPE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...publisher.auth() },
      body: JSON.stringify(residence(citizen)),
    });
    if (response.status !== 202) throw new Error(`publish: ${response.status} ${await response.text()}`);
    const id = ((await response.json()) as { id: string }).id;
    published.push({ id, citizen });
    return id;
  };

  const grant = async (agency: TestAgency, on: boolean): Promise<void> => {
    const response = await fetch(
      `${gateway.url}/v1/agencies/${agency.id}/grants/subscribe-personal-data/${TYPE}`,
      { method: on ? 'PUT' : 'DELETE', headers: gateway.operator.auth() },
    );
    if (response.status !== 200 && response.status !== 204)
      throw new Error(`grant: ${response.status} ${await response.text()}`);
  };

  const secretOf = (id: string): string => {
    const subscription = gateway.app.get(RegistryState).subscriptions.get(id);
    return subscription?.pseudonymSecret ?? fallbackPseudonymSecret(TEST_KEY_PSEUDONYM_SECRET, id);
  };
  const pseudonymOf = (subscription: string, citizen: string): string =>
    keyPseudonym(secretOf(subscription), citizen);

  const inboxRecord = (agency: TestAgency, subscription: string, messageId: string, command?: string) =>
    raw
      .of(inboxTopic(agency.id))
      .find(
        (r) =>
          header(r, 'ce_id') === messageId &&
          header(r, DELIVERY_HEADERS.subscription) === subscription &&
          header(r, DELIVERY_HEADERS.command) === command,
      );

  const waitInbox = (agency: TestAgency, subscription: string, messageId: string, command?: string) =>
    pollUntil(() => inboxRecord(agency, subscription, messageId, command), {
      timeoutMs: 30_000,
      description: `${messageId} in ${subscription}`,
    });

  /** Resolves once the collector read everything the topic holds now. */
  const drained = async (topic: string): Promise<void> => {
    const admin = kafka.admin();
    await admin.connect();
    const end = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
    await admin.disconnect();
    await pollUntil(() => raw.of(topic).length >= end, { timeoutMs: 30_000, description: `${topic} read` });
  };

  beforeAll(async () => {
    gateway = await startGateway(
      { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', LOG_LEVEL: 'trace' },
      {
        // Every level; the router in this process logs through the same root logger.
        logger: ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'],
        logDestination: { write: (line: string) => void logs.push(line) },
      },
    );
    publisher = await gateway.publisher();
    [plain, hooks, watcher] = await Promise.all([
      gateway.createAgency({ roles: ['subscriber'], grants: { subscribe: [TYPE] } }),
      gateway.createAgency({ roles: ['subscriber'], grants: { subscribe: [TYPE] } }),
      gateway.createAgency({
        roles: ['subscriber'],
        grants: { subscribe: [TYPE], 'subscribe-personal-data': [TYPE] },
      }),
    ]);
    await healthy.start();
    await failing.start();
    failing.status = 500;
    subs.first = (await subscribe(plain, { types: [TYPE], delivery: { mode: 'kafka' } })).id;
    subs.second = (await subscribe(plain, { types: [TYPE], delivery: { mode: 'kafka' } })).id;
    subs.hooked = (
      await subscribe(hooks, { types: [TYPE], delivery: { mode: 'webhook', url: healthy.url } })
    ).id;
    subs.broken = (
      await subscribe(hooks, { types: [TYPE], delivery: { mode: 'webhook', url: failing.url } })
    ).id;
    subs.watch = (
      await subscribe(watcher, {
        types: [TYPE],
        filter: { attribute: 'subject', equals: CITIZENS[0].id },
        delivery: { mode: 'kafka' },
      })
    ).id;
    // A subscription as the gateway wrote them before each had a pseudonym secret.
    const legacy: Subscription = {
      id: uuidv7(),
      agency: plain.id,
      types: [TYPE],
      delivery: { mode: 'kafka' },
      status: 'active',
      createdAt: new Date().toISOString(),
      createdBy: plain.id,
    };
    const outcome = await gateway.app.get(RegistryLog).append('subscription', legacy.id, legacy, plain.id);
    expect(outcome.accepted).toBe(true);
    subs.legacy = legacy.id;

    kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: `pseudonym-e2e-${RUN}` });
    producer = kafka.producer();
    await producer.connect();
    router = await startRouter(gateway.config.signingKeysFile, {
      ROUTER_CONSUMER_GROUP: `pseudonym-e2e-${RUN}`,
    });
    await ensureTopics(
      kafka,
      [plain, watcher].map((a) => ({ topic: inboxTopic(a.id), numPartitions: 3, replicationFactor: -1 })),
    );
    const topics = [
      inboxTopic(plain.id),
      inboxTopic(watcher.id),
      DEAD_LETTER_TOPIC,
      AUDIT_TOPIC,
      ...router.config.retryDelaysMs.map((_, i) => `${RETRY_TOPIC_PREFIX}${i + 1}`),
    ];
    const admin = kafka.admin();
    await admin.connect();
    await pollUntil(
      async () => {
        const existing = await admin.listTopics();
        return topics.every((t) => existing.includes(t));
      },
      { timeoutMs: 30_000, description: 'router topics created' },
    );
    await admin.disconnect();
    raw = new RawCollector(kafka);
    await raw.start(topics);
  }, 240_000);

  afterAll(async () => {
    await router?.close();
    await raw?.stop();
    await producer?.disconnect();
    await healthy.stop();
    await failing.stop();
    await gateway?.close();
  });

  it('never answers the pseudonym secret, and refuses a subject filter without the grant (403, in Vietnamese too)', async () => {
    const secret = gateway.app.get(RegistryState).subscriptions.get(subs.first)!.pseudonymSecret!;
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(gateway.app.get(RegistryState).subscriptions.get(subs.second)!.pseudonymSecret).not.toBe(secret);
    const listed = await api(plain, 'GET', '/v1/subscriptions');
    const one = await api(plain, 'GET', `/v1/subscriptions/${subs.first}`);
    const created = await api(plain, 'POST', '/v1/subscriptions', {
      types: [TYPE],
      delivery: { mode: 'kafka' },
    });
    for (const answer of [listed, one, created]) {
      expect(answer.text).not.toContain('pseudonymSecret');
      expect(answer.text).not.toContain(secret);
    }
    await api(plain, 'DELETE', `/v1/subscriptions/${String(created.json['id'])}`);

    const request = {
      types: [TYPE],
      filter: { attribute: 'subject', equals: CITIZENS[0].id },
      delivery: { mode: 'kafka' },
    };
    const refused = await api(plain, 'POST', '/v1/subscriptions', request);
    expect(refused.status).toBe(403);
    expect(refused.json['code']).toBe('personal-data-not-granted');
    expect((refused.json['errors'] as { pointer: string }[]).map((e) => e.pointer)).toEqual([
      '/filter/attribute',
    ]);
    const vi = await api(plain, 'POST', '/v1/subscriptions', request, { 'accept-language': 'vi' });
    expect(vi.json['title']).toBe('Đăng ký chạm tới dữ liệu cá nhân mà cơ quan chưa được cấp quyền');
    expect(JSON.stringify(vi.json['errors'])).toContain('khoá bản ghi');
  });

  it('delivers inbox records whose key and ce_subject are the subscription pseudonym: stable per subject, unlinkable across subscriptions', async () => {
    await publish(CITIZENS[0]);
    await publish(CITIZENS[1]);
    await publish(CITIZENS[0]);
    const ids = published.map((p) => p.id);
    for (const subscription of [subs.first, subs.second, subs.legacy]) {
      const got = await Promise.all(ids.map((id) => waitInbox(plain, subscription, id)));
      got.forEach((record, i) => {
        const expected = pseudonymOf(subscription, published[i]!.citizen.id);
        expect(record.key!.toString('utf8')).toBe(expected);
        expect(header(record, 'ce_subject')).toBe(expected);
        expect(header(record, DELIVERY_HEADERS.keyPseudonym)).toBe('hmac-sha256');
        expect(leaked(rawBytes(record))).toEqual([]);
      });
      // Same citizen, same pseudonym (per-key order and partition hold); another citizen, another.
      expect(got[0]!.key!.equals(got[2]!.key!)).toBe(true);
      expect(got[0]!.key!.equals(got[1]!.key!)).toBe(false);
    }
    const keyOf = (s: string) => inboxRecord(plain, s, ids[0]!)!.key!.toString('utf8');
    expect(new Set([keyOf(subs.first), keyOf(subs.second), keyOf(subs.legacy)]).size).toBe(3);
    // The legacy subscription's secret is derived from the router's KEY_PSEUDONYM_SECRET.
    expect(keyOf(subs.legacy)).toBe(
      keyPseudonym(fallbackPseudonymSecret(TEST_KEY_PSEUDONYM_SECRET, subs.legacy), CITIZENS[0].id),
    );

    // The entitled watcher gets the clear key, and its subject filter works.
    const watched = await waitInbox(watcher, subs.watch, ids[0]!);
    expect(watched.key!.toString('utf8')).toBe(CITIZENS[0].id);
    expect(header(watched, 'ce_subject')).toBe(CITIZENS[0].id);
    expect(header(watched, DELIVERY_HEADERS.keyPseudonym)).toBeUndefined();
    await waitInbox(watcher, subs.watch, ids[2]!);
    await drained(inboxTopic(watcher.id));
    expect(inboxRecord(watcher, subs.watch, ids[1]!)).toBeUndefined();
  });

  it('sends webhooks whose ce-subject is the pseudonym, and retries and dead letters without a personal byte', async () => {
    const ids = published.map((p) => p.id);
    await pollUntil(() => ids.every((id) => healthy.received.some((w) => w.headers['webhook-id'] === id)), {
      timeoutMs: 30_000,
      description: 'healthy webhook got all',
    });
    for (const w of healthy.received) {
      const citizen = published.find((p) => p.id === w.headers['webhook-id'])!.citizen;
      expect(w.headers['ce-subject']).toBe(pseudonymOf(subs.hooked, citizen.id));
      expect(w.headers[DELIVERY_HEADERS.keyPseudonym]).toBe('hmac-sha256');
      expect(leaked(webhookBytes(w))).toEqual([]);
    }
    const attempts = router!.config.retryDelaysMs.length + 1;
    const letters = await pollUntil(
      () => {
        const mine = raw
          .of(DEAD_LETTER_TOPIC)
          .filter((r) => header(r, DELIVERY_HEADERS.subscription) === subs.broken);
        return ids.every((id) => mine.some((r) => header(r, 'ce_id') === id)) && mine;
      },
      { timeoutMs: 30_000, description: 'dead letters of the broken webhook' },
    );
    for (const letter of letters) {
      expect(header(letter, 'ce_subject')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(leaked(rawBytes(letter))).toEqual([]);
    }
    const retries = raw.all.filter(
      (r) =>
        r.topic.startsWith(RETRY_TOPIC_PREFIX) && header(r, DELIVERY_HEADERS.subscription) === subs.broken,
    );
    expect(retries.length).toBeGreaterThanOrEqual(ids.length * (attempts - 1));
    for (const copy of retries) expect(leaked(rawBytes(copy))).toEqual([]);
    expect(failing.received.length).toBeGreaterThanOrEqual(ids.length * attempts);
    for (const w of failing.received) expect(leaked(webhookBytes(w))).toEqual([]);

    const listing = await api(hooks, 'GET', `/v1/subscriptions/${subs.broken}/dead-letters`);
    expect(listing.status).toBe(200);
    expect((listing.json['deadLetters'] as unknown[]).length).toBeGreaterThanOrEqual(ids.length);
    expect(leaked(Buffer.from(listing.text))).toEqual([]);
  });

  it('replays and redrives with pseudonyms, including a dead letter written with the clear subject before this change', async () => {
    const replay = await api(plain, 'POST', `/v1/subscriptions/${subs.first}/replay`, {
      since: new Date(Date.now() - 10 * 60_000).toISOString(),
    });
    expect(replay.status).toBe(202);
    const command = String(replay.json['commandId']);
    for (const { id, citizen } of published) {
      const record = await waitInbox(plain, subs.first, id, command);
      expect(record.key!.toString('utf8')).toBe(pseudonymOf(subs.first, citizen.id));
      expect(header(record, 'ce_subject')).toBe(pseudonymOf(subs.first, citizen.id));
      expect(leaked(rawBytes(record))).toEqual([]);
    }

    // An old router dead-lettered with the clear subject; the redrive must not send it on.
    const oldId = oldLetter;
    await producer.send({
      topic: DEAD_LETTER_TOPIC,
      messages: [
        {
          key: oldId,
          value: JSON.stringify({ registrationId: 'G01.01.00004-250714-9999' }),
          headers: {
            ce_specversion: '1.0',
            ce_id: oldId,
            ce_source: publisher.id,
            ce_type: TYPE,
            ce_time: new Date().toISOString(),
            ce_subject: CITIZENS[1].id,
            'content-type': 'application/json',
            [DELIVERY_HEADERS.subscription]: subs.broken,
            [DELIVERY_HEADERS.attempts]: '3',
            [DELIVERY_HEADERS.lastError]: 'http 500',
            [DELIVERY_HEADERS.deadLetterReason]: 'attempts-exhausted',
            [DELIVERY_HEADERS.deadLetteredAt]: new Date().toISOString(),
          },
        },
      ],
    });
    const listing = await api(hooks, 'GET', `/v1/subscriptions/${subs.broken}/dead-letters`);
    expect(JSON.stringify(listing.json)).toContain(oldId);
    expect(leaked(Buffer.from(listing.text))).toEqual([]);

    failing.status = 200;
    const redrive = await api(hooks, 'POST', `/v1/subscriptions/${subs.broken}/redrive`);
    expect(redrive.status).toBe(202);
    const redriveId = String(redrive.json['commandId']);
    const wanted = [...published.map((p) => p.id), oldId];
    const redriven = await pollUntil(
      () => {
        const got = failing.received.filter((w) => w.headers[DELIVERY_HEADERS.command] === redriveId);
        return wanted.every((id) => got.some((w) => w.headers['webhook-id'] === id)) && got;
      },
      { timeoutMs: 45_000, description: 'redriven dead letters' },
    );
    for (const w of redriven) {
      expect(leaked(webhookBytes(w))).toEqual([]);
      const citizen =
        w.headers['webhook-id'] === oldId
          ? CITIZENS[1]
          : published.find((p) => p.id === w.headers['webhook-id'])!.citizen;
      expect(w.headers['ce-subject']).toBe(pseudonymOf(subs.broken, citizen.id));
    }
  }, 240_000);

  it('delivers the clear key once the grant is held, and pseudonyms again from the next record after it is revoked', async () => {
    await grant(plain, true);
    const clear = await publish(CITIZENS[1]);
    const granted = await waitInbox(plain, subs.first, clear);
    expect(granted.key!.toString('utf8')).toBe(CITIZENS[1].id);
    expect(header(granted, 'ce_subject')).toBe(CITIZENS[1].id);
    expect(header(granted, DELIVERY_HEADERS.keyPseudonym)).toBeUndefined();
    expect(leaked(rawBytes(granted))).toEqual(expect.arrayContaining([CITIZENS[1].id, CITIZENS[1].name]));

    await grant(plain, false);
    await grant(watcher, false);
    const again = await publish(CITIZENS[0]);
    const revoked = await waitInbox(plain, subs.first, again);
    expect(revoked.key!.toString('utf8')).toBe(pseudonymOf(subs.first, CITIZENS[0].id));
    expect(header(revoked, 'ce_subject')).toBe(pseudonymOf(subs.first, CITIZENS[0].id));
    expect(leaked(rawBytes(revoked))).toEqual([]);
    // The watcher's subject filter would now tell it who the record is about: it matches nothing.
    await drained(inboxTopic(watcher.id));
    expect(inboxRecord(watcher, subs.watch, again)).toBeUndefined();
  }, 60_000);

  it('keeps every other channel free of personal values: inboxes, audit, metrics, logs, AsyncAPI, API answers', async () => {
    const clearId = published.at(-2)!.id; // delivered to the plain agency while it held the grant
    const notEntitled = raw.all.filter(
      (r) =>
        r.topic !== inboxTopic(watcher.id) &&
        !(r.topic === inboxTopic(plain.id) && header(r, 'ce_id') === clearId) &&
        header(r, 'ce_id') !== oldLetter,
    );
    expect(notEntitled.length).toBeGreaterThan(0);
    for (const r of notEntitled) expect([r.topic, leaked(rawBytes(r))]).toEqual([r.topic, []]);
    for (const w of [...healthy.received, ...failing.received]) expect(leaked(webhookBytes(w))).toEqual([]);
    const metrics = await Promise.all([
      fetch(`${gateway.url}/metrics`).then((r) => r.text()),
      fetch(`${router!.url}/metrics`).then((r) => r.text()),
    ]);
    expect(leaked(Buffer.from(metrics.join('\n')))).toEqual([]);
    const asyncapi = await (await fetch(`${gateway.url}/asyncapi.json`)).text();
    expect(leaked(Buffer.from(asyncapi))).toEqual([]);
    expect(leaked(Buffer.from(answers.join('\n')))).toEqual([]);
    expect(logs.length).toBeGreaterThan(0);
    expect(leaked(Buffer.from(logs.join('\n')))).toEqual([]);
  });
});
