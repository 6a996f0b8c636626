import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { TestAgency } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';

const RUN = `r${randomBytes(4).toString('hex')}`;
const SUBJECT = `ccompat.${RUN}.invoice`;
const CONFLUENT_JSON = 'application/vnd.schemaregistry.v1+json';

/** A draft-07 schema, as most Confluent JSON Schema users write them, with the key Lienthong needs. */
const invoiceV1 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Hoá đơn điện tử',
  description: 'Electronic invoice issued by a taxpayer',
  type: 'object',
  additionalProperties: false,
  required: ['invoiceNo', 'total'],
  properties: {
    invoiceNo: { type: 'string', minLength: 1, maxLength: 30 },
    total: { type: 'integer', minimum: 0, maximum: 1_000_000_000_000 },
  },
  'x-lienthong-key': '/invoiceNo',
};
const invoiceV2 = {
  ...invoiceV1,
  properties: { ...invoiceV1.properties, buyerTaxCode: { type: 'string', maxLength: 14 } },
};
/** Incompatible with v2 under BACKWARD: `total` narrowed from integer to a string. */
const invoiceBroken = {
  ...invoiceV2,
  properties: { ...invoiceV2.properties, total: { type: 'string', maxLength: 20 } },
};

type ClientMiddleware = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>[number];

/** Confluent clients authenticate however their HTTP layer allows; here a Bearer access token. */
const bearer =
  (agency: TestAgency): ClientMiddleware =>
  () => ({ request: (request) => request.enhance({ headers: agency.auth() }) });

interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
}

