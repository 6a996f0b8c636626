import { SetMetadata } from '@nestjs/common';
import type { AgencyRole } from '@lienthong/registry';

export const REQUIRED_ROLES = 'lienthong:required-roles';

/** The caller must hold one of these roles (deny by default: no role, no access). */
export const RequireRole = (...roles: AgencyRole[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);
