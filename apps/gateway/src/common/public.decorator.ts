import { SetMetadata } from '@nestjs/common';
import type { AgencyRole } from '@lienthong/registry';

export const IS_PUBLIC_ROUTE = 'lienthong:public-route';
export const REQUIRED_ROLES = 'lienthong:required-roles';

/** Marks one of the few routes that need no access token (health, metrics, JWKS, docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_ROUTE, true);

/** The caller must hold one of these roles (deny by default: no role, no access). */
export const RequireRole = (...roles: AgencyRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);
