import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import type { RequestWithPrincipal } from './principal.js';
import { IS_PUBLIC_ROUTE } from './public.decorator.js';

/**
 * The global guard every route passes through (secure by default: routes opt out with
 * `@Public()`). Token authentication arrives with the trust issue; until then every caller is
 * the configured anonymous agency, so adding authentication changes no route.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    request.principal = { agencyId: this.config.anonymousAgencyId, authenticated: false };
    return true;
  }
}
