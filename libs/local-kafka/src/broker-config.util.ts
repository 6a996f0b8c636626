/** Configuration files of the local single-node KRaft broker (pure functions, no I/O). */

export interface LocalBrokerConfig {
  host: string;
  brokerPort: number;
  controllerPort: number;
  /** Kafka's log.dirs: where partitions and the metadata log live. */
  logDir: string;
}

export const LOCAL_NODE_ID = 1;

/** Escapes a value for a java.util.Properties file. */
export function escapePropertyValue(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/^\s/, (c) => `\\${c}`);
}

/** server.properties for a combined broker+controller node with single-replica internal topics. */
export function buildServerProperties(config: LocalBrokerConfig): string {
  const { host, brokerPort, controllerPort } = config;
  const entries: [string, string | number | boolean][] = [
    ['process.roles', 'broker,controller'],
    ['node.id', LOCAL_NODE_ID],
    ['controller.quorum.voters', `${LOCAL_NODE_ID}@${host}:${controllerPort}`],
    ['listeners', `PLAINTEXT://${host}:${brokerPort},CONTROLLER://${host}:${controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://${host}:${brokerPort}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['log.dirs', config.logDir],
    // Topics are created explicitly, as in production.
    ['auto.create.topics.enable', false],
    ['num.partitions', 1],
    ['default.replication.factor', 1],
    ['min.insync.replicas', 1],
    // One node: every internal topic has one replica (and one partition, so the first
    // consumer group or idempotent producer does not wait for 50 coordinator partitions).
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 1],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['transaction.state.log.num.partitions', 1],
    ['share.coordinator.state.topic.replication.factor', 1],
    ['share.coordinator.state.topic.min.isr', 1],
    ['share.coordinator.state.topic.num.partitions', 1],
    ['group.initial.rebalance.delay.ms', 0],
    // Small machine: few threads.
    ['num.network.threads', 2],
    ['num.io.threads', 2],
    ['num.recovery.threads.per.data.dir', 1],
    ['background.threads', 2],
  ];
  return `${entries.map(([key, value]) => `${key}=${escapePropertyValue(String(value))}`).join('\n')}\n`;
}

/** log4j2 configuration (properties format: no YAML/JSON parser needed): everything to one file. */
export function buildLog4j2Properties(logFile: string): string {
  return [
    'status = warn',
    'appender.file.type = File',
    'appender.file.name = FILE',
    `appender.file.fileName = ${escapePropertyValue(logFile)}`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = FILE',
    // The noisiest loggers at startup; warnings still get through.
    'logger.config.name = org.apache.kafka.common.config.AbstractConfig',
    'logger.config.level = WARN',
    'logger.state.name = state.change.logger',
    'logger.state.level = WARN',
    '',
  ].join('\n');
}

/**
 * A random KRaft cluster id: 16 random bytes, base64url without padding (what
 * `kafka-storage.sh random-uuid` prints). Ids starting with '-' are avoided, as Kafka does,
 * so the id is never taken for a command-line option.
 */
export function randomClusterId(randomBytes: (size: number) => Buffer): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
