import { readFileSync } from 'node:fs';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ensureTopics } from '@lienthong/kafka';
import { registryTopicSpec, RegistryLog, RegistryState, SchemaRegistry } from '@lienthong/registry';
import { parseAgencyJwks } from '@lienthong/trust';
import type { Kafka } from 'kafkajs';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import { KAFKA_CLIENT } from '../kafka/kafka-client.token.js';
import { KafkaLifecycle } from '../kafka/kafka-lifecycle.service.js';
import { readSeedCatalogue } from './seed-catalogue.js';

/**
 * Starts this replica's copy of the registry: creates `lienthong.registry` if needed, replays it
 * from the start (readiness waits for this), then seeds `schemas/` idempotently.
 */
@Injectable()
export class RegistryLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Registry');

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly log: RegistryLog,
    private readonly registry: SchemaRegistry,
    private readonly state: RegistryState,
    private readonly kafkaLifecycle: KafkaLifecycle,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.kafkaLifecycle.connected();
    await ensureTopics(this.kafka, [registryTopicSpec(this.config.kafkaReplicationFactor)]);
    const started = Date.now();
    await this.log.start();
    const { applied } = this.log.progress();
    this.logger.log(`caught up with ${applied} registry records in ${Date.now() - started} ms`);
    await this.bootstrapOperator();
    let seeded = 0;
    for (const entry of readSeedCatalogue(this.config.schemasDir)) {
      const result = await this.registry.register(entry.type, entry.input);
      if (result.created) seeded++;
    }
    if (seeded > 0) this.logger.log(`seeded ${seeded} schema version(s) from ${this.config.schemasDir}`);
    await this.kafkaLifecycle.ensureRecordTopics(this.state.types());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.log.stop();
  }

  /**
   * A fresh install must be administrable: the operator named by BOOTSTRAP_OPERATOR_ID with
   * the keys of BOOTSTRAP_OPERATOR_JWKS exists from the first start. Idempotent; never undoes
   * what operators changed later (a suspension, a revoked key stays).
   */
  private async bootstrapOperator(): Promise<void> {
    const source = this.config.bootstrapOperatorJwks;
    if (!source) {
      this.logger.warn('BOOTSTRAP_OPERATOR_JWKS is not set: no bootstrap operator');
      return;
    }
    const jwks: unknown = JSON.parse(
      source.trimStart().startsWith('{') ? source : readFileSync(source, 'utf8'),
    );
    const keys = parseAgencyJwks(jwks);
    const id = this.config.bootstrapOperatorId;
    const agencies = this.state.agencies;
    if (!agencies.get(id)) {
      await this.log.append(
        'agency',
        id,
        {
          name: 'Quản trị hệ thống (bootstrap operator)',
          status: 'active',
          roles: ['operator', 'integrator'],
        },
        id,
      );
      this.logger.log(`created bootstrap operator ${id}`);
    }
    for (const key of keys) {
      if (agencies.keyStatus(id, key.kid) === undefined) {
        await this.log.append(
          'agency-key',
          `${id}/${key.kid}`,
          { jwk: { ...key.jwk }, status: 'active' },
          id,
        );
      }
    }
  }
}
