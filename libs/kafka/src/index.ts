export { createKafkaClient } from './kafka-client.js';
export type { KafkaClientOptions } from './kafka-client.js';
export { RecordProducer } from './record-producer.js';
export type { OutgoingRecord, RecordCoordinates } from './record-producer.js';
export {
  deleteConsumerGroup,
  ensureTopics,
  fetchTopicOffsetsWhenServed,
  isKafkaReachable,
  reachabilityProbe,
} from './topic-admin.js';
export type { TopicSpec } from './topic-admin.js';
export { scanTopicRange, topicRangesSince } from './topic-range-scanner.js';
export type { PartitionRange, TopicRangeScan } from './topic-range-scanner.js';
export {
  encodeRecord,
  installKafkajsFastPath,
  kafkajsUsesFastPath,
  nativeCrc32c,
} from './kafkajs-fast-path.js';
