import type { INestMicroservice } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ensureTopics, createKafkaClient } from '@lienthong/kafka';
import type { JsonLogOptions } from '@lienthong/observability';
import { createJsonLogger } from '@lienthong/observability';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { InboxKafkaServer } from './inbox-kafka.server.js';
import type { RecordSink } from './record-sink.js';
import type { SubscriberConfig } from './subscriber-config.js';
import { SubscriberModule } from './subscriber.module.js';

/** The `app` field of every subscriber demo log line. */
export const SUBSCRIBER_APP_NAME = 'lienthong-subscriber-demo';

export interface SubscriberDemoOptions extends JsonLogOptions {
  /** Where processed records go; one `inbox record` line in the JSON log by default. */
  sink?: RecordSink;
  /** Partitions of the inbox if this subscriber has to create it (the router's default is 3). */
  inboxPartitions?: number;
}

export interface SubscriberDemo {
  app: INestMicroservice;
  topic: string;
  close(): Promise<void>;
}

/**
 * Builds and starts the demo subscriber: a Nest microservice on the Kafka transport reading
 * `lienthong.inbox.<agency>`. The router creates inboxes on first delivery; the subscriber
 * creates its own if it does not exist yet, so it can subscribe before the first record.
 * Logs are JSON lines (`LOG_LEVEL`, or `options.logger`), on stdout or `options.logDestination`.
 */
export async function createSubscriberDemo(
  config: SubscriberConfig,
  options: SubscriberDemoOptions = {},
): Promise<SubscriberDemo> {
  const log = createJsonLogger(SUBSCRIBER_APP_NAME, config.logLevel, options);
  const server = new InboxKafkaServer(config);
  const app = await NestFactory.createMicroservice(SubscriberModule.forRoot(config, options.sink, log), {
    strategy: server,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoNestLogger));
  const logger = new Logger('SubscriberDemo');
  const kafka = createKafkaClient({
    brokers: config.kafkaBrokers,
    clientId: `lienthong-subscriber-${config.agency}`,
    log: (level, message, extra) => log.child({ context: 'kafkajs' })[level](extra, message),
  });
  try {
    await ensureTopics(kafka, [
      { topic: server.topic, numPartitions: options.inboxPartitions ?? 3, replicationFactor: -1 },
    ]);
  } catch (error) {
    logger.warn(
      `could not ensure ${server.topic} exists (${error instanceof Error ? error.message : String(error)}); subscribing anyway`,
    );
  }
  if (config.publisherKeys.size === 0) {
    logger.warn(
      'no PUBLISHER_JWKS: the gateway serves agency keys to operators only, so publisher signatures are not checked (reported as "no-keys"); the gateway signature is',
    );
  }
  await app.listen();
  logger.log(`reading ${server.topic} as group ${config.groupId}`);
  return { app, topic: server.topic, close: () => app.close() };
}
