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

/**
 * A local broker (mode `local-jars`) that fault-injection tests can crash and bring back: same
 * ports, same data dir, so clients reconnect to the address they were given and find their data.
 */
export interface RestartableKafkaHandle extends KafkaHandle {
  readonly mode: 'local-jars';
  /** Holds server.properties, kafka.log and the partitions (`logs/`); removed by `stop()`. */
  readonly dataDir: string;
  /** False between `kill()` and `restart()`, and after `stop()`. */
  readonly running: boolean;
  /** Kills the JVM (SIGKILL by default, as a crash would), keeping ports and data. */
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts the broker again on the same ports and data dir; resolves once it answers metadata. */
  restart(): Promise<void>;
  /** Freezes the JVM (SIGSTOP): connections stay open, requests wait unanswered, as in a long stall. */
  pause(): void;
  /** Lets a paused JVM run again (SIGCONT): it then handles what waited, late. */
  resume(): void;
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
  /**
   * A local-jars broker keeps its data here across runs (formatted on first use, never removed;
   * `npm start` keeps `.lienthong/kafka`). Ignored by the other modes. Default: a temporary dir
   * removed at stop.
   */
  dataDir?: string;
}
