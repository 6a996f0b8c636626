import { Global, Module } from '@nestjs/common';
import { RecordProducer, createKafkaClient } from '@lienthong/kafka';
import type { Kafka } from 'kafkajs';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import { KAFKA_CLIENT } from './kafka-client.token.js';
import { KafkaLifecycle } from './kafka-lifecycle.service.js';

@Global()
@Module({
  providers: [
    {
      provide: KAFKA_CLIENT,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig): Kafka =>
        createKafkaClient({
          brokers: config.kafkaBrokers,
          clientId: config.kafkaClientId,
          retries: config.produceRetries,
        }),
    },
    {
      provide: RecordProducer,
      inject: [KAFKA_CLIENT, GATEWAY_CONFIG],
      useFactory: (kafka: Kafka, config: GatewayConfig): RecordProducer =>
        new RecordProducer(kafka, {
          ackTimeoutMs: config.produceAckTimeoutMs,
          retries: config.produceRetries,
        }),
    },
    KafkaLifecycle,
  ],
  exports: [KAFKA_CLIENT, RecordProducer, KafkaLifecycle],
})
export class KafkaModule {}
