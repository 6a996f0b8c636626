import type { INestMicroservice, LoggerService, LogLevel } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ensureTopics, createKafkaClient } from '@lienthong/kafka';
import { InboxKafkaServer } from './inbox-kafka.server.js';
import type { RecordSink } from './record-sink.js';
import { jsonLineSink } from './record-sink.js';
import type { SubscriberConfig } from './subscriber-config.js';
import { SubscriberModule } from './subscriber.module.js';

export interface SubscriberDemoOptions {
  /** Where processed records go; one JSON line on stdout by default. */
  sink?: RecordSink;
  logger?: LoggerService | LogLevel[] | false;
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
 */
export async function createSubscriberDemo(
  config: SubscriberConfig,
  options: SubscriberDemoOptions = {},
): Promise<SubscriberDemo> {
  const server = new InboxKafkaServer(config);
  const logger = new Logger('SubscriberDemo');
  const kafka = createKafkaClient({
    brokers: config.kafkaBrokers,
    clientId: `lienthong-subscriber-${config.agency}`,
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
  const app = await NestFactory.createMicroservice(
    SubscriberModule.forRoot(config, options.sink ?? jsonLineSink),
    {
      strategy: server,
      logger: options.logger ?? ['log', 'warn', 'error'],
    },
  );
  if (config.publisherKeys.size === 0) {
    logger.warn(
      'no PUBLISHER_JWKS: the gateway serves agency keys to operators only, so publisher signatures are not checked (reported as "no-keys"); the gateway signature is',
    );
  }
  await app.listen();
  logger.log(`reading ${server.topic} as group ${config.groupId}`);
  return { app, topic: server.topic, close: () => app.close() };
}
