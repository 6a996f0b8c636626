export { startKafka, startRestartableKafka } from './broker-provider.js';
export type {
  KafkaHandle,
  KafkaMode,
  RestartableKafkaHandle,
  StartKafkaOptions,
} from './kafka-handle.types.js';
export { KAFKA_VERSION } from './kafka-version.const.js';
export { parseBrokerList } from './external-broker.js';
export { kafkaLibsDir, resolveCacheRoot } from './kafka-jars-cache.js';
