import { Global, Module } from '@nestjs/common';
import { RecordProducer } from '@lienthong/kafka';
import type { RegistryStateMachine } from '@lienthong/registry';
import {
  RegistryLog,
  RegistryState,
  SchemaRegistry,
  SchemaValidators,
  safeCompile,
} from '@lienthong/registry';
import { checkCompatibility } from '@lienthong/schema';
import type { Kafka } from 'kafkajs';
import { GatewayAudit } from '../audit/gateway-audit.service.js';
import { registryAuditFacts, registryEntityExists } from '../audit/registry-audit-facts.js';
import { KAFKA_CLIENT } from '../kafka/kafka-client.token.js';
import { KafkaLifecycle } from '../kafka/kafka-lifecycle.service.js';
import { RegistryLifecycle } from './registry-lifecycle.service.js';

@Global()
@Module({
  providers: [
    { provide: RegistryState, useFactory: (): RegistryState => new RegistryState(checkCompatibility) },
    {
      provide: SchemaValidators,
      inject: [RegistryState],
      useFactory: (state: RegistryState): SchemaValidators => new SchemaValidators(state, safeCompile),
    },
    {
      provide: RegistryLog,
      inject: [KAFKA_CLIENT, RecordProducer, RegistryState, GatewayAudit],
      useFactory: (kafka: Kafka, producer: RecordProducer, state: RegistryState, audit: GatewayAudit) => {
        // Every replica applies every record; the one that wrote a change audits it, once.
        const machine: RegistryStateMachine = {
          apply: (record) => {
            const own = record.writer === log.replicaId;
            const existed = own && registryEntityExists(state, record);
            const outcome = state.apply(record);
            const facts = own ? registryAuditFacts(record, outcome, existed) : undefined;
            if (facts) audit.record(facts);
            return outcome;
          },
        };
        const log: RegistryLog = new RegistryLog(kafka, producer, machine);
        return log;
      },
    },
    {
      provide: SchemaRegistry,
      inject: [RegistryLog, RegistryState, SchemaValidators, KafkaLifecycle],
      useFactory: (
        log: RegistryLog,
        state: RegistryState,
        validators: SchemaValidators,
        kafka: KafkaLifecycle,
      ) =>
        new SchemaRegistry(log, state, {
          vet: (type, input) => validators.vet(type, input),
          compatibility: checkCompatibility,
          ensureRecordTopic: (type) => kafka.ensureRecordTopics([type]),
        }),
    },
    RegistryLifecycle,
  ],
  exports: [RegistryState, RegistryLog, SchemaRegistry, SchemaValidators, RegistryLifecycle],
})
export class RegistryModule {}
