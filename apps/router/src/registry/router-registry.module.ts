import { Global, Module } from '@nestjs/common';
import { RecordProducer } from '@lienthong/kafka';
import { RegistryLog, RegistryState } from '@lienthong/registry';
import { checkCompatibility } from '@lienthong/schema';
import type { Kafka } from 'kafkajs';
import { KAFKA_CLIENT } from '../kafka/kafka-client.token.js';
import { RouterRegistry } from './router-registry.service.js';

@Global()
@Module({
  providers: [
    { provide: RegistryState, useFactory: (): RegistryState => new RegistryState(checkCompatibility) },
    {
      provide: RegistryLog,
      inject: [KAFKA_CLIENT, RegistryState],
      // The router never appends; the producer is required by the constructor and never connected.
      useFactory: (kafka: Kafka, state: RegistryState): RegistryLog =>
        new RegistryLog(kafka, new RecordProducer(kafka), state),
    },
    RouterRegistry,
  ],
  exports: [RegistryState, RegistryLog, RouterRegistry],
})
export class RouterRegistryModule {}
