import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/public.decorator.js';
import { KafkaLifecycle } from '../kafka/kafka.module.js';

interface HealthReport {
  status: 'up' | 'down';
  checks: Record<string, 'up' | 'down'>;
}

@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly kafka: KafkaLifecycle) {}

  /** Liveness: the process answers. Never depends on Kafka, so an outage does not restart pods. */
  @Get('live')
  live(): HealthReport {
    return { status: 'up', checks: {} };
  }

  /** Readiness: Kafka answers metadata. 503 otherwise, so load balancers route elsewhere. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const kafka = (await this.kafka.isReachable()) ? 'up' : 'down';
    if (kafka === 'down') void reply.status(503);
    return { status: kafka, checks: { kafka } };
  }
}
