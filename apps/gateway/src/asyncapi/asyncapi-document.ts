import {
  AGENCY_CODE_PATTERN,
  CE_HEADERS,
  CLOUDEVENTS_SPEC_VERSION,
  CONTENT_TYPE_HEADER,
  DELIVERY_HEADERS,
  GATEWAY_SIGNATURE_HEADER,
  PUBLISHER_SIGNATURE_HEADER,
  RECORD_CONTENT_TYPE,
  TRACEPARENT_HEADER,
  parseRegistrySchemaUri,
  registrySchemaUri,
  recordTopic,
} from '@lienthong/contracts';
import { INBOX_TOPIC_PREFIX, WEBHOOK_HEADERS, keyIsPersonalData } from '@lienthong/delivery';
import type { SchemaVersion } from '@lienthong/registry';
import { escapePointer, resolvePointer } from '@lienthong/schema';

export const ASYNCAPI_VERSION = '3.0.0';
/** AsyncAPI's media type for a JSON document (AsyncAPI 3.0, "Schema Object" / "Format"). */
export const ASYNCAPI_MEDIA_TYPE = `application/vnd.aai.asyncapi+json;version=${ASYNCAPI_VERSION}`;
/** Kafka bindings version used for channel, message and server bindings. */
const KAFKA_BINDING_VERSION = '0.5.0';

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
/** Keywords whose values are data, not schemas: a `$ref` member inside them is not a reference. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'examples', 'default']);
/** Keywords whose value maps names to subschemas: its members are names, not keywords. */
const NAME_MAP_KEYWORDS = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
  'dependencies',
]);

function isDataKeyword(key: string): boolean {
  return DATA_KEYWORDS.has(key) || key.startsWith('x-lienthong-');
}

export interface AsyncApiInput {
  /** The version each type is published with today (latest enabled), one per type. */
  latest: readonly SchemaVersion[];
  /** Looks up a registered version named by a `urn:lienthong:schema:<type>:<n>` reference. */
  lookup: (type: string, version: number) => SchemaVersion | undefined;
  /**
   * The Kafka bootstrap address subscribers connect to (`ASYNCAPI_KAFKA_SERVER`); undefined =
   * the document names no server, so the cluster's internal addresses are never published.
   */
  publicKafkaServer: string | undefined;
  /** Registry log position the document describes (changes whenever the registry does). */
  revision: string;
}

type Json = Record<string, unknown>;

/** The AsyncAPI 3.0 `schemaFormat` for a JSON Schema document, from its `$schema`. */
export function schemaFormatOf(schema: Readonly<Json>): string {
  const declared = schema['$schema'];
  return typeof declared === 'string' && DRAFT_07.test(declared)
    ? 'application/schema+json;version=draft-07'
    : 'application/schema+json;version=2020-12';
}

/** Component key of one registered version (AsyncAPI component keys: `[A-Za-z0-9._-]+`). */
export function schemaComponentKey(type: string, version: number): string {
  return `${type}.v${version}`;
}

/**
 * Builds the AsyncAPI 3.0 document of the record topics: one channel per type
 * (`lienthong.records.<type>`), its message with the CloudEvents headers and the latest
 * enabled schema as payload, and a `send` operation (the gateway writes accepted records; a
 * consumer reads the same document with the roles reversed). Deterministic: replicas at the
 * same registry revision produce the same document.
 */
