import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/public.decorator.js';
import { RegistryLog } from '@lienthong/registry';
import { KafkaLifecycle } from '../kafka/kafka-lifecycle.service.js';

interface HealthReport {
  status: 'up' | 'down';
  checks: Record<string, 'up' | 'down'>;
}

@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly kafka: KafkaLifecycle,
    private readonly registry: RegistryLog,
  ) {}

  /** Liveness: the process answers. Never depends on Kafka, so an outage does not restart pods. */
  @Get('live')
  live(): HealthReport {
    return { status: 'up', checks: {} };
  }

  /**
   * Readiness: Kafka answers metadata and this replica's registry has caught up with the log.
   * 503 otherwise, so load balancers route elsewhere.
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const kafka = (await this.kafka.isReachable()) ? 'up' : 'down';
    const registry = this.registry.isCaughtUp() ? 'up' : 'down';
    const status = kafka === 'up' && registry === 'up' ? 'up' : 'down';
    if (status === 'down') void reply.status(503);
    return { status, checks: { kafka, registry } };
  }
}