describe('Confluent-compatible subset (/ccompat) with a real Confluent client', () => {
  let gateway: RunningGateway;
  /** The agency the Confluent client registers as (integrator role). */
  let integrator: TestAgency;
  let registry: SchemaRegistry;
  const client = (options: ConstructorParameters<typeof SchemaRegistry>[1], as: TestAgency = integrator) =>
    new SchemaRegistry({ host: `${gateway.url}/ccompat`, middlewares: [bearer(as)] }, options);

  /** Calls `/ccompat` as `caller` (the integrator by default; null: without a token). */
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    caller: TestAgency | null = integrator,
  ): Promise<Answer> => {
    const response = await fetch(`${gateway.url}/ccompat${path}`, {
      method,
      headers: {
        ...(caller ? caller.auth() : {}),
        ...(body === undefined ? {} : { 'content-type': CONFLUENT_JSON }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: text ? JSON.parse(text) : undefined,
    };
  };
  const submit = (schema: unknown, schemaType: string | undefined = 'JSON'): Record<string, unknown> => ({
    schema: typeof schema === 'string' ? schema : JSON.stringify(schema),
    ...(schemaType === undefined ? {} : { schemaType }),
  });

  beforeAll(async () => {
    gateway = await startGateway();
    integrator = await gateway.createAgency({ roles: ['integrator'] });
    // The client compiles schemas with its own ajv; strict mode off for the `x-lienthong-*` keywords.
    registry = client({ [SchemaType.JSON]: { strict: false } });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  describe('@kafkajs/confluent-schema-registry', () => {
    let id: number;

    it('registers a JSON schema', async () => {
      const result = await registry.register(
        { type: SchemaType.JSON, schema: JSON.stringify(invoiceV1) },
        { subject: SUBJECT },
      );
      expect(result.id).toEqual(expect.any(Number));
      id = result.id;
      // The client set the subject's level on first registration (GET config -> 404 -> PUT).
      expect((await call('GET', `/config/${SUBJECT}`)).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    });

    it('fetches it back: latest id, and the schema by id', async () => {
      expect(await registry.getLatestSchemaId(SUBJECT)).toBe(id);
      expect(await registry.getRegistryId(SUBJECT, 1)).toBe(id);
      const schema = await registry.getSchema(id);
      expect(schema.isValid({ invoiceNo: 'HD-1', total: 1 })).toBe(true);
    });

    it('encodes and decodes a record (Confluent wire format) with the registered schema', async () => {
      const payload = { invoiceNo: 'HD-0001', total: 1_250_000 };
      const encoded = await registry.encode(id, payload);
      expect(encoded[0]).toBe(0);
      expect(encoded.readInt32BE(1)).toBe(id);
      const fresh = client({ [SchemaType.JSON]: { strict: false } });
      expect(await fresh.decode(encoded)).toEqual(payload);
      await expect(registry.encode(id, { invoiceNo: 'HD-2', total: 'many' })).rejects.toThrow(
        /invalid payload/,
      );
    });

    it('registers the same schema again under the same id, and a compatible v2 under a new one', async () => {
      const again = await registry.register(
        { type: SchemaType.JSON, schema: JSON.stringify(invoiceV1) },
        { subject: SUBJECT },
      );
      expect(again.id).toBe(id);
      const v2 = await registry.register(
        { type: SchemaType.JSON, schema: JSON.stringify(invoiceV2) },
        { subject: SUBJECT },
      );
      expect(v2.id).not.toBe(id);
      expect(await registry.getLatestSchemaId(SUBJECT)).toBe(v2.id);
      expect(
        await registry.getRegistryIdBySchema(SUBJECT, {
          type: SchemaType.JSON,
          schema: JSON.stringify(invoiceV1),
        }),
      ).toBe(id);
    });

    it('surfaces an incompatible schema as the client’s error', async () => {
      await expect(
        registry.register(
          { type: SchemaType.JSON, schema: JSON.stringify(invoiceBroken) },
          { subject: SUBJECT },
        ),
      ).rejects.toThrow(/not compatible|incompatible/i);
    });

    it('refuses a schema without x-lienthong-key, saying what to add', async () => {
      const { 'x-lienthong-key': _key, ...keyless } = invoiceV1;
      await expect(
        registry.register(
          { type: SchemaType.JSON, schema: JSON.stringify(keyless) },
          { subject: `ccompat.${RUN}.keyless` },
        ),
      ).rejects.toThrow(/x-lienthong-key/);
    });

    it('works with JSON Schema 2020-12 given an ajv 2020 instance', async () => {
      const subject = `ccompat.${RUN}.receipt`;
      const schema = {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        additionalProperties: false,
        required: ['receiptNo'],
        properties: {
          receiptNo: { type: 'string', maxLength: 20 },
          lines: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 5 } },
        },
        'x-lienthong-key': '/receiptNo',
      };
      const client2020 = client({ [SchemaType.JSON]: { ajvInstance: new Ajv2020({ strict: false }) } });
      const { id: receiptId } = await client2020.register(
        { type: SchemaType.JSON, schema: JSON.stringify(schema) },
        { subject },
      );
      const payload = { receiptNo: 'BL-9', lines: ['a'] };
      expect(await client2020.decode(await client2020.encode(receiptId, payload))).toEqual(payload);
    });
  });

  describe('access', () => {
    it('answers 401 in Confluent’s shape without an access token', async () => {
      const answer = await call('GET', '/subjects', undefined, null);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error_code: 401, message: expect.any(String) });
      const anonymous = new SchemaRegistry({ host: `${gateway.url}/ccompat`, retry: { retries: 0 } });
      await expect(anonymous.getLatestSchemaId(SUBJECT)).rejects.toThrow();
    });

    it('lets any agency read, and only integrators write', async () => {
      const reader = await gateway.createAgency({ roles: ['subscriber'] });
      const readerClient = client({ [SchemaType.JSON]: { strict: false } }, reader);
      expect(await readerClient.getLatestSchemaId(SUBJECT)).toEqual(expect.any(Number));
      await expect(
        readerClient.register(
          { type: SchemaType.JSON, schema: JSON.stringify({ ...invoiceV2, title: 'by a reader' }) },
          { subject: SUBJECT },
        ),
      ).rejects.toThrow(/integrator/);
      const answer = await call('PUT', `/config/${SUBJECT}`, { compatibility: 'NONE' }, reader);
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ error_code: 403, message: expect.any(String) });
      expect((await call('GET', `/config/${SUBJECT}`)).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    });
  });

  describe('what the Lienthong API sees of a Confluent registration', () => {
    it('derived the metadata from the schema and the caller', async () => {
      const response = await fetch(`${gateway.url}/v1/schemas/${SUBJECT}/versions/1`, {
        headers: integrator.auth(),
      });
      const view = (await response.json()) as { metadata: Record<string, unknown>; schema: unknown };
      expect(view.schema).toEqual(invoiceV1);
      expect(view.metadata).toEqual({
        owner: integrator.id,
        description: { vi: invoiceV1.description, en: invoiceV1.description },
        keyPointer: '/invoiceNo',
        personalData: [],
        signatureRequired: false,
        examples: [],
      });
    });
  });

  describe('the REST endpoints in Confluent’s shapes', () => {
    it('lists subjects and versions', async () => {
      const subjects = await call('GET', '/subjects');
      expect(subjects.status).toBe(200);
      expect(subjects.contentType).toMatch(/^application\/vnd\.schemaregistry\.v1\+json/);
      expect(subjects.body).toEqual(expect.arrayContaining([SUBJECT, 'residence.registration']));
      expect((await call('GET', `/subjects/${SUBJECT}/versions`)).body).toEqual([1, 2]);
    });

    it('returns a version by number, latest and -1', async () => {
      const v1 = await call('GET', `/subjects/${SUBJECT}/versions/1`);
      expect(v1.body).toEqual({
        subject: SUBJECT,
        version: 1,
        id: expect.any(Number),
        schemaType: 'JSON',
        schema: expect.any(String),
      });
      expect(JSON.parse((v1.body as { schema: string }).schema)).toEqual(invoiceV1);
      expect((await call('GET', `/subjects/${SUBJECT}/versions/latest`)).body).toMatchObject({ version: 2 });
      expect((await call('GET', `/subjects/${SUBJECT}/versions/-1`)).body).toMatchObject({ version: 2 });
      expect((await call('GET', `/subjects/${SUBJECT}/versions/1/schema`)).body).toEqual(invoiceV1);
    });

    it('returns a schema by id', async () => {
      const { id } = (await call('GET', `/subjects/${SUBJECT}/versions/2`)).body as { id: number };
      const byId = await call('GET', `/schemas/ids/${id}`);
      expect(byId.body).toEqual({ schemaType: 'JSON', schema: expect.any(String) });
      expect(JSON.parse((byId.body as { schema: string }).schema)).toEqual(invoiceV2);
      expect((await call('GET', '/schemas/types')).body).toEqual(['JSON']);
    });

    it('checks compatibility against a version', async () => {
      const path = `/compatibility/subjects/${SUBJECT}/versions/latest`;
      expect((await call('POST', path, submit(invoiceV2))).body).toEqual({ is_compatible: true });
      expect((await call('POST', path, submit(invoiceBroken))).body).toEqual({ is_compatible: false });
      const verbose = await call('POST', `${path}?verbose=true`, submit(invoiceBroken));
      expect(verbose.body).toEqual({
        is_compatible: false,
        messages: expect.arrayContaining([expect.stringContaining('total')]),
      });
      expect(
        (await call('POST', `/compatibility/subjects/${SUBJECT}/versions/1`, submit(invoiceV1))).body,
      ).toEqual({
        is_compatible: true,
      });
    });

    it('reads and sets a subject’s level, and the global one', async () => {
      expect((await call('PUT', `/config/${SUBJECT}`, { compatibility: 'FULL' })).body).toEqual({
        compatibility: 'FULL',
      });
      expect((await call('GET', `/config/${SUBJECT}`)).body).toEqual({ compatibilityLevel: 'FULL' });
      expect((await call('PUT', `/config/${SUBJECT}`, { compatibility: 'BACKWARD' })).body).toEqual({
        compatibility: 'BACKWARD',
      });
      const global = await call('GET', '/config');
      expect(global.body).toEqual({ compatibilityLevel: expect.any(String) });
      const unconfigured = await call('GET', '/config/residence.registration?defaultToGlobal=true');
      expect(unconfigured.body).toEqual(global.body);
    });

    it('registers over raw HTTP with Confluent’s media type', async () => {
      const subject = `ccompat.${RUN}.raw`;
      const answer = await call('POST', `/subjects/${subject}/versions`, {
        ...submit({ ...invoiceV1, title: 'raw' }),
        references: [],
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ id: expect.any(Number) });
      const lookup = await call('POST', `/subjects/${subject}`, submit({ ...invoiceV1, title: 'raw' }));
      expect(lookup.body).toMatchObject({ subject, version: 1, id: (answer.body as { id: number }).id });
    });

    const errors: {
      name: string;
      method: string;
      path: string;
      body?: unknown;
      status: number;
      code: number;
    }[] = [
      {
        name: 'an unknown subject',
        method: 'GET',
        path: `/subjects/ccompat.${RUN}.none/versions`,
        status: 404,
        code: 40401,
      },
      {
        name: 'a subject that is no type name',
        method: 'GET',
        path: '/subjects/Invoices-value/versions/1',
        status: 404,
        code: 40401,
      },
      {
        name: 'an unknown version',
        method: 'GET',
        path: `/subjects/${SUBJECT}/versions/7`,
        status: 404,
        code: 40402,
      },
      {
        name: 'an invalid version',
        method: 'GET',
        path: `/subjects/${SUBJECT}/versions/0`,
        status: 422,
        code: 42202,
      },
      { name: 'an unknown id', method: 'GET', path: '/schemas/ids/999999999', status: 404, code: 40403 },
      {
        name: 'a lookup of a schema never registered',
        method: 'POST',
        path: `/subjects/${SUBJECT}`,
        body: submit(invoiceBroken),
        status: 404,
        code: 40403,
      },
      {
        name: 'a subject without its own level',
        method: 'GET',
        path: `/config/ccompat.${RUN}.none`,
        status: 404,
        code: 40408,
      },
      {
        name: 'an Avro schema (no schemaType)',
        method: 'POST',
        path: `/subjects/${SUBJECT}/versions`,
        body: submit('{"type":"record","name":"x","fields":[]}', undefined),
        status: 422,
        code: 42201,
      },
      {
        name: 'a Protobuf schema',
        method: 'POST',
        path: `/subjects/${SUBJECT}/versions`,
        body: submit('syntax = "proto3";', 'PROTOBUF'),
        status: 422,
        code: 42201,
      },
      {
        name: 'a schema string that is not JSON',
        method: 'POST',
        path: `/subjects/${SUBJECT}/versions`,
        body: submit('{"type":'),
        status: 422,
        code: 42201,
      },
      {
        name: 'cross-subject references',
        method: 'POST',
        path: `/subjects/${SUBJECT}/versions`,
        body: { ...submit(invoiceV1), references: [{ name: 'a', subject: 'b', version: 1 }] },
        status: 422,
        code: 42201,
      },
      {
        name: 'an unknown field',
        method: 'POST',
        path: `/subjects/${SUBJECT}/versions`,
        body: { ...submit(invoiceV1), ruleSet: {} },
        status: 422,
        code: 422,
      },
      {
        name: 'an unsafe schema',
        method: 'POST',
        path: `/subjects/${SUBJECT}/versions`,
        body: submit({
          ...invoiceV2,
          properties: {
            ...invoiceV2.properties,
            invoiceNo: { type: 'string', maxLength: 30, pattern: '(a)\\1' },
          },
        }),
        status: 422,
        code: 42201,
      },
      {
        name: 'an incompatible schema',
        method: 'POST',
        path: `/subjects/${SUBJECT}/versions`,
        body: submit(invoiceBroken),
        status: 409,
        code: 409,
      },
      {
        name: 'a subject that cannot be a type',
        method: 'POST',
        path: '/subjects/Invoices-value/versions',
        body: submit(invoiceV1),
        status: 422,
        code: 42208,
      },
      {
        name: 'an invalid level',
        method: 'PUT',
        path: `/config/${SUBJECT}`,
        body: { compatibility: 'SOMETIMES' },
        status: 422,
        code: 42203,
      },
      {
        name: 'malformed JSON',
        method: 'POST',
        path: `/subjects/${SUBJECT}/versions`,
        body: '{"schema":',
        status: 400,
        code: 400,
      },
      { name: 'an unknown route', method: 'GET', path: '/mode', status: 404, code: 404 },
      { name: 'a delete', method: 'DELETE', path: `/subjects/${SUBJECT}`, status: 405, code: 405 },
    ];

    it.each(errors)('$status {error_code: $code} for $name', async ({ method, path, body, status, code }) => {
      const answer = await call(method, path, body);
      expect(answer.status).toBe(status);
      expect(answer.contentType).toMatch(/^application\/vnd\.schemaregistry\.v1\+json/);
      expect(answer.body).toEqual({ error_code: code, message: expect.any(String) });
    });

    it('415 {error_code: 415} for a body that is not JSON', async () => {
      const response = await fetch(`${gateway.url}/ccompat/subjects/${SUBJECT}/versions`, {
        method: 'POST',
        headers: { ...integrator.auth(), 'content-type': 'application/x-www-form-urlencoded' },
        body: 'schema=%7B%7D&schemaType=JSON',
      });
      expect(response.status).toBe(415);
      expect(await response.json()).toEqual({ error_code: 415, message: expect.any(String) });
    });

    it('registered nothing for the refused requests', async () => {
      expect((await call('GET', `/subjects/${SUBJECT}/versions`)).body).toEqual([1, 2]);
    });
  });
});
