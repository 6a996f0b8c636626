import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RouterLifecycle } from '../router.lifecycle.js';

interface HealthReport {
  status: 'up' | 'down';
  checks: Record<string, 'up' | 'down'>;
}

@Controller('health')
export class HealthController {
  constructor(private readonly lifecycle: RouterLifecycle) {}

  /** Liveness: the process answers. Never depends on Kafka. */
  @Get('live')
  live(): HealthReport {
    return { status: 'up', checks: {} };
  }

  /** Readiness: Kafka answers, the registry replica caught up, the record consumer joined its group. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const checks = await this.lifecycle.checks();
    const status = Object.values(checks).every((c) => c === 'up') ? 'up' : 'down';
    if (status === 'down') void reply.status(503);
    return { status, checks };
  }
}
