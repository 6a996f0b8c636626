import { Inject, Injectable, Logger } from '@nestjs/common';
import { LienthongError } from '@lienthong/contracts';
import { LienthongMetrics } from '@lienthong/observability';
import type { RateLimitedRoute } from '@lienthong/registry';
import { RATE_LIMITED_ROUTES, RegistryState } from '@lienthong/registry';
import type { FastifyReply } from 'fastify';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import type { RateLimitPolicy, RateLimiter } from './token-bucket.js';

export const RATE_LIMITER = Symbol('RATE_LIMITER');

export type { RateLimitedRoute } from '@lienthong/registry';

/** The limits an agency runs under on one route, and whether an operator set them. */
export interface EffectiveRateLimit {
  perSecond: number;
  burst: number;
  source: 'agency' | 'default';
}

/**
 * Per-agency limits on the token endpoint and the publish routes, so that one agency's flood
 * cannot take a shared gateway from the others. The defaults come from the configuration; an
 * operator's override for one agency is a registry record (`agency-rate-limits`), read on every
 * take, so it holds from the next request on each replica that has applied it. Answers carry
 * the IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers: `RateLimit-Policy` and
 * `RateLimit`); a refusal is `429 rate-limited` with `Retry-After`.
 */
@Injectable()
export class AgencyRateLimits {
  private readonly logger = new Logger('RateLimit');
  private readonly defaults: Record<RateLimitedRoute, RateLimitPolicy>;

  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    private readonly metrics: LienthongMetrics,
    private readonly registry: RegistryState,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.defaults = {
      token: { name: 'token', ...config.rateLimits.token },
      publish: { name: 'publish', ...config.rateLimits.publish },
    };
  }

  /** The policy `agencyId` runs under on `route`: its override, else the default. */
  policy(route: RateLimitedRoute, agencyId: string): RateLimitPolicy {
    const override = this.registry.rateLimits.forRoute(agencyId, route);
    if (!override) return this.defaults[route];
    return { name: route, ratePerSecond: override.perSecond, burst: override.burst };
  }

  /** Every route's limits for `agencyId`, as operators see them on the agency. */
  effective(agencyId: string): Record<RateLimitedRoute, EffectiveRateLimit> {
    const limits = {} as Record<RateLimitedRoute, EffectiveRateLimit>;
    for (const route of RATE_LIMITED_ROUTES) {
      const { ratePerSecond, burst } = this.policy(route, agencyId);
      const overridden = this.registry.rateLimits.forRoute(agencyId, route) !== undefined;
      limits[route] = { perSecond: ratePerSecond, burst, source: overridden ? 'agency' : 'default' };
    }
    return limits;
  }

  /**
   * Takes `cost` (1 per token request, 1 per record) from the agency's bucket for `route`; sets
   * the RateLimit headers on `reply`; throws `rate-limited` when the bucket is short.
   */
  async take(route: RateLimitedRoute, agencyId: string, cost: number, reply: FastifyReply): Promise<void> {
    const policy = this.policy(route, agencyId);
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
