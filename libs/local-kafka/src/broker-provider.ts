import { probeDockerEngine } from './docker-engine-probe.util.js';
import { externalBroker, parseBrokerList } from './external-broker.js';
import type {
  KafkaHandle,
  KafkaMode,
  RestartableKafkaHandle,
  StartKafkaOptions,
} from './kafka-handle.types.js';
import { resolveCacheRoot } from './kafka-jars-cache.js';
import { KAFKA_VERSION } from './kafka-version.const.js';
import { startLocalJarsBroker } from './local-jars-broker.js';
import { startTestcontainersBroker } from './testcontainers-broker.js';

const MODES: readonly KafkaMode[] = ['external', 'testcontainers', 'local-jars'];

/**
 * Provides a Kafka cluster: the one named by `KAFKA_BROKERS`; else an `apache/kafka` container
 * where a Docker engine answers; else a local broker run from the official Apache Kafka jars.
 * Resolves once the cluster answers a metadata request.
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaHandle> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const kafkaVersion = options.kafkaVersion ?? env.LIENTHONG_KAFKA_VERSION ?? KAFKA_VERSION;
  const startupTimeoutMs = options.startupTimeoutMs ?? 180_000;
  const mode = await chooseMode(options.mode ?? parseMode(env.LIENTHONG_KAFKA_MODE), env, log);

  switch (mode) {
    case 'external': {
      const brokers = parseBrokerList(env.KAFKA_BROKERS);
      if (brokers.length === 0) throw new Error('Kafka mode "external" needs KAFKA_BROKERS (host:port,...)');
      log(`using the Kafka cluster in KAFKA_BROKERS: ${brokers.join(',')}`);
      return externalBroker(brokers);
    }
    case 'testcontainers':
      return startTestcontainersBroker({ kafkaVersion, startupTimeoutMs, log, env });
    case 'local-jars':
      return startLocalJarsBroker({
        cacheRoot: options.cacheDir ?? resolveCacheRoot(env),
        kafkaVersion,
        startupTimeoutMs,
        log,
        env,
        ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
      });
  }
}

/**
 * Starts a broker of its own from the Apache Kafka jars, whatever `KAFKA_BROKERS` or Docker say,
 * that can be killed and restarted on the same ports and data dir (fault-injection tests).
 */
export function startRestartableKafka(
  options: Omit<StartKafkaOptions, 'mode'> = {},
): Promise<RestartableKafkaHandle> {
  const env = options.env ?? process.env;
  return startLocalJarsBroker({
    cacheRoot: options.cacheDir ?? resolveCacheRoot(env),
    kafkaVersion: options.kafkaVersion ?? env.LIENTHONG_KAFKA_VERSION ?? KAFKA_VERSION,
    startupTimeoutMs: options.startupTimeoutMs ?? 180_000,
    log: options.log ?? (() => undefined),
    env,
    ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
  });
}

function parseMode(value: string | undefined): 'auto' | KafkaMode {
  if (!value || value === 'auto') return 'auto';
  if ((MODES as readonly string[]).includes(value)) return value as KafkaMode;
  throw new Error(`LIENTHONG_KAFKA_MODE must be auto, ${MODES.join(', ')}; got "${value}"`);
}

async function chooseMode(
  requested: 'auto' | KafkaMode,
  env: NodeJS.ProcessEnv,
  log: (message: string) => void,
): Promise<KafkaMode> {
  if (requested !== 'auto') return requested;
  if (parseBrokerList(env.KAFKA_BROKERS).length > 0) return 'external';
  const docker = await probeDockerEngine();
  if (docker.available) return 'testcontainers';
  log(`no Docker engine (${docker.reason}): local broker from the Apache Kafka jars`);
  return 'local-jars';
}