export function buildAsyncApiDocument(input: AsyncApiInput): Json {
  const schemas: Json = {};
  const included = new Set<string>();
  const include = (version: SchemaVersion): void => {
    const key = schemaComponentKey(version.type, version.version);
    if (included.has(key)) return;
    included.add(key);
    const referenced: SchemaVersion[] = [];
    const schema = rewriteReferences(version, input.lookup, referenced);
    schemas[key] = { schemaFormat: schemaFormatOf(version.schema), schema };
    referenced.forEach(include);
  };

  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  const sorted = [...input.latest].sort((a, b) => a.type.localeCompare(b.type));
  for (const version of sorted) {
    include(version);
    const type = version.type;
    messages[type] = message(version);
    channels[type] = {
      address: recordTopic(type),
      title: version.metadata.description.en,
      description: `${version.metadata.description.en}\n\n${version.metadata.description.vi}`,
      messages: { record: { $ref: `#/components/messages/${type}` } },
      bindings: { kafka: { topic: recordTopic(type), bindingVersion: KAFKA_BINDING_VERSION } },
    };
    operations[`${type}.send`] = {
      action: 'send',
      channel: { $ref: `#/channels/${type}` },
      summary: `Accepted ${type} records, written once validated against the registry.`,
      messages: [{ $ref: `#/channels/${type}/messages/record` }],
    };
  }

  addDeliveries(sorted, channels, operations, messages);

  return {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: 'Lienthong record topics',
      version: input.revision,
      description: [
        'Records accepted by the Lienthong gateway (POST /v1/messages/{type}), one Kafka topic per',
        'message type. Each Kafka record is a CloudEvents 1.0 event in binary content mode: the',
        'value is the publisher’s JSON body byte for byte, the attributes are `ce_` headers, and',
        'the key is the value at the type’s key pointer. The router delivers each record to every',
        'matching subscription: the `inbox` channel (`lienthong.inbox.{agency}`) and the `webhook`',
        'channel describe what a subscriber receives. Generated from the schema registry;',
        '`info.version` is the registry log position it describes.',
      ].join(' '),
    },
    defaultContentType: RECORD_CONTENT_TYPE,
    ...(input.publicKafkaServer !== undefined && {
      servers: {
        kafka: {
          host: input.publicKafkaServer,
          protocol: 'kafka',
          description: 'The Kafka cluster subscribers read their inbox from (its public bootstrap address).',
        },
      },
    }),
    channels,
    operations,
    components: { schemas, messages },
  };
}

/**
 * The two ways a record reaches a subscriber: its Kafka inbox (`lienthong.inbox.{agency}`, one
 * topic per agency, every subscription of the agency) and a webhook (an HTTPS POST to the
 * subscription's URL, Standard Webhooks). Each type has one message per channel: the record
 * projected for the subscription, with the headers of that channel.
 */
function addDeliveries(
  latest: readonly SchemaVersion[],
  channels: Json,
  operations: Json,
  messages: Json,
): void {
  const inbox: Json = {};
  const webhook: Json = {};
  for (const version of latest) {
    const type = version.type;
    inbox[type] = { $ref: `#/components/messages/${type}.inbox` };
    webhook[type] = { $ref: `#/components/messages/${type}.webhook` };
    messages[`${type}.inbox`] = deliveryMessage(version, 'inbox');
    messages[`${type}.webhook`] = deliveryMessage(version, 'webhook');
  }
  channels['inbox'] = {
    address: `${INBOX_TOPIC_PREFIX}{agency}`,
    title: 'Inbox of a subscribing agency',
    description:
      'Everything the router delivers to one agency over Kafka: one record per matching subscription ' +
      `(header ${DELIVERY_HEADERS.subscription}), its body projected for that subscription, signed by ` +
      `the gateway (header ${GATEWAY_SIGNATURE_HEADER}, a detached JWS verifiable against /.well-known/jwks.json).` +
      '\n\nHộp thư của cơ quan nhận dữ liệu: mỗi bản ghi được chuyển theo một đăng ký nhận dữ liệu, đã lọc và ký số.',
    parameters: {
      agency: {
        description: 'Code of the subscribing agency (Decision 20/2020/QĐ-TTg), e.g. 000.00.00.H29.',
      },
    },
    messages: inbox,
    bindings: { kafka: { bindingVersion: KAFKA_BINDING_VERSION } },
  };
  channels['webhook'] = {
    address: null,
    title: 'Webhook of a subscription',
    description:
      "An HTTPS POST to the subscription's URL for each delivered record, signed per Standard Webhooks " +
      `(${WEBHOOK_HEADERS.id}, ${WEBHOOK_HEADERS.timestamp}, ${WEBHOOK_HEADERS.signature}: an HMAC v1 signature and ` +
      "the gateway's Ed25519 v1a). A 2xx answer is a delivery; anything else is retried, then dead-lettered." +
      '\n\nWebhook của một đăng ký: bản ghi được gửi bằng HTTPS POST và ký theo chuẩn Standard Webhooks.',
    messages: webhook,
  };
  operations['inbox.send'] = {
    action: 'send',
    channel: { $ref: '#/channels/inbox' },
    summary: 'The router writes each delivery to the inbox of the subscribing agency.',
    messages: latest.map((v) => ({ $ref: `#/channels/inbox/messages/${v.type}` })),
  };
  operations['webhook.send'] = {
    action: 'send',
    channel: { $ref: '#/channels/webhook' },
    summary: "The router POSTs each delivery to the subscription's webhook URL.",
    messages: latest.map((v) => ({ $ref: `#/channels/webhook/messages/${v.type}` })),
  };
}

