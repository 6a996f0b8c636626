import { describe, expect, it } from '@jest/globals';
import type { SchemaVersion } from '@lienthong/registry';
import { resolvePointer } from '@lienthong/schema';
import { buildAsyncApiDocument, schemaFormatOf } from './asyncapi-document.js';

function version(
  type: string,
  n: number,
  schema: Record<string, unknown>,
  examples: unknown[] = [],
): SchemaVersion {
  return {
    type,
    version: n,
    id: n * 10,
    schema,
    metadata: {
      owner: '000.00.00.G01',
      description: { vi: `Mô tả ${type}`, en: `About ${type}` },
      keyPointer: '/id',
      personalData: ['/name'],
      signatureRequired: false,
      examples,
    },
    fingerprint: `${type}-${n}`,
    state: 'active',
    registeredAt: '2026-01-01T00:00:00.000Z',
  };
}

const address = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { commune: { type: 'string', maxLength: 5 } },
};
const citizen = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    id: { $ref: '#/$defs/id' },
    name: { $ref: '#name' },
    home: { $ref: 'urn:lienthong:schema:address:1' },
    parent: { $ref: '#' },
    // A property called like a keyword: its value is a schema, not data.
    default: { $ref: '#/$defs/id' },
  },
  $defs: { id: { type: 'string', maxLength: 12 }, name: { $anchor: 'name', type: 'string', maxLength: 50 } },
  // Data that looks like a reference stays as it is.
  examples: [{ $ref: '#/$defs/id' }],
};

function build(
  latest: SchemaVersion[],
  all: SchemaVersion[] = latest,
  publicKafkaServer: string | null = 'kafka.lienthong.example.gov.vn:9093',
): Record<string, unknown> {
  return buildAsyncApiDocument({
    latest,
    lookup: (type, n) => all.find((v) => v.type === type && v.version === n),
    publicKafkaServer: publicKafkaServer ?? undefined,
    revision: '42',
  });
}

