import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { LienthongError } from '@lienthong/contracts';
import type { AgencyRole } from '@lienthong/registry';
import { RegistryState } from '@lienthong/registry';
import { AccessTokenVerifier, TrustError } from '@lienthong/trust';
import type { FastifyRequest } from 'fastify';
import type { Principal, RequestWithPrincipal } from './principal.js';
import { IS_PUBLIC_ROUTE } from './public.decorator.js';
import { REQUIRED_ROLES } from './require-role.decorator.js';

/**
 * The global guard every route passes through (secure by default: routes opt out with
 * `@Public()`). Verifies the Bearer access token (RFC 6750; verified tokens are cached for
 * their lifetime), then checks the live registry, so a suspended agency or a revoked key
 * stops working at once on every replica, and enforces `@RequireRole`.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly registry: RegistryState,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & RequestWithPrincipal>();
    const token = bearerToken(request.headers.authorization);
    const verified = await this.verifier.verify(token);
    const agencies = this.registry.agencies;
    const agency = agencies.get(verified.agencyId);
    if (!agency) throw new TrustError('access-token', 'agency-unknown');
    if (agency.status !== 'active') throw new TrustError('access-token', 'agency-suspended');
    if (
      verified.clientKeyId !== undefined &&
      agencies.keyStatus(verified.agencyId, verified.clientKeyId) !== 'active'
    ) {
      throw new TrustError('access-token', 'key-revoked');
    }
    const principal: Principal = { agencyId: agency.id, roles: agency.roles };
    if (verified.clientKeyId !== undefined) principal.clientKeyId = verified.clientKeyId;
    request.principal = principal;

    const required = this.reflector.getAllAndOverride<AgencyRole[] | undefined>(REQUIRED_ROLES, targets);
    if (required && !required.some((role) => principal.roles.includes(role))) {
      throw new LienthongError('forbidden', {
        detail: `This action needs the ${required.join(' or ')} role.`,
        detailVi: `Thao tác này cần vai trò ${required.join(' hoặc ')}.`,
      });
    }
    return true;
  }
}

/** RFC 6750 section 2.1: `Authorization: Bearer <token>`; anything else is a missing token. */
function bearerToken(header: string | undefined): string {
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i.exec(header ?? '');
  if (!match) throw new TrustError('access-token', 'missing');
  return match[1]!;
}
