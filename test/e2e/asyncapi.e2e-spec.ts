import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { resolvePointer } from '@lienthong/schema';
import type { TestAgency } from '../support/agencies.util.js';
import { randomAgencyId } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';

const RUN = `r${randomBytes(4).toString('hex')}`;
const PERMIT = `asyncapi.${RUN}.permit`;
const LEGACY = `asyncapi.${RUN}.legacy`;
/** The agency that registers (and so owns) both types. */
const OWNER = randomAgencyId('G');

/** 2020-12 with shared definitions and recursion: references must survive embedding. */
const permitV1 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Giấy phép xây dựng',
  type: 'object',
  additionalProperties: false,
  required: ['permitNo', 'site'],
  properties: {
    permitNo: { type: 'string', pattern: '^GP-[0-9]{1,8}$', maxLength: 11 },
    site: { $ref: '#/$defs/address' },
    annex: { $ref: '#/$defs/annex' },
  },
  $defs: {
    address: {
      type: 'object',
      additionalProperties: false,
      required: ['communeCode'],
      properties: {
        communeCode: { type: 'string', pattern: '^[0-9]{5}$', maxLength: 5 },
        parent: { $ref: '#/$defs/address' },
      },
    },
    annex: { type: 'string', maxLength: 100 },
  },
};
const permitMetadata = {
  owner: OWNER,
  description: { vi: 'Giấy phép xây dựng', en: 'Building permit' },
  keyPointer: '/permitNo',
  personalData: [],
  examples: [
    { permitNo: 'GP-1', site: { communeCode: '00001' } },
    { permitNo: 'GP-2', site: { communeCode: '00004', parent: { communeCode: '00001' } }, annex: 'A' },
  ],
};
const legacyV1 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['code'],
  properties: { code: { type: 'string', maxLength: 10 } },
};

