import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CE_HEADERS, DELIVERY_HEADERS } from '@lienthong/contracts';
import type { RouterCommand } from '@lienthong/delivery';
import { DEAD_LETTER_TOPIC, ROUTER_COMMAND_TOPIC, parseRouterCommand } from '@lienthong/delivery';
import { createKafkaClient, ensureTopics } from '@lienthong/kafka';
import { Webhook } from 'standardwebhooks';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway, TEST_DISCLOSURE_BASIS } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector } from '../support/record-collector.util.js';

/** Seeded from `schemas/`: residence.registration marks /citizenId, /fullName, /address… as personal data. */
const RESIDENCE = 'residence.registration';
const ENTERPRISE = 'enterprise.registration';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { code?: string; errors?: { pointer: string; message: string }[] };
}

interface View {
  id: string;
  agency: string;
  types: string[];
  status: string;
  delivery: { mode: string; topic?: string; url?: string; secret?: string };
}

describe('subscriptions API (/v1/subscriptions)', () => {
  /** Production policy: https to public addresses only. */
  let gateway: RunningGateway;
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS=true, as tests and closed networks run it. */
  let relaxed: RunningGateway;
  /** Subscriber of both types, without the personal-data grant. */
  let subscriber: TestAgency;
  /** Subscriber of residence records with the personal-data grant. */
  let trusted: TestAgency;
  /** Another subscriber, to check that agencies do not see each other's subscriptions. */
  let stranger: TestAgency;
  /** Holds the subscribe grant but not the subscriber role. */
  let publisherOnly: TestAgency;
  const created = new Set<string>();

  beforeAll(async () => {
    [gateway, relaxed] = await Promise.all([
      startGateway(),
      startGateway({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }),
    ]);
    [subscriber, trusted, stranger, publisherOnly] = await Promise.all([
      gateway.createAgency({ roles: ['subscriber'], grants: { subscribe: [RESIDENCE, ENTERPRISE] } }),
      gateway.createAgency({
        roles: ['subscriber'],
        grants: { subscribe: [RESIDENCE], 'subscribe-personal-data': [RESIDENCE] },
      }),
      gateway.createAgency({ roles: ['subscriber'], grants: { subscribe: [RESIDENCE] } }),
      gateway.createAgency({ roles: ['publisher'], grants: { subscribe: [RESIDENCE] } }),
    ]);
    // The second replica learns of these agencies from the registry log.
    await pollUntil(
      async () =>
        (await call(relaxed, relaxed.operator, 'GET', `/v1/agencies/${publisherOnly.id}`)).status === 200,
      { timeoutMs: 15_000, description: 'agencies replicated' },
    );
  });

  afterAll(async () => {
    // Leave nothing behind for a router running later against the same broker.
    for (const id of created) await call(gateway, gateway.operator, 'DELETE', `/v1/subscriptions/${id}`);
    await Promise.all([gateway?.close(), relaxed?.close()]);
  });

  async function call(
    on: RunningGateway,
    agency: TestAgency | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const response = await fetch(`${on.url}${path}`, {
      method,
      headers: {
        ...(agency ? agency.auth() : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? {} : (JSON.parse(text) as Answer['body']),
    };
  }

  async function create(agency: TestAgency, body: unknown, on: RunningGateway = gateway): Promise<Answer> {
    const answer = await call(on, agency, 'POST', '/v1/subscriptions', body);
    if (answer.status === 201) created.add(answer.body['id'] as string);
    return answer;
  }

  const kafka = { mode: 'kafka' };
  const pointers = (answer: Answer) => (answer.body.errors ?? []).map((e) => e.pointer);

  describe('lifecycle', () => {
    it('creates a kafka subscription into the agency inbox, readable by its agency and operators only', async () => {
      const request = {
        types: [RESIDENCE],
        filter: {
          and: [
            { pointer: '/registrationKind', equals: 'TAM_TRU' },
            { attribute: 'source', in: ['000.00.00.G01'] },
          ],
        },
        projection: ['/registrationId', '/registrationKind', '/validUntil'],
        delivery: kafka,
      };
      const answer = await create(subscriber, request);
      expect(answer.status).toBe(201);
      const view = answer.body as unknown as View;
      expect(answer.headers.get('location')).toBe(`/v1/subscriptions/${view.id}`);
      expect(view).toMatchObject({
        agency: subscriber.id,
        types: [RESIDENCE],
        filter: request.filter,
        projection: request.projection,
        delivery: { mode: 'kafka', topic: `lienthong.inbox.${subscriber.id}` },
        status: 'active',
        createdBy: subscriber.id,
      });
      expect(view.id).toMatch(/^[0-9a-f-]{36}$/);

      expect((await call(gateway, subscriber, 'GET', `/v1/subscriptions/${view.id}`)).body).toEqual(view);
      const own = await call(gateway, subscriber, 'GET', '/v1/subscriptions');
      expect((own.body as unknown as View[]).map((s) => s.id)).toContain(view.id);
      const others = await call(gateway, stranger, 'GET', '/v1/subscriptions');
      expect((others.body as unknown as View[]).map((s) => s.id)).not.toContain(view.id);
      const byOperator = await call(
        gateway,
        gateway.operator,
        'GET',
        `/v1/subscriptions?agency=${subscriber.id}`,
      );
      expect((byOperator.body as unknown as View[]).map((s) => s.id)).toEqual([view.id]);
      const byType = await call(gateway, subscriber, 'GET', `/v1/subscriptions?type=${ENTERPRISE}`);
      expect(byType.body).toEqual([]);
    });

    it('pauses, resumes and deletes, idempotently where that makes sense', async () => {
      const { id } = (await create(subscriber, { types: [ENTERPRISE], delivery: kafka }))
        .body as unknown as View;
      const path = `/v1/subscriptions/${id}`;
      const paused = await call(gateway, subscriber, 'POST', `${path}/pause`);
      expect(paused).toMatchObject({ status: 200, body: { id, status: 'paused' } });
      expect((await call(gateway, subscriber, 'POST', `${path}/pause`)).body['status']).toBe('paused');
      expect((await call(gateway, subscriber, 'GET', path)).body['status']).toBe('paused');
      expect((await call(gateway, subscriber, 'POST', `${path}/resume`)).body['status']).toBe('active');
      expect((await call(gateway, subscriber, 'DELETE', path)).status).toBe(204);
      expect((await call(gateway, subscriber, 'GET', path)).status).toBe(404);
      expect((await call(gateway, subscriber, 'DELETE', path)).body.code).toBe('unknown-subscription');
    });

    it('creates a webhook with a Standard Webhooks secret shown once, and replicates it', async () => {
      const answer = await create(
        subscriber,
        { types: [ENTERPRISE], delivery: { mode: 'webhook', url: 'http://127.0.0.1:9/hooks/lienthong' } },
        relaxed,
      );
      expect(answer.status).toBe(201);
      const view = answer.body as unknown as View;
      expect(view.delivery).toMatchObject({ mode: 'webhook', url: 'http://127.0.0.1:9/hooks/lienthong' });
      const secret = view.delivery.secret!;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64').length).toBeGreaterThanOrEqual(24);
      // The official library takes it as is.
      const webhook = new Webhook(secret);
      const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) };
      const signature = webhook.sign(
        'msg_1',
        new Date(Number(headers['webhook-timestamp']) * 1000),
        '{"a":1}',
      );
      expect(webhook.verify('{"a":1}', { ...headers, 'webhook-signature': signature })).toEqual({ a: 1 });

      const again = await call(relaxed, subscriber, 'GET', `/v1/subscriptions/${view.id}`);
      expect(again.body['delivery']).toEqual({ mode: 'webhook', url: 'http://127.0.0.1:9/hooks/lienthong' });
      // The other replica applies the same registry record.
      const replicated = await pollUntil(
        async () => {
          const r = await call(gateway, subscriber, 'GET', `/v1/subscriptions/${view.id}`);
          return r.status === 200 && r.body;
        },
        { timeoutMs: 15_000, description: 'subscription replicated' },
      );
      expect(replicated['delivery']).not.toHaveProperty('secret');
      const listed = (await call(gateway, subscriber, 'GET', '/v1/subscriptions')).body as unknown as View[];
      expect(listed.every((s) => s.delivery.secret === undefined)).toBe(true);
    });

    it('lets the personal-data grant holder project personal fields', async () => {
      const answer = await create(trusted, {
        types: [RESIDENCE],
        filter: { pointer: '/citizenId', exists: true },
        projection: ['/citizenId', '/fullName', '/address/provinceCode'],
        delivery: kafka,
        ...TEST_DISCLOSURE_BASIS,
      });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject(TEST_DISCLOSURE_BASIS);
    });

    it('asks the personal-data grant holder for a purpose and a legal basis, and lets it change them', async () => {
      const missing = await create(trusted, { types: [RESIDENCE], delivery: kafka });
      expect(missing.status).toBe(422);
      expect(missing.body['code']).toBe('disclosure-basis-required');
      expect(pointers(missing)).toEqual(['/purpose', '/legalBasis']);
      const { id } = (
        await create(trusted, { types: [RESIDENCE], delivery: kafka, ...TEST_DISCLOSURE_BASIS })
      ).body as unknown as View;
      const changed = await call(gateway, trusted, 'PATCH', `/v1/subscriptions/${id}`, {
        legalBasis: 'Nghị định 278/2025/NĐ-CP Điều 5',
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        legalBasis: 'Nghị định 278/2025/NĐ-CP Điều 5',
        purpose: TEST_DISCLOSURE_BASIS.purpose,
      });
      const bad = await call(gateway, trusted, 'PATCH', `/v1/subscriptions/${id}`, {
        legalBasis: 'because',
        types: [],
      });
      expect(bad.status).toBe(422);
      expect(pointers(bad).sort()).toEqual(['/legalBasis', '/types']);
      expect(
        (
          await call(gateway, stranger, 'PATCH', `/v1/subscriptions/${id}`, {
            legalBasis: 'Luật 91/2025/QH15',
          })
        ).status,
      ).toBe(404);
    });

    it('lets operators manage any agency subscription', async () => {
      const { id } = (await create(stranger, { types: [RESIDENCE], delivery: kafka }))
        .body as unknown as View;
      const operator = gateway.operator;
      expect((await call(gateway, operator, 'GET', `/v1/subscriptions/${id}`)).body['agency']).toBe(
        stranger.id,
      );
      expect((await call(gateway, operator, 'POST', `/v1/subscriptions/${id}/pause`)).body['status']).toBe(
        'paused',
      );
      expect((await call(gateway, operator, 'DELETE', `/v1/subscriptions/${id}`)).status).toBe(204);
    });
  });

  describe('replay, redrive and dead letters (the router runs them)', () => {
    it('writes replay and redrive commands for the router, answering 202', async () => {
      const { id } = (await create(subscriber, { types: [RESIDENCE], delivery: kafka }))
        .body as unknown as View;
      const since = '2026-11-01T08:00:00+07:00';
      const replay = await call(gateway, subscriber, 'POST', `/v1/subscriptions/${id}/replay`, { since });
      expect(replay.status).toBe(202);
      expect(replay.body).toMatchObject({
        kind: 'replay',
        subscriptionId: id,
        since: '2026-11-01T01:00:00.000Z',
      });
      const redrive = await call(gateway, subscriber, 'POST', `/v1/subscriptions/${id}/redrive`);
      expect(redrive).toMatchObject({ status: 202, body: { kind: 'redrive', subscriptionId: id } });
      expect(redrive.body).not.toHaveProperty('since');

      const kafkaClient = createKafkaClient({
        brokers: gateway.config.kafkaBrokers,
        clientId: 'subscriptions-e2e',
      });
      const commands = new RecordCollector(kafkaClient);
      await commands.start([ROUTER_COMMAND_TOPIC]);
      try {
        const written = await pollUntil(
          () => {
            const mine = commands.all
              .map((r) => parseRouterCommand(r.value))
              .filter((c): c is RouterCommand => c?.subscriptionId === id);
            return mine.length === 2 && mine;
          },
          { timeoutMs: 20_000, description: 'commands in the command topic' },
        );
        expect(written).toEqual([
          expect.objectContaining({
            kind: 'replay',
            commandId: replay.body['commandId'],
            since: '2026-11-01T01:00:00.000Z',
            requestedBy: subscriber.id,
          }),
          expect.objectContaining({ kind: 'redrive', commandId: redrive.body['commandId'] }),
        ]);
        expect(
          commands.all.find((r) => parseRouterCommand(r.value)?.subscriptionId === id)?.key?.toString(),
        ).toBe(id);
      } finally {
        await commands.stop();
      }
    });

    it.each([
      ['no body', undefined, ['/since']],
      ['no since', {}, ['/since']],
      ['a date without a time zone', { since: '2026-11-01T08:00:00' }, ['/since']],
      ['not a date', { since: 'yesterday' }, ['/since']],
      ['a time in the future', { since: new Date(Date.now() + 3_600_000).toISOString() }, ['/since']],
      ['an unknown member', { since: '2026-11-01T00:00:00Z', until: 'now' }, ['/until']],
    ])('refuses a replay with %s (422)', async (_name, body, expected) => {
      const { id } = (await create(subscriber, { types: [RESIDENCE], delivery: kafka }))
        .body as unknown as View;
      const answer = await call(gateway, subscriber, 'POST', `/v1/subscriptions/${id}/replay`, body);
      expect(answer).toMatchObject({ status: 422, body: { code: 'invalid-subscription-request' } });
      expect(pointers(answer)).toEqual(expected);
    });

    it('lists the dead letters of one subscription from lienthong.dlq, without payloads', async () => {
      const { id } = (await create(subscriber, { types: [RESIDENCE], delivery: kafka }))
        .body as unknown as View;
      const empty = await call(gateway, subscriber, 'GET', `/v1/subscriptions/${id}/dead-letters`);
      expect(empty).toMatchObject({
        status: 200,
        body: { subscriptionId: id, deadLetters: [], truncated: false },
      });

      const kafkaClient = createKafkaClient({
        brokers: gateway.config.kafkaBrokers,
        clientId: 'subscriptions-e2e',
      });
      // As the router writes them (see DELIVERY_HEADERS); one for another subscription.
      await ensureTopics(kafkaClient, [
        { topic: DEAD_LETTER_TOPIC, numPartitions: 3, replicationFactor: -1 },
      ]);
      const producer = kafkaClient.producer();
      await producer.connect();
      const letter = (subscription: string, n: number) => ({
        key: `m${n}`,
        value: Buffer.from(JSON.stringify({ citizenId: '001203012345' })),
        headers: {
          [CE_HEADERS.id]: `msg-${id}-${n}`,
          [CE_HEADERS.type]: RESIDENCE,
          [CE_HEADERS.source]: '000.00.00.G01',
          [DELIVERY_HEADERS.subscription]: subscription,
          [DELIVERY_HEADERS.deadLetterReason]: 'attempts-exhausted',
          [DELIVERY_HEADERS.lastError]: 'http 500',
          [DELIVERY_HEADERS.attempts]: '5',
          [DELIVERY_HEADERS.deadLetteredAt]: new Date(Date.UTC(2026, 10, 28, 0, 0, n)).toISOString(),
          [DELIVERY_HEADERS.origin]: `lienthong.records.${RESIDENCE}/0/${n}`,
        },
      });
      await producer.send({
        topic: DEAD_LETTER_TOPIC,
        acks: -1,
        messages: [letter(id, 1), letter(randomUUID(), 2), letter(id, 3)],
      });
      await producer.disconnect();

      const listed = await call(gateway, subscriber, 'GET', `/v1/subscriptions/${id}/dead-letters`);
      expect(listed.status).toBe(200);
      expect(listed.body).toMatchObject({ subscriptionId: id, truncated: false, complete: true });
      const deadLetters = listed.body['deadLetters'] as Record<string, unknown>[];
      expect(deadLetters).toEqual([
        expect.objectContaining({
          messageId: `msg-${id}-1`,
          type: RESIDENCE,
          source: '000.00.00.G01',
          reason: 'attempts-exhausted',
          lastError: 'http 500',
          attempts: 5,
          origin: `lienthong.records.${RESIDENCE}/0/1`,
        }),
        expect.objectContaining({ messageId: `msg-${id}-3` }),
      ]);
      expect(JSON.stringify(deadLetters)).not.toContain('001203012345');

      const limited = await call(gateway, subscriber, 'GET', `/v1/subscriptions/${id}/dead-letters?limit=1`);
      expect(limited.body).toMatchObject({ truncated: true, deadLetters: [{ messageId: `msg-${id}-3` }] });
      const badLimit = await call(gateway, subscriber, 'GET', `/v1/subscriptions/${id}/dead-letters?limit=0`);
      expect(badLimit).toMatchObject({ status: 400, body: { code: 'bad-request' } });
      for (const [method, suffix] of [
        ['GET', 'dead-letters'],
        ['POST', 'redrive'],
      ] as const) {
        const other = await call(gateway, stranger, method, `/v1/subscriptions/${id}/${suffix}`);
        expect(other).toMatchObject({ status: 404, body: { code: 'unknown-subscription' } });
      }
    });
  });

  describe('refusals', () => {
    it.each([
      [
        'a filter with an unknown operator',
        { filter: { pointer: '/registrationKind', matches: 'TAM.*' } },
        ['/filter/matches'],
      ],
      ['an empty or', { filter: { or: [] } }, ['/filter/or']],
      [
        'a filter on an unknown attribute',
        { filter: { attribute: 'time', equals: 'x' } },
        ['/filter/attribute'],
      ],
      [
        'a filter pointer without a slash',
        { filter: { pointer: 'registrationKind', equals: 'x' } },
        ['/filter/pointer'],
      ],
      ['a projection pointer with a bad escape', { projection: ['/registration~2Id'] }, ['/projection/0']],
      ['a pointer the schema cannot hold', { projection: ['/registrationId', '/adress'] }, ['/projection/1']],
      [
        'a filter pointer the schema cannot hold',
        { filter: { pointer: '/address/zip', exists: true } },
        ['/filter/pointer'],
      ],
      ['an unknown member', { colour: 'blue' }, ['/colour']],
      ['an unknown delivery mode', { delivery: { mode: 'email' } }, ['/delivery/mode']],
      [
        'a client-chosen secret',
        { delivery: { mode: 'webhook', url: 'https://8.8.8.8/x', secret: 'whsec_x' } },
        ['/delivery/secret'],
      ],
      ['no types', { types: [] }, ['/types']],
    ])('refuses %s with 422 and the failing pointer', async (_name, change, expected) => {
      const answer = await create(subscriber, { types: [RESIDENCE], delivery: kafka, ...change });
      expect(answer.status).toBe(422);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body.code).toBe('invalid-subscription-request');
      expect(pointers(answer)).toEqual(expected);
    });

    it('refuses malformed JSON and an empty body with 400', async () => {
      expect((await create(subscriber, '{"types": [')).body.code).toBe('malformed-json');
      expect((await create(subscriber, '{"types": [], "types": []}')).body.code).toBe('duplicate-json-key');
      const empty = await call(gateway, subscriber, 'POST', '/v1/subscriptions');
      expect(empty.status).toBe(400);
    });

    it('refuses an unknown type with 404', async () => {
      const answer = await create(subscriber, { types: [RESIDENCE, 'no.such.type'], delivery: kafka });
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('unknown-type');
      expect(pointers(answer)).toEqual(['/types/1']);
    });

    it('refuses a type without the subscribe grant with 403', async () => {
      const answer = await create(stranger, { types: [RESIDENCE, ENTERPRISE], delivery: kafka });
      expect(answer.status).toBe(403);
      expect(answer.body.code).toBe('forbidden');
      expect(pointers(answer)).toEqual(['/types/1']);
    });

    it('refuses an agency without the subscriber role with 403', async () => {
      const answer = await create(publisherOnly, { types: [RESIDENCE], delivery: kafka });
      expect(answer).toMatchObject({ status: 403, body: { code: 'forbidden' } });
      expect((await call(gateway, publisherOnly, 'GET', '/v1/subscriptions')).status).toBe(403);
    });

    it('refuses a request without a token with 401', async () => {
      expect((await call(gateway, undefined, 'GET', '/v1/subscriptions')).status).toBe(401);
      expect(
        (await call(gateway, undefined, 'POST', '/v1/subscriptions', { types: [RESIDENCE], delivery: kafka }))
          .status,
      ).toBe(401);
    });

    it('refuses personal data in a projection or a filter without the grant with 403, naming the pointers, in Vietnamese too', async () => {
      const request = {
        types: [RESIDENCE],
        filter: { pointer: '/citizenId', equals: '001203012345' },
        projection: ['/registrationId', '/fullName', '/address/detail'],
        delivery: kafka,
      };
      const answer = await create(subscriber, request);
      expect(answer.status).toBe(403);
      expect(answer.body.code).toBe('personal-data-not-granted');
      expect(pointers(answer)).toEqual(['/filter/pointer', '/projection/1', '/projection/2']);
      const vi = await call(gateway, subscriber, 'POST', '/v1/subscriptions', request, {
        'accept-language': 'vi',
      });
      expect(vi.body['title']).toBe('Đăng ký chạm tới dữ liệu cá nhân mà cơ quan chưa được cấp quyền');
      expect(vi.headers.get('content-language')).toBe('vi');
      // Whole records are fine: the router removes the personal fields.
      expect((await create(subscriber, { types: [RESIDENCE], delivery: kafka })).status).toBe(201);
    });

    it.each([
      ['plain http', 'http://hooks.example.org/lienthong', 'insecure-scheme'],
      ['credentials in the URL', 'https://user:secret@hooks.example.org/x', 'credentials-in-url'],
      ['loopback', 'https://127.0.0.1/x', 'forbidden-address'],
      ['loopback in decimal', 'https://2130706433/x', 'forbidden-address'],
      ['IPv6 loopback', 'https://[::1]:8443/x', 'forbidden-address'],
      ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/x', 'forbidden-address'],
      ['a private network', 'https://10.20.30.40/x', 'forbidden-address'],
      ['a private network (172.16/12)', 'https://172.16.5.4/x', 'forbidden-address'],
      ['a home network', 'https://192.168.1.1/x', 'forbidden-address'],
      ['a unique-local IPv6 address', 'https://[fd00::1]/x', 'forbidden-address'],
      ['link-local', 'https://169.254.10.1/x', 'forbidden-address'],
      ['the cloud metadata service', 'https://169.254.169.254/latest/meta-data/', 'forbidden-address'],
      ['the unspecified address', 'https://0.0.0.0/x', 'forbidden-address'],
      ['a host name resolving to loopback', 'https://localhost/x', 'forbidden-address'],
      ['a host name that does not resolve', 'https://lienthong-test.invalid/x', 'unresolvable-host'],
    ])('refuses a webhook to %s with 422', async (_name, url, reason) => {
      const answer = await create(subscriber, { types: [RESIDENCE], delivery: { mode: 'webhook', url } });
      expect(answer.status).toBe(422);
      expect(answer.body.code).toBe('webhook-url-refused');
      expect(answer.body.errors).toEqual([
        expect.objectContaining({ pointer: '/delivery/url', keyword: reason }),
      ]);
    });

    it('refuses the metadata service even where private networks are allowed', async () => {
      for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://0.0.0.0:8080/x']) {
        const answer = await create(
          subscriber,
          { types: [RESIDENCE], delivery: { mode: 'webhook', url } },
          relaxed,
        );
        expect(answer).toMatchObject({ status: 422, body: { code: 'webhook-url-refused' } });
      }
    });

    it('answers 404 for an unknown subscription', async () => {
      const path = `/v1/subscriptions/${randomUUID()}`;
      for (const [method, suffix] of [
        ['GET', ''],
        ['POST', '/pause'],
        ['POST', '/resume'],
        ['DELETE', ''],
      ] as const) {
        const answer = await call(gateway, subscriber, method, `${path}${suffix}`);
        expect(answer).toMatchObject({ status: 404, body: { code: 'unknown-subscription' } });
      }
    });

    it("answers 404 for another agency's subscription, and changes nothing", async () => {
      const { id } = (await create(subscriber, { types: [RESIDENCE], delivery: kafka }))
        .body as unknown as View;
      const path = `/v1/subscriptions/${id}`;
      for (const [method, suffix] of [
        ['GET', ''],
        ['POST', '/pause'],
        ['DELETE', ''],
      ] as const) {
        const answer = await call(gateway, stranger, method, `${path}${suffix}`);
        expect(answer).toMatchObject({ status: 404, body: { code: 'unknown-subscription' } });
      }
      expect((await call(gateway, subscriber, 'GET', path)).body['status']).toBe('active');
      const forbidden = await call(gateway, stranger, 'GET', `/v1/subscriptions?agency=${subscriber.id}`);
      expect(forbidden).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    });

    it('refuses an unknown query parameter with 400', async () => {
      const answer = await call(gateway, subscriber, 'GET', '/v1/subscriptions?status=active');
      expect(answer).toMatchObject({ status: 400, body: { code: 'bad-request' } });
    });
  });
});
