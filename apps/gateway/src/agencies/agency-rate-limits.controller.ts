import { Body, Controller, Delete, HttpCode, Param, Put, Req } from '@nestjs/common';
import type { RequestWithPrincipal } from '../common/principal.js';
import { RequireRole } from '../common/require-role.decorator.js';
import type { AgencyAdminView } from './agencies.service.js';
import { AgenciesService } from './agencies.service.js';
import { parseAgencyRateLimits } from './agency-rate-limits.dto.js';

function caller(request: RequestWithPrincipal): string {
  if (!request.principal) throw new Error('AccessGuard did not set a principal');
  return request.principal.agencyId;
}

/**
 * Operators' per-agency overrides of the default rate limits. A registry record, so every
 * replica applies it; the agency's next request on a replica that has read it runs under it.
 */
@RequireRole('operator')
@Controller('v1/agencies')
export class AgencyRateLimitsController {
  constructor(private readonly agencies: AgenciesService) {}

  @Put(':id/rate-limits')
  @HttpCode(200)
  set(
    @Param('id') id: string,
    @Body() body: Buffer | undefined,
    @Req() request: RequestWithPrincipal,
  ): Promise<AgencyAdminView> {
    return this.agencies.setRateLimits(id, parseAgencyRateLimits(body), caller(request));
  }

  @Delete(':id/rate-limits')
  @HttpCode(200)
  clear(@Param('id') id: string, @Req() request: RequestWithPrincipal): Promise<AgencyAdminView> {
    return this.agencies.setRateLimits(id, {}, caller(request));
  }
}