describe('buildAsyncApiDocument', () => {
  const addressV1 = version('address', 1, address);
  const addressV2 = version('address', 2, { ...address, title: 'v2' });
  const citizenV1 = version('citizen', 1, JSON.parse(JSON.stringify(citizen)) as Record<string, unknown>, [
    { id: '001', name: 'An' },
  ]);
  const document = build([addressV2, citizenV1], [addressV1, addressV2, citizenV1]);
  const at = (pointer: string): unknown => resolvePointer(document, pointer);

  it('has one channel, message and send operation per type on its record topic', () => {
    expect(Object.keys(at('/channels') as object)).toEqual(['address', 'citizen', 'inbox', 'webhook']);
    expect(at('/channels/citizen/address')).toBe('lienthong.records.citizen');
    expect(at('/operations/citizen.send')).toEqual({
      action: 'send',
      channel: { $ref: '#/channels/citizen' },
      summary: expect.any(String),
      messages: [{ $ref: '#/channels/citizen/messages/record' }],
    });
    expect(at('/components/messages/citizen/payload')).toEqual({ $ref: '#/components/schemas/citizen.v1' });
    expect(at('/info/version')).toBe('42');
    expect(at('/servers/kafka/host')).toBe('kafka.lienthong.example.gov.vn:9093');
  });

  it('names only the public Kafka server it is given, never the cluster the gateway uses', () => {
    const without = build([addressV2, citizenV1], [addressV1, addressV2, citizenV1], null);
    expect(without['servers']).toBeUndefined();
    expect(JSON.stringify(document)).not.toMatch(/localhost|127\.0\.0\.1|:9092/);
  });

  it('describes what a subscriber receives: its inbox topic and its webhook, one message per type', () => {
    expect(at('/channels/inbox/address')).toBe('lienthong.inbox.{agency}');
    expect(at('/channels/inbox/parameters/agency/description')).toEqual(expect.any(String));
    expect(Object.keys(at('/channels/inbox/messages') as object)).toEqual(['address', 'citizen']);
    expect(at('/channels/webhook/address')).toBeNull();
    expect(at('/operations/inbox.send/action')).toBe('send');
    expect(at('/operations/webhook.send/messages')).toEqual([
      { $ref: '#/channels/webhook/messages/address' },
      { $ref: '#/channels/webhook/messages/citizen' },
    ]);
    const inbox = at('/components/messages/citizen.inbox/headers') as {
      required: string[];
      properties: object;
    };
    expect(inbox.required).toEqual(
      expect.arrayContaining([
        'ce_id',
        'ce_subject',
        'lienthong-subscription',
        'lienthong-gateway-signature',
      ]),
    );
    const webhook = at('/components/messages/citizen.webhook/headers') as {
      required: string[];
      properties: object;
    };
    expect(webhook.required).toEqual(
      expect.arrayContaining(['ce-id', 'ce-subject', 'webhook-id', 'webhook-timestamp', 'webhook-signature']),
    );
    expect(Object.keys(webhook.properties).some((name) => name.startsWith('ce_'))).toBe(false);
    expect(at('/components/messages/citizen.webhook/payload')).toEqual({
      $ref: '#/components/schemas/citizen.v1',
    });
    expect(at('/components/messages/citizen.inbox/description')).toContain('/name');
  });

  it('rewrites references so that they resolve inside the AsyncAPI document', () => {
    const base = '#/components/schemas/citizen.v1/schema';
    expect(at('/components/schemas/citizen.v1/schema/properties/id/$ref')).toBe(`${base}/$defs/id`);
    expect(at('/components/schemas/citizen.v1/schema/properties/name/$ref')).toBe(`${base}/$defs/name`);
    expect(at('/components/schemas/citizen.v1/schema/properties/parent/$ref')).toBe(base);
    expect(at('/components/schemas/citizen.v1/schema/properties/default/$ref')).toBe(`${base}/$defs/id`);
    expect(at('/components/schemas/citizen.v1/schema/properties/home/$ref')).toBe(
      '#/components/schemas/address.v1/schema',
    );
    expect(at('/components/schemas/citizen.v1/schema/examples')).toEqual([{ $ref: '#/$defs/id' }]);
    // Every rewritten reference points at something that exists.
    for (const pointer of ['id', 'name', 'home', 'parent']) {
      const ref = at(`/components/schemas/citizen.v1/schema/properties/${pointer}/$ref`) as string;
      expect(at(ref.slice(1))).toBeDefined();
    }
  });

  it('includes a version referenced by another type even when it is not the latest', () => {
    expect(Object.keys(at('/components/schemas') as object).sort()).toEqual([
      'address.v1',
      'address.v2',
      'citizen.v1',
    ]);
  });

  it('carries the examples with the CloudEvents headers a subscriber would see', () => {
    expect(at('/components/messages/citizen/examples')).toEqual([
      {
        name: 'example-1',
        headers: expect.objectContaining({
          ce_type: 'citizen',
          ce_subject: '001',
          ce_dataschema: 'urn:lienthong:schema:citizen:1',
        }),
        payload: { id: '001', name: 'An' },
      },
    ]);
    expect(at('/components/messages/citizen/headers/required')).toContain('ce_id');
  });

  it('names the JSON Schema dialect of each payload', () => {
    expect(schemaFormatOf(address)).toBe('application/schema+json;version=2020-12');
    expect(schemaFormatOf({})).toBe('application/schema+json;version=2020-12');
    expect(schemaFormatOf({ $schema: 'http://json-schema.org/draft-07/schema#' })).toBe(
      'application/schema+json;version=draft-07',
    );
  });

  it('is deterministic', () => {
    expect(JSON.stringify(build([citizenV1, addressV2], [addressV1, addressV2, citizenV1]))).toBe(
      JSON.stringify(document),
    );
  });
});
