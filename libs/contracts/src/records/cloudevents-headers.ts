/**
 * CloudEvents 1.0 Kafka protocol binding, binary content mode: attributes travel as `ce_`
 * headers, the record value is the data itself (CloudEvents Kafka binding, section 3.2).
 * Every one of these is set by the gateway; none is ever copied from a client request.
 */
export const CE_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  time: 'ce_time',
  dataschema: 'ce_dataschema',
  subject: 'ce_subject',
} as const;

export const CONTENT_TYPE_HEADER = 'content-type';
/** W3C Trace Context header, carried from HTTP into Kafka. */
export const TRACEPARENT_HEADER = 'traceparent';
export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const RECORD_CONTENT_TYPE = 'application/json';

/** The `ce_dataschema` URI naming one version of a registered schema. */
export function dataSchemaUri(type: string, version: number): string {
  return `urn:lienthong:schema:${type}:${version}`;
}
