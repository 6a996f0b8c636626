/** How the broker was provided. */
export type KafkaMode = 'external' | 'testcontainers' | 'local-jars';

/** A running (or external) Kafka cluster. */
export interface KafkaHandle {
  /** Bootstrap servers, `host:port`. */
  readonly brokers: string[];
  readonly mode: KafkaMode;
  /** Stops what startKafka started (a no-op for an external cluster). Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartKafkaOptions {
  /**
   * Skip detection and use this provider. Default: the `LIENTHONG_KAFKA_MODE` environment
   * variable, else `auto` (KAFKA_BROKERS, then a Docker engine, then local jars).
   */
  mode?: 'auto' | KafkaMode;
  /** Environment to read (KAFKA_BROKERS, LIENTHONG_*). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Apache Kafka version. Default: KAFKA_VERSION. */
  kafkaVersion?: string;
  /** Root of the jar cache. Default: $LIENTHONG_CACHE_DIR, else ~/.cache/lienthong. */
  cacheDir?: string;
  /** Deadline for the broker to answer a metadata request. Default: 180 s. */
  startupTimeoutMs?: number;
  /** Progress messages (one line each). Default: silent. */
  log?: (message: string) => void;
}
