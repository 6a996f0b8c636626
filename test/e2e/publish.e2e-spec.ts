import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createKafkaClient } from '@lienthong/kafka';
import { resolvePointer } from '@lienthong/schema';
import type { Kafka } from 'kafkajs';
import { readCatalogueFixtures } from '../support/catalogue-fixtures.util.js';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector, topicEndOffsets } from '../support/record-collector.util.js';

const fixtures = readCatalogueFixtures();
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('POST /v1/messages/{type} against a real broker', () => {
  let gateway: RunningGateway;
  let kafka: Kafka;
  let collector: RecordCollector;
  let publisher: TestAgency;

  beforeAll(async () => {
    gateway = await startGateway();
    publisher = await gateway.publisher();
    kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: 'e2e-reader' });
    collector = new RecordCollector(kafka);
    await collector.start(fixtures.map((f) => `lienthong.records.${f.type}`));
  });

  afterAll(async () => {
    await collector?.stop();
    await gateway?.close();
  });

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...publisher.auth(), ...headers },
      body,
    });

  it('has a catalogue with ok and not-ok corpora', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(3);
    for (const f of fixtures) {
      expect(f.ok.length).toBeGreaterThanOrEqual(3);
      expect(f.notOk.length).toBeGreaterThanOrEqual(3);
    }
  });

  describe.each(fixtures.map((f) => [f.type, f] as const))('%s', (type, fixture) => {
    it('accepts every ok example and Kafka holds it byte for byte with CloudEvents headers', async () => {
      for (const [i, example] of fixture.ok.entries()) {
        // Odd but legal formatting: the value in Kafka must be these bytes, not a re-serialisation.
        const body = Buffer.from(`\n  ${JSON.stringify(example, null, i % 2 === 0 ? 2 : 0)}\t\n`, 'utf8');
        const traceparent = `00-${'4bf92f3577b34da6a3ce929d0e0e4736'}-${'00f067aa0ba902b7'}-01`;
        const response = await post(`/v1/messages/${type}`, body, { traceparent });
        expect(response.status).toBe(202);
        const receipt = (await response.json()) as Record<string, unknown>;
        expect(receipt).toEqual({
          id: expect.stringMatching(UUID_V7),
          type,
          schemaVersion: fixture.version,
          topic: `lienthong.records.${type}`,
          partition: expect.any(Number),
          offset: expect.stringMatching(/^[0-9]+$/),
          acceptedAt: expect.any(String),
          receipt: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        });
        const id = receipt['id'] as string;
        const record = await pollUntil(() => collector.byId.get(id), { timeoutMs: 30_000 });
        expect(record.topic).toBe(`lienthong.records.${type}`);
        expect(record.partition).toBe(receipt['partition']);
        expect(record.offset).toBe(receipt['offset']);
        expect(record.value?.equals(body)).toBe(true);
        expect(record.key?.toString('utf8')).toBe(String(resolvePointer(example, fixture.keyPointer)));
        expect(record.headers).toEqual({
          ce_specversion: '1.0',
          ce_id: id,
          ce_source: publisher.id,
          ce_type: type,
          ce_time: receipt['acceptedAt'],
          ce_dataschema: `urn:lienthong:schema:${type}:${fixture.version}`,
          ce_subject: String(resolvePointer(example, fixture.keyPointer)),
          'content-type': 'application/json',
          traceparent,
        });
      }
    });

    it('refuses every not-ok example with its failing pointers and writes nothing', async () => {
      const before = await topicEndOffsets(kafka, `lienthong.records.${type}`);
      for (const c of fixture.notOk) {
        const response = await post(`/v1/messages/${type}`, JSON.stringify(c.payload));
        expect({ name: c.name, status: response.status }).toEqual({ name: c.name, status: 422 });
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        const problem = (await response.json()) as { code: string; errors: { pointer: string }[] };
        expect(problem.code).toBe('validation-failed');
        expect({ name: c.name, pointers: [...new Set(problem.errors.map((e) => e.pointer))].sort() }).toEqual(
          {
            name: c.name,
            pointers: [...c.expectedPointers].sort(),
          },
        );
      }
      expect(await topicEndOffsets(kafka, `lienthong.records.${type}`)).toBe(before);
    });
  });

  describe('refusals before validation', () => {
    const type = fixtures[0]!.type;
    const valid = JSON.stringify(fixtures[0]!.ok[0]);
    const cases: {
      name: string;
      path?: string;
      body: string | Buffer;
      headers?: Record<string, string>;
      status: number;
      code: string;
    }[] = [
      {
        name: 'unknown type',
        path: '/v1/messages/no.such-type',
        body: valid,
        status: 404,
        code: 'unknown-type',
      },
      {
        name: 'type with illegal characters',
        path: '/v1/messages/..%2F..',
        body: valid,
        status: 400,
        code: 'invalid-type-name',
      },
      ...['Upper.Case', 'a..b', `a.${'b'.repeat(99)}`].flatMap((name) => [
        {
          name: `invalid type name ${name.slice(0, 12)}`,
          path: `/v1/messages/${name}`,
          body: valid,
          status: 400,
          code: 'invalid-type-name',
        },
        {
          name: `invalid type name ${name.slice(0, 12)}, batch`,
          path: `/v1/messages/${name}/batch`,
          body: `[${valid}]`,
          status: 400,
          code: 'invalid-type-name',
        },
      ]),
      { name: 'malformed JSON', body: '{"citizenId": ', status: 400, code: 'malformed-json' },
      {
        name: 'not UTF-8',
        body: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
        status: 400,
        code: 'malformed-json',
      },
      {
        name: '__proto__ key',
        body: valid.replace(/^\{/, '{"__proto__":{"isAdmin":true},'),
        status: 400,
        code: 'forbidden-json-key',
      },
      {
        name: 'constructor key',
        body: valid.replace(/^\{/, '{"constructor":{"prototype":{}},'),
        status: 400,
        code: 'forbidden-json-key',
      },
      {
        name: 'duplicate key',
        body: valid.replace(/\}$/, `,${valid.slice(1, valid.indexOf(','))}}`),
        status: 400,
        code: 'duplicate-json-key',
      },
      {
        name: 'integer beyond 2^53-1',
        body: valid.replace(/^\{/, '{"big":9007199254740993,'),
        status: 400,
        code: 'unsafe-integer',
      },
      {
        name: 'lone surrogate escape',
        body: valid.replace(/^\{/, '{"s":"\\ud800",'),
        status: 400,
        code: 'malformed-json',
      },
      { name: 'too deep', body: '['.repeat(100) + ']'.repeat(100), status: 400, code: 'json-too-deep' },
      { name: 'empty body', body: '', status: 400, code: 'empty-body' },
      {
        name: 'text/plain',
        body: valid,
        headers: { 'content-type': 'text/plain' },
        status: 415,
        code: 'unsupported-media-type',
      },
      {
        name: 'form encoded',
        body: 'a=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        status: 415,
        code: 'unsupported-media-type',
      },
      {
        name: 'latin1 charset',
        body: valid,
        headers: { 'content-type': 'application/json; charset=iso-8859-1' },
        status: 415,
        code: 'unsupported-media-type',
      },
      {
        name: 'over the size limit',
        body: `{"pad":"${'x'.repeat(1_100_000)}"}`,
        status: 413,
        code: 'payload-too-large',
      },
      {
        name: 'unknown schema version',
        body: valid,
        headers: { 'lienthong-schema-version': '99' },
        status: 404,
        code: 'unknown-schema-version',
      },
      {
        name: 'malformed schema version',
        body: valid,
        headers: { 'lienthong-schema-version': '1; drop' },
        status: 400,
        code: 'invalid-header',
      },
      {
        name: 'bad traceparent',
        body: valid,
        headers: { traceparent: 'not-a-trace' },
        status: 400,
        code: 'invalid-header',
      },
    ];

    it.each(cases)('$name -> $status $code, nothing written', async (c) => {
      const topic = `lienthong.records.${type}`;
      const before = await topicEndOffsets(kafka, topic);
      const response = await post(c.path ?? `/v1/messages/${type}`, c.body, c.headers);
      expect(response.status).toBe(c.status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await response.json()) as Record<string, unknown>;
      expect(problem).toMatchObject({
        status: c.status,
        code: c.code,
        type: `urn:lienthong:problem:${c.code}`,
      });
      expect(typeof problem['title']).toBe('string');
      expect(await topicEndOffsets(kafka, topic)).toBe(before);
    });

    it('answers in Vietnamese when asked', async () => {
      const response = await post('/v1/messages/no.such-type', valid, {
        'accept-language': 'vi-VN,vi;q=0.9',
      });
      expect(response.headers.get('content-language')).toBe('vi');
      const problem = (await response.json()) as { title: string; detail: string };
      expect(problem.title).toBe('Loại thông điệp không tồn tại');
      expect(problem.detail).toContain('Chưa đăng ký');
    });

    it('names the closest registered type when the name is mistyped', async () => {
      const typo = `${type.slice(0, -2)}${type.at(-1)}`; // one letter dropped
      const response = await post(`/v1/messages/${typo}`, valid);
      expect(response.status).toBe(404);
      const problem = (await response.json()) as { code: string; detail: string };
      expect(problem).toMatchObject({
        code: 'unknown-type',
        detail: expect.stringContaining(`Did you mean "${type}"?`),
      });
    });

    it.each<Record<string, string>>([
      { ce_source: '999.99.99.Z99' },
      { 'ce-id': 'forged' },
      { 'lienthong-publisher-signature': 'forged' },
    ])('refuses a client setting gateway-owned header %j, writing nothing', async (headers) => {
      const topic = `lienthong.records.${type}`;
      const before = await topicEndOffsets(kafka, topic);
      const response = await post(`/v1/messages/${type}`, valid, headers);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe('gateway-owned-header');
      expect(await topicEndOffsets(kafka, topic)).toBe(before);
    });

    it('returns 404 problem+json for an unknown route', async () => {
      const response = await fetch(`${gateway.url}/v1/nothing-here`, { headers: publisher.auth() });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { code: string }).code).toBe('route-not-found');
    });
  });

  describe('health', () => {
    it('is live and ready while Kafka answers', async () => {
      expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
      const ready = await fetch(`${gateway.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'up', checks: { kafka: 'up', registry: 'up' } });
    });
  });
});
