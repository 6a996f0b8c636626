import {
  CE_HEADERS,
  CONTENT_TYPE_HEADER,
  decodeKafkaHeaders,
  parseRegistrySchemaUri,
  PUBLISHER_SIGNATURE_HEADER,
  TRACEPARENT_HEADER,
} from '@lienthong/contracts';
import type { CloudEventAttribute } from '@lienthong/delivery';
import type { IHeaders } from 'kafkajs';

/** A record as consumed from `lienthong.records.<type>`. */
export interface SourceRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

/** An accepted record, read once and shared by every subscription it is routed to. */
export interface RoutedRecord {
  /** `<topic>/<partition>/<offset>`. */
  origin: string;
  key: Buffer | null;
  /** The original bytes. */
  body: Buffer;
  payload: unknown;
  messageId: string;
  type: string;
  publisher: string;
  /** Epoch ms of `ce_time`. */
  acceptedAt: number;
  schemaVersion: number | undefined;
  attributes: Partial<Record<CloudEventAttribute, string>>;
  /** Headers forwarded to subscribers: CloudEvents, content type, trace context. */
  carried: Record<string, string>;
  publisherSignature: string | undefined;
}

const CARRIED = [...Object.values(CE_HEADERS), CONTENT_TYPE_HEADER, TRACEPARENT_HEADER];

/** Reads a record; a reason instead when it cannot be routed (a poison record). */
export function readSourceRecord(source: SourceRecord): { record: RoutedRecord } | { poison: string } {
  const headers = decodeKafkaHeaders(source.headers);
  const messageId = headers[CE_HEADERS.id];
  const type = headers[CE_HEADERS.type];
  const publisher = headers[CE_HEADERS.source];
  const time = Date.parse(headers[CE_HEADERS.time] ?? '');
  if (!messageId || !type || !publisher) return { poison: 'missing CloudEvents id, type or source' };
  if (Number.isNaN(time)) return { poison: 'missing or invalid ce_time' };
  if (source.value === null) return { poison: 'no value' };
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(source.value));
  } catch {
    return { poison: 'value is not UTF-8 JSON' };
  }
  const carried: Record<string, string> = {};
  for (const name of CARRIED) {
    const value = headers[name];
    if (value !== undefined) carried[name] = value;
  }
  const dataschema = headers[CE_HEADERS.dataschema];
  const schema = dataschema === undefined ? undefined : parseRegistrySchemaUri(dataschema);
  return {
    record: {
      origin: `${source.topic}/${source.partition}/${source.offset}`,
      key: source.key,
      body: source.value,
      payload,
      messageId,
      type,
      publisher,
      acceptedAt: time,
      schemaVersion: schema?.version,
      attributes: {
        id: messageId,
        source: publisher,
        type,
        ...(headers[CE_HEADERS.subject] !== undefined ? { subject: headers[CE_HEADERS.subject] } : {}),
        ...(dataschema !== undefined ? { dataschema } : {}),
      },
      carried,
      publisherSignature: headers[PUBLISHER_SIGNATURE_HEADER],
    },
  };
}