function deliveryMessage(version: SchemaVersion, channel: 'inbox' | 'webhook'): Json {
  const { type, metadata } = version;
  const keyPersonal = keyIsPersonalData(metadata.keyPointer, metadata.personalData);
  const record = cloudEventsHeaders(version) as { required: string[]; properties: Json };
  // Over HTTP the CloudEvents attributes are `ce-` headers (HTTP binding, binary mode).
  const rename = (name: string): string =>
    channel === 'webhook' && name.startsWith('ce_') ? `ce-${name.slice(3)}` : name;
  const properties: Json = Object.fromEntries(
    Object.entries(record.properties).map(([name, schema]) => [rename(name), schema]),
  );
  properties[DELIVERY_HEADERS.subscription] = {
    type: 'string',
    description: 'The subscription delivered to.',
  };
  properties[DELIVERY_HEADERS.keyPseudonym] = {
    type: 'string',
    const: 'hmac-sha256',
    description: `Set when the key and ${rename(CE_HEADERS.subject)} are the subscription's keyed pseudonym of a personal record key.`,
  };
  properties[DELIVERY_HEADERS.command] = {
    type: 'string',
    description: 'The replay or redrive that made this delivery.',
  };
  properties[PUBLISHER_SIGNATURE_HEADER] = {
    type: 'string',
    description:
      "The publisher's detached JWS, forwarded when the body is the original bytes (no projection).",
  };
  const required = [...record.required.map(rename), DELIVERY_HEADERS.subscription];
  if (channel === 'inbox') {
    properties[GATEWAY_SIGNATURE_HEADER] = {
      type: 'string',
      description: "The gateway's detached JWS over the delivered body and its coordinates.",
    };
    required.push(GATEWAY_SIGNATURE_HEADER);
  } else {
    properties[WEBHOOK_HEADERS.id] = {
      type: 'string',
      description: 'The record id, the same on every retry.',
    };
    properties[WEBHOOK_HEADERS.timestamp] = { type: 'string', description: 'Unix seconds of this attempt.' };
    properties[WEBHOOK_HEADERS.signature] = {
      type: 'string',
      description: 'v1,<HMAC> v1a,<Ed25519> signatures.',
    };
    required.push(WEBHOOK_HEADERS.id, WEBHOOK_HEADERS.timestamp, WEBHOOK_HEADERS.signature);
  }
  return {
    name: `${type}.${channel}`,
    title: `${metadata.description.en} (${channel === 'inbox' ? 'inbox delivery' : 'webhook delivery'})`,
    summary: metadata.description.vi,
    description: [
      'The record as its subscription receives it: only the projected fields; personal data',
      `(${metadata.personalData.join(', ') || 'none declared'}) only with subscribe-personal-data.`,
      keyPersonal
        ? `The key is personal data: without the grant it is a keyed pseudonym (${PSEUDONYM_NOTE}).`
        : '',
    ]
      .filter((n) => n !== '')
      .join(' '),
    contentType: RECORD_CONTENT_TYPE,
    headers: { type: 'object', required, properties },
    payload: { $ref: `#/components/schemas/${schemaComponentKey(type, version.version)}` },
    ...(channel === 'inbox' && {
      bindings: {
        kafka: {
          key: { type: 'string', description: `The value at ${metadata.keyPointer}, or its pseudonym.` },
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    }),
  };
}

/** How a subscriber recognises a pseudonymised key (docs/delivery.md, "Key pseudonyms"). */
const PSEUDONYM_NOTE = 'HMAC-SHA-256 per subscription, base64url; header lienthong-key-pseudonym';

function message(version: SchemaVersion): Json {
  const { type, metadata } = version;
  const notes = [
    `Owner agency: ${metadata.owner}.`,
    `Record key: the value at ${metadata.keyPointer}.`,
    keyIsPersonalData(metadata.keyPointer, metadata.personalData)
      ? `The key is personal data: subscribers without subscribe-personal-data receive its keyed pseudonym instead (${PSEUDONYM_NOTE}).`
      : '',
    metadata.personalData.length > 0
      ? `Personal data (Law 91/2025/QH15): ${metadata.personalData.join(', ')}.`
      : 'No field is declared personal data.',
    metadata.signatureRequired ? 'Publishers must sign each record (detached JWS).' : '',
    version.state === 'deprecated' ? `Schema version ${version.version} is deprecated.` : '',
  ].filter((n) => n !== '');
  return {
    name: type,
    title: metadata.description.en,
    summary: metadata.description.vi,
    description: notes.join(' '),
    contentType: RECORD_CONTENT_TYPE,
    correlationId: {
      description: 'The CloudEvents id (UUIDv7).',
      location: `$message.header#/${CE_HEADERS.id}`,
    },
    headers: cloudEventsHeaders(version),
    payload: { $ref: `#/components/schemas/${schemaComponentKey(type, version.version)}` },
    examples: metadata.examples.map((payload, i) => ({
      name: `example-${i + 1}`,
      headers: exampleHeaders(version, payload),
      payload,
    })),
    bindings: {
      kafka: {
        key: { type: 'string', description: `The value at ${metadata.keyPointer} of the record.` },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
    'x-lienthong-schema-version': version.version,
    'x-lienthong-schema-id': version.id,
    'x-lienthong-schema-state': version.state,
  };
}

/** The Kafka headers the gateway sets on every record (CloudEvents Kafka binding, section 3.2). */
function cloudEventsHeaders(version: SchemaVersion): Json {
  const dataschema = registrySchemaUri(version.type, version.version);
  return {
    type: 'object',
    required: [
      CE_HEADERS.specversion,
      CE_HEADERS.id,
      CE_HEADERS.source,
      CE_HEADERS.type,
      CE_HEADERS.time,
      CE_HEADERS.dataschema,
      CE_HEADERS.subject,
      CONTENT_TYPE_HEADER,
    ],
    properties: {
      [CE_HEADERS.specversion]: { type: 'string', const: CLOUDEVENTS_SPEC_VERSION },
      [CE_HEADERS.id]: {
        type: 'string',
        format: 'uuid',
        description: 'Event id, a UUIDv7 set by the gateway.',
      },
      [CE_HEADERS.source]: {
        type: 'string',
        pattern: AGENCY_CODE_PATTERN.source,
        description: 'Code of the publishing agency (Decision 20/2020/QĐ-TTg).',
      },
      [CE_HEADERS.type]: { type: 'string', const: version.type },
      [CE_HEADERS.time]: {
        type: 'string',
        format: 'date-time',
        description: 'When the gateway accepted the record.',
      },
      [CE_HEADERS.dataschema]: {
        type: 'string',
        pattern: `^${escapeRegExp(dataschema.slice(0, dataschema.lastIndexOf(':') + 1))}[1-9][0-9]*$`,
        description: `The registered schema version the record was validated against (this document: ${dataschema}).`,
      },
      [CE_HEADERS.subject]: {
        type: 'string',
        description: keyIsPersonalData(version.metadata.keyPointer, version.metadata.personalData)
          ? `The record key: the value at ${version.metadata.keyPointer}; personal data, so a subscriber without subscribe-personal-data receives its keyed pseudonym instead (${PSEUDONYM_NOTE}).`
          : `The record key: the value at ${version.metadata.keyPointer}.`,
      },
      [CONTENT_TYPE_HEADER]: { type: 'string', const: RECORD_CONTENT_TYPE },
      [TRACEPARENT_HEADER]: {
        type: 'string',
        description: 'W3C Trace Context, when the publisher sent one.',
      },
    },
  };
}

function exampleHeaders(version: SchemaVersion, payload: unknown): Json {
  const key = resolvePointer(payload, version.metadata.keyPointer);
  return {
    [CE_HEADERS.specversion]: CLOUDEVENTS_SPEC_VERSION,
    [CE_HEADERS.id]: '01920000-0000-7000-8000-000000000000',
    [CE_HEADERS.source]: version.metadata.owner,
    [CE_HEADERS.type]: version.type,
    [CE_HEADERS.time]: '2026-01-01T00:00:00.000Z',
    [CE_HEADERS.dataschema]: registrySchemaUri(version.type, version.version),
    [CE_HEADERS.subject]: typeof key === 'string' || typeof key === 'number' ? String(key) : '',
    [CONTENT_TYPE_HEADER]: RECORD_CONTENT_TYPE,
  };
}

/**
 * A copy of the version's schema whose `$ref`s resolve inside the AsyncAPI document: references
 * within the schema (`#/…`, `#anchor`, or its own `$id`) are prefixed with the schema's place
 * in `components/schemas`, and registry references (`urn:lienthong:schema:<type>:<n>`) point at
 * that version's component, which `referenced` collects for inclusion. AsyncAPI tools resolve
 * every `$ref` against the whole document, so an unprefixed `#/$defs/x` would dangle.
 */
function rewriteReferences(
  version: SchemaVersion,
  lookup: AsyncApiInput['lookup'],
  referenced: SchemaVersion[],
): Json {
  const root = version.schema;
  const rootId = typeof root['$id'] === 'string' ? root['$id'].split('#')[0] : undefined;
  const base = (v: SchemaVersion): string =>
    `#/components/schemas/${schemaComponentKey(v.type, v.version)}/schema`;
  const anchors = collectAnchors(root);

  const rewrite = (reference: string): string => {
    const hash = reference.indexOf('#');
    const uri = hash >= 0 ? reference.slice(0, hash) : reference;
    const fragment = hash >= 0 ? reference.slice(hash + 1) : '';
    let target: SchemaVersion | undefined;
    if (uri === '' || uri === rootId) target = version;
    else {
      const named = parseRegistrySchemaUri(uri);
      target = named ? lookup(named.type, named.version) : undefined;
      if (target) referenced.push(target);
    }
    if (!target) return reference;
    if (fragment === '' || fragment.startsWith('/')) return `${base(target)}${fragment}`;
    const anchored = target === version ? anchors.get(fragment) : collectAnchors(target.schema).get(fragment);
    return anchored === undefined ? reference : `${base(target)}${anchored}`;
  };

  const walk = (node: unknown, isNameMap = false): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item));
    if (node === null || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      if (isNameMap) out[key] = walk(value);
      else if (key === '$ref' && typeof value === 'string') out[key] = rewrite(value);
      else if (isDataKeyword(key)) out[key] = value;
      else out[key] = walk(value, NAME_MAP_KEYWORDS.has(key));
    }
    return out;
  };
  return walk(root) as Json;
}

/** `$anchor` names (and draft-07 `"$id": "#name"`) to the URI-fragment pointer of their schema. */
function collectAnchors(root: unknown): Map<string, string> {
  const anchors = new Map<string, string>();
  const walk = (node: unknown, pointer: string, isNameMap = false): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${pointer}/${i}`));
    if (node === null || typeof node !== 'object') return;
    const object = node as Json;
    if (!isNameMap) {
      const anchor = object['$anchor'];
      if (typeof anchor === 'string') anchors.set(anchor, pointer);
      const id = object['$id'];
      if (typeof id === 'string' && id.startsWith('#')) anchors.set(id.slice(1), pointer);
    }
    for (const [key, value] of Object.entries(object)) {
      if (isNameMap || !isDataKeyword(key)) {
        walk(
          value,
          `${pointer}/${fragmentEncode(escapePointer(key))}`,
          !isNameMap && NAME_MAP_KEYWORDS.has(key),
        );
      }
    }
  };
  walk(root, '');
  return anchors;
}

/** Percent-encodes what a URI fragment may not hold (RFC 3986 section 3.5), nothing else. */
function fragmentEncode(token: string): string {
  return token.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?]/gu, (c) => encodeURIComponent(c));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