describe('GET /asyncapi.json', () => {
  let gateway: RunningGateway;
  let integrator: TestAgency;

  const register = async (type: string, schema: unknown, metadata: unknown): Promise<number> => {
    const response = await fetch(`${gateway.url}/v1/schemas/${type}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...integrator.auth() },
      body: JSON.stringify({ schema, metadata }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { version: number }).version;
  };
  const fetchDocument = async (): Promise<{ text: string; at: (pointer: string) => unknown }> => {
    const response = await fetch(`${gateway.url}/asyncapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(
      /^application\/vnd\.aai\.asyncapi\+json;version=3\.0\.0/,
    );
    const text = await response.text();
    const json: unknown = JSON.parse(text);
    return { text, at: (pointer) => resolvePointer(json, pointer) };
  };

  beforeAll(async () => {
    gateway = await startGateway({ ASYNCAPI_KAFKA_SERVER: 'kafka.lienthong.example.gov.vn:9093' });
    integrator = await gateway.createAgency({ id: OWNER, roles: ['integrator'] });
    await register(PERMIT, permitV1, permitMetadata);
    await register(LEGACY, legacyV1, { ...permitMetadata, keyPointer: '/code', examples: [{ code: 'X1' }] });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('is a valid AsyncAPI 3.0 document according to @asyncapi/parser', async () => {
    const { text } = await fetchDocument();
    const { document, diagnostics } = await new Parser().parse(text);
    // No errors, and no warnings either (what remains is information, e.g. that 3.1.0 exists).
    const problems = diagnostics.filter(
      (d) => (d.severity as number) <= (DiagnosticSeverity.Warning as number),
    );
    expect(problems.map((d) => `${d.code}: ${d.message} at ${d.path.join('/')}`)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
    // Every registered type is a channel on its record topic, with a send operation.
    const addresses = document!
      .channels()
      .all()
      .map((c) => c.address());
    expect(addresses).toEqual(
      expect.arrayContaining([
        `lienthong.records.${PERMIT}`,
        `lienthong.records.${LEGACY}`,
        'lienthong.records.residence.registration',
      ]),
    );
    const operation = document!
      .operations()
      .all()
      .find((o) => o.channels().all()[0]?.address() === `lienthong.records.${PERMIT}`);
    expect(operation?.action()).toBe('send');
    expect(
      document!
        .servers()
        .all()
        .map((server) => [server.host(), server.protocol()]),
    ).toEqual([['kafka.lienthong.example.gov.vn:9093', 'kafka']]);
    // What subscribers receive: their inbox topic and their webhook, each type a message of both.
    const inbox = document!.channels().get('inbox');
    expect(inbox?.address()).toBe('lienthong.inbox.{agency}');
    expect(
      inbox
        ?.messages()
        .all()
        .map((m) => m.name()),
    ).toEqual(expect.arrayContaining([`${PERMIT}.inbox`]));
    expect(
      document!
        .channels()
        .get('webhook')
        ?.messages()
        .all()
        .map((m) => m.name()),
    ).toEqual(expect.arrayContaining([`${PERMIT}.webhook`]));
  });

  it('never names the brokers the gateway itself uses', async () => {
    const { text } = await fetchDocument();
    for (const broker of gateway.config.kafkaBrokers) expect(text).not.toContain(broker);
    const plain = await startGateway();
    try {
      const response = await fetch(`${plain.url}/asyncapi.json`);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body['servers']).toBeUndefined();
      expect(JSON.stringify(body)).not.toContain(plain.config.kafkaBrokers[0]!);
    } finally {
      await plain.close();
    }
  });

  it('describes each message with the latest schema, its examples and the CloudEvents headers', async () => {
    const { at } = await fetchDocument();
    expect(at(`/channels/${PERMIT}`)).toMatchObject({
      address: `lienthong.records.${PERMIT}`,
      messages: { record: { $ref: `#/components/messages/${PERMIT}` } },
    });
    const message = `/components/messages/${PERMIT}`;
    expect(at(`${message}/payload`)).toEqual({ $ref: `#/components/schemas/${PERMIT}.v1` });
    expect((at(`${message}/examples`) as { payload: unknown }[]).map((e) => e.payload)).toEqual(
      permitMetadata.examples,
    );
    expect(at(`${message}/examples/1/headers`)).toMatchObject({
      ce_type: PERMIT,
      ce_subject: 'GP-2',
      ce_source: OWNER,
    });
    expect(Object.keys(at(`${message}/headers/properties`) as object)).toEqual(
      expect.arrayContaining([
        'ce_specversion',
        'ce_id',
        'ce_source',
        'ce_type',
        'ce_time',
        'ce_dataschema',
        'ce_subject',
        'content-type',
      ]),
    );
    const permit = `/components/schemas/${PERMIT}.v1`;
    const legacy = `/components/schemas/${LEGACY}.v1`;
    expect(at(`${permit}/schemaFormat`)).toBe('application/schema+json;version=2020-12');
    expect(at(`${legacy}/schemaFormat`)).toBe('application/schema+json;version=draft-07');
    expect(at(`${legacy}/schema`)).toEqual(legacyV1);
    // The payload is the registered schema, its references re-rooted inside the document.
    expect(at(`${permit}/schema/properties/site/$ref`)).toBe(`#${permit}/schema/$defs/address`);
    expect(at(`${permit}/schema/properties/annex/$ref`)).toBe(`#${permit}/schema/$defs/annex`);
    expect(at(`${permit}/schema/$defs/address/properties/parent/$ref`)).toBe(
      `#${permit}/schema/$defs/address`,
    );
    expect(at(`${permit}/schema/properties/permitNo`)).toEqual(permitV1.properties.permitNo);
    expect(at(`${permit}/schema/title`)).toBe(permitV1.title);
  });

  it('follows the registry: a new version replaces the message payload, a disabled one is skipped', async () => {
    const v2 = {
      ...legacyV1,
      properties: { ...legacyV1.properties, note: { type: 'string', maxLength: 50 } },
    };
    expect(
      await register(LEGACY, v2, {
        ...permitMetadata,
        keyPointer: '/code',
        examples: [{ code: 'X2', note: 'n' }],
      }),
    ).toBe(2);
    let { at } = await fetchDocument();
    expect(at(`/components/messages/${LEGACY}/payload`)).toEqual({
      $ref: `#/components/schemas/${LEGACY}.v2`,
    });
    const disabled = await fetch(`${gateway.url}/v1/schemas/${LEGACY}/versions/2/state`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...integrator.auth() },
      body: JSON.stringify({ state: 'disabled' }),
    });
    expect(disabled.status).toBe(200);
    ({ at } = await fetchDocument());
    expect(at(`/components/messages/${LEGACY}/payload`)).toEqual({
      $ref: `#/components/schemas/${LEGACY}.v1`,
    });
    expect(at(`/components/schemas/${LEGACY}.v2`)).toBeUndefined();
  });

  it('needs no access token', async () => {
    const response = await fetch(`${gateway.url}/asyncapi.json`, {
      headers: { authorization: 'Bearer nonsense' },
    });
    expect(response.status).toBe(200);
  });
});
