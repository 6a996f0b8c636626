import { Inject, Injectable, Logger } from '@nestjs/common';
import { LienthongError } from '@lienthong/contracts';
import { LienthongMetrics } from '@lienthong/observability';
import type { FastifyReply } from 'fastify';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import type { RateLimitPolicy, RateLimiter } from './token-bucket.js';

export const RATE_LIMITER = Symbol('RATE_LIMITER');

export type RateLimitedRoute = 'token' | 'publish';

/**
 * Per-agency limits on the token endpoint and the publish routes, so that one agency's flood
 * cannot take a shared gateway from the others. Answers carry the IETF RateLimit headers
 * (draft-ietf-httpapi-ratelimit-headers: `RateLimit-Policy` and `RateLimit`); a refusal is
 * `429 rate-limited` with `Retry-After`.
 */
@Injectable()
export class AgencyRateLimits {
  private readonly logger = new Logger('RateLimit');
  private readonly policies: Record<RateLimitedRoute, RateLimitPolicy>;

  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    private readonly metrics: LienthongMetrics,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.policies = {
      token: { name: 'token', ...config.rateLimits.token },
      publish: { name: 'publish', ...config.rateLimits.publish },
    };
  }

  /**
   * Takes `cost` (1 per token request, 1 per record) from the agency's bucket for `route`; sets
   * the RateLimit headers on `reply`; throws `rate-limited` when the bucket is short.
   */
  async take(route: RateLimitedRoute, agencyId: string, cost: number, reply: FastifyReply): Promise<void> {
    const policy = this.policies[route];
    let decision;
    try {
      decision = await this.limiter.take(agencyId, cost, policy);
    } catch (error) {
      // A limiter outage must not stop publishing: the limit protects the gateway, it is not a
      // right that needs proving. Logged, so an operator sees the store is down.
      this.logger.warn(`rate limiter unavailable, request let through: ${String(error)}`);
      return;
    }
    const window = Math.max(1, Math.ceil(policy.burst / policy.ratePerSecond));
    void reply
      .header('ratelimit-policy', `"${policy.name}";q=${policy.burst};w=${window}`)
      .header('ratelimit', `"${policy.name}";r=${decision.remaining};t=${decision.resetSeconds}`);
    if (decision.allowed) return;
    this.metrics.rateLimited(route, agencyId);
    throw new LienthongError('rate-limited', {
      retryAfterSeconds: Math.max(1, decision.retryAfterSeconds),
      detail:
        `Your agency may make ${policy.ratePerSecond} ${route === 'token' ? 'token requests' : 'record publishes'} ` +
        `per second (bursts of ${policy.burst}).`,
      detailVi:
        `Cơ quan của bạn được gửi tối đa ${policy.ratePerSecond} ${route === 'token' ? 'yêu cầu cấp token' : 'bản ghi'} ` +
        `mỗi giây (tối đa ${policy.burst} trong một đợt).`,
    });
  }
}
