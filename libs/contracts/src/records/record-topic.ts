/** Prefix of the topics that hold accepted records, one topic per message type. */
export const RECORD_TOPIC_PREFIX = 'lienthong.records.';

/**
 * A message type name: lower-case dot-separated words, e.g. `residence.registration`.
 * Kept inside Kafka's topic-name alphabet so that `lienthong.records.<type>` is always legal
 * (topic names are at most 249 characters).
 */
export const MESSAGE_TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;
export const MESSAGE_TYPE_MAX_LENGTH = 100;

/** True when `type` is a well-formed message type name. */
export function isMessageType(type: string): boolean {
  return type.length <= MESSAGE_TYPE_MAX_LENGTH && MESSAGE_TYPE_PATTERN.test(type);
}

/** The Kafka topic that holds accepted records of `type`. */
export function recordTopic(type: string): string {
  return `${RECORD_TOPIC_PREFIX}${type}`;
}
