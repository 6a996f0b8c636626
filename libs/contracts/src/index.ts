export { AGENCY_CODE_MAX_LENGTH, AGENCY_CODE_PATTERN, isAgencyCode } from './agency-code.js';
export {
  CE_HEADERS,
  CLOUDEVENTS_SPEC_VERSION,
  CONTENT_TYPE_HEADER,
  IDEMPOTENCY_BATCH_INDEX_HEADER,
  IDEMPOTENCY_RECORD_HEADER,
  PUBLISHER_SIGNATURE_HEADER,
  RECORD_CONTENT_TYPE,
  TRACEPARENT_HEADER,
} from './records/cloudevents-headers.js';
export type { KafkaHeaders } from './records/kafka-headers.js';
export { decodeKafkaHeaders } from './records/kafka-headers.js';
export {
  REGISTRY_SCHEMA_URI_PREFIX,
  parseRegistrySchemaUri,
  registrySchemaUri,
} from './records/schema-uri.js';
export type { Traceparent } from './records/trace-context.js';
export { parseTraceparent } from './records/trace-context.js';
export type { DeadLetterReason } from './deliveries/delivery-headers.js';
export {
  DEAD_LETTER_REASONS,
  DELIVERY_HEADERS,
  GATEWAY_SIGNATURE_HEADER,
} from './deliveries/delivery-headers.js';
export {
  MESSAGE_TYPE_MAX_LENGTH,
  MESSAGE_TYPE_PATTERN,
  RECORD_TOPIC_PREFIX,
  isMessageType,
  recordTopic,
} from './records/record-topic.js';
export { newRecordId } from './records/record-id.js';
export { closestTypeName, unknownTypeError } from './records/unknown-type.js';
export type { LienthongErrorOptions, ProblemPointer } from './errors/lienthong.exception.js';
export { LienthongError } from './errors/lienthong.exception.js';
export type { Language, ProblemCode } from './errors/problem-codes.js';
export { PROBLEM_CATALOGUE, PROBLEM_TYPE_PREFIX } from './errors/problem-codes.js';
export type { ProblemDetails, RenderedPointer } from './errors/problem-details.js';
export {
  MAX_PROBLEM_POINTERS,
  negotiateLanguage,
  problemStatus,
  toProblemDetails,
} from './errors/problem-details.js';
export type {
  CompactDisclosureDelivery,
  CompactDisclosureEvent,
  DisclosureChannel,
  DisclosureContext,
  DisclosureDelivery,
  DisclosureEvent,
} from './disclosures/disclosure-event.js';
export {
  COMPACT_DISCLOSURE_EVENT_FORMAT,
  DISCLOSURE_EVENT_FORMAT,
  DISCLOSURE_RETENTION_DAYS_DEFAULT,
  DISCLOSURE_SECRET_MIN_LENGTH,
  DISCLOSURE_TOPIC,
  disclosureTopicConfig,
  parseDisclosureEvent,
  subjectHash,
} from './disclosures/disclosure-event.js';
