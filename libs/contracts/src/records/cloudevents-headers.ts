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
/** W3C Trace Context header, carried from HTTP into Kafka (see `parseTraceparent`). */
export const TRACEPARENT_HEADER = 'traceparent';
export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const RECORD_CONTENT_TYPE = 'application/json';

/**
 * The publisher's detached JWS over the body, bound to the type and a time. The gateway writes it
 * on the accepted record; the router forwards it to subscribers only when the body is the
 * original bytes (no projection).
 */
export const PUBLISHER_SIGNATURE_HEADER = 'lienthong-publisher-signature';

/**
 * On every record published with an Idempotency-Key: a digest of its scope and key
 * (`idempotencyRecordTag` in `@lienthong/idempotency`). A retry that takes over a stale claim
 * looks for it to learn whether an earlier attempt's write landed (docs/reliability.md).
 */
export const IDEMPOTENCY_RECORD_HEADER = 'lienthong-idempotency-key';

/** On each record of a batch published with an Idempotency-Key: its index in the request. */
export const IDEMPOTENCY_BATCH_INDEX_HEADER = 'lienthong-batch-index';
