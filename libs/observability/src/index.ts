export type { ConsumerLagCollectorOptions, LagAdmin } from './consumer-lag.collector.js';
export { ConsumerLagCollector } from './consumer-lag.collector.js';
export type { LabelBoundsOptions, LabelBoundsSizes, LabelSource } from './label-bounds.js';
export { LabelBounds } from './label-bounds.js';
export type {
  ConsumerLagSource,
  LienthongMetricsOptions,
  PartitionLag,
  RegistryMetricsSource,
  SigningKeyInfo,
} from './lienthong-metrics.js';
export { BUCKETS, LienthongMetrics, METRIC_PREFIX } from './lienthong-metrics.js';
export type {
  DeliveryMode,
  DeliveryOutcome,
  SchemaVersionState,
  TopicFamily,
} from './metric-labels.const.js';
export {
  AUTH_FAILURE_CONTEXTS,
  AUTH_FAILURE_REASONS,
  DELIVERY_MODES,
  DELIVERY_OUTCOMES,
  HTTP_METHODS,
  HTTP_STATUSES,
  OTHER,
  REJECTION_REASONS,
  SCHEMA_VERSION_STATES,
  TOPIC_FAMILIES,
  topicFamily,
} from './metric-labels.const.js';
export { stopwatch } from './stopwatch.util.js';
export type { JsonLogOptions, LogLevelName } from './json-logs.js';
export {
  APP_LOG,
  LOG_LEVELS,
  REDACTED_PATHS,
  createJsonLogger,
  httpRequestId,
  jsonLoggerModule,
  logHttpRequests,
  logStartupFailure,
} from './json-logs.js';
