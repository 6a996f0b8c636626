import { randomBytes } from 'node:crypto';

import { randomClusterId } from './broker-config.util.js';
import type { KafkaHandle } from './kafka-handle.types.js';
import { waitForBroker, warmUpCoordinators } from './wait-for-broker.util.js';

export interface TestcontainersBrokerOptions {
  kafkaVersion: string;
  startupTimeoutMs: number;
  log: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

const KAFKA_PORT = 9092;
const STARTER_SCRIPT = '/tmp/lienthong_start.sh';
const STARTER_READY = '/tmp/lienthong_start.ready';
const WAITING_MESSAGE = 'lienthong: waiting for the starter script';

/**
 * Single-node KRaft broker in the official `apache/kafka` image. @testcontainers/kafka targets
 * Confluent images, so this follows what the Java module does for apache/kafka: the container
 * waits for a starter script that exports the advertised listeners once the mapped port is known.
 * The container and its Ryuk reaper go away with the process even if it is killed.
 */
export async function startTestcontainersBroker(options: TestcontainersBrokerOptions): Promise<KafkaHandle> {
  const env = options.env ?? process.env;
  const { GenericContainer, Wait } = await import('testcontainers');
  const image = env.LIENTHONG_KAFKA_IMAGE || `apache/kafka:${options.kafkaVersion}`;
  const started = Date.now();
  options.log(`starting ${image} with testcontainers`);

  const container = await new GenericContainer(image)
    .withExposedPorts(KAFKA_PORT)
    .withEnvironment({
      CLUSTER_ID: randomClusterId(randomBytes),
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${KAFKA_PORT},BROKER://:9093,CONTROLLER://:9094`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9094',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_HEAP_OPTS: `-Xms128m -Xmx${env.LIENTHONG_KAFKA_HEAP || '512m'}`,
    })
    // Keep the image's entrypoint; hold the broker until the advertised listeners are known.
    .withCommand([
      'sh',
      '-c',
      `echo '${WAITING_MESSAGE}'; while [ ! -f ${STARTER_READY} ]; do sleep 0.1; done; exec sh ${STARTER_SCRIPT}`,
    ])
    .withWaitStrategy(Wait.forLogMessage(WAITING_MESSAGE))
    .withStartupTimeout(options.startupTimeoutMs)
    .start();

  try {
    const host = container.getHost();
    const port = container.getMappedPort(KAFKA_PORT);
    const script =
      `export KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://${host}:${port},BROKER://${container.getHostname()}:9093\n` +
      'exec /etc/kafka/docker/run\n';
    // The flag is copied after the script, so the loop never runs a half-written script.
    await container.copyContentToContainer([{ content: script, target: STARTER_SCRIPT, mode: 0o755 }]);
    await container.copyContentToContainer([{ content: '', target: STARTER_READY }]);
    const brokers = [`${host}:${port}`];
    await waitForBroker(brokers, { timeoutMs: options.startupTimeoutMs });
    await warmUpCoordinators(brokers);
    options.log(`Kafka container ${image} up at ${brokers.join(',')} in ${Date.now() - started} ms`);
    let stopping: Promise<void> | undefined;
    return {
      brokers,
      mode: 'testcontainers',
      stop: () => {
        stopping ??= container.stop().then(() => undefined);
        return stopping;
      },
    };
  } catch (error) {
    await container.stop().catch(() => undefined);
    throw error;
  }
}
