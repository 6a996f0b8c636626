import { Global, Module } from '@nestjs/common';
import { createKafkaClient } from '@lienthong/kafka';
import type { Kafka } from 'kafkajs';
import type { RouterConfig } from '../config/router-config.js';
import { ROUTER_CONFIG } from '../config/router-config.js';
import { KAFKA_CLIENT } from './kafka-client.token.js';
import { RouterKafka } from './router-kafka.service.js';

@Global()
@Module({
  providers: [
    {
      provide: KAFKA_CLIENT,
      inject: [ROUTER_CONFIG],
      useFactory: (config: RouterConfig): Kafka =>
        createKafkaClient({ brokers: config.kafkaBrokers, clientId: config.kafkaClientId }),
    },
    RouterKafka,
  ],
  exports: [KAFKA_CLIENT, RouterKafka],
})
export class RouterKafkaModule {}
