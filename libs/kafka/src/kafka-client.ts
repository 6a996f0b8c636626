import type { KafkaConfig, LogEntry, logCreator } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { installKafkajsFastPath } from './kafkajs-fast-path.js';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** Where kafkajs log lines go; defaults to stderr, warnings and errors only. */
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Client-wide retries (connections, metadata); bounded so callers can answer 503 promptly. */
  retries?: number;
}

const LEVEL_NAMES = {
  [logLevel.NOTHING]: 'error',
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
} as const;

/** A kafkajs client with bounded timeouts, so an unreachable broker fails fast instead of hanging. */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  installKafkajsFastPath();
  const sink =
    options.log ??
    ((level, message, extra) => {
      process.stderr.write(`${JSON.stringify({ level, source: 'kafkajs', message, ...extra })}\n`);
    });
  const logCreator: logCreator =
    () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      sink(LEVEL_NAMES[level], `${namespace}: ${message}`, extra);
    };
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    logLevel: logLevel.WARN,
    retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    logCreator,
  };
  return new Kafka(config);
}
