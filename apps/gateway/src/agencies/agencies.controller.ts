import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import type { AgencyView } from '@lienthong/registry';
import type { RequestWithPrincipal } from '../common/principal.js';
import { RequireRole } from '../common/require-role.decorator.js';
import { parseAddKeys, parseCreateAgency, parseGrantRight } from './agencies.dto.js';
import { AgenciesService } from './agencies.service.js';

function caller(request: RequestWithPrincipal): string {
  if (!request.principal) throw new Error('AccessGuard did not set a principal');
  return request.principal.agencyId;
}

/** Operator administration of agencies, their keys and grants. */
@RequireRole('operator')
@Controller('v1/agencies')
export class AgenciesController {
  constructor(private readonly agencies: AgenciesService) {}

  @Get()
  list(): AgencyView[] {
    return this.agencies.list();
  }

  @Get(':id')
  get(@Param('id') id: string): AgencyView {
    return this.agencies.get(id);
  }

  @Post()
  @HttpCode(201)
  create(@Body() body: Buffer | undefined, @Req() request: RequestWithPrincipal): Promise<AgencyView> {
    return this.agencies.create(parseCreateAgency(body), caller(request));
  }

  @Post(':id/suspend')
  @HttpCode(200)
  suspend(@Param('id') id: string, @Req() request: RequestWithPrincipal): Promise<AgencyView> {
    return this.agencies.setStatus(id, 'suspended', caller(request));
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  reactivate(@Param('id') id: string, @Req() request: RequestWithPrincipal): Promise<AgencyView> {
    return this.agencies.setStatus(id, 'active', caller(request));
  }

  @Post(':id/keys')
  @HttpCode(200)
  addKeys(
    @Param('id') id: string,
    @Body() body: Buffer | undefined,
    @Req() request: RequestWithPrincipal,
  ): Promise<AgencyView> {
    return this.agencies.addKeys(id, parseAddKeys(body), caller(request));
  }

  @Delete(':id/keys/:kid')
  @HttpCode(200)
  revokeKey(
    @Param('id') id: string,
    @Param('kid') kid: string,
    @Req() request: RequestWithPrincipal,
  ): Promise<AgencyView> {
    return this.agencies.revokeKey(id, kid, caller(request));
  }

  @Put(':id/grants/:right/:type')
  @HttpCode(200)
  async grant(
    @Param('id') id: string,
    @Param('right') right: string,
    @Param('type') type: string,
    @Req() request: RequestWithPrincipal,
  ): Promise<AgencyView> {
    this.agencies.get(id);
    await this.agencies.setGrant(id, parseGrantRight(right, type), type, true, caller(request));
    return this.agencies.get(id);
  }

  @Delete(':id/grants/:right/:type')
  @HttpCode(200)
  async revokeGrant(
    @Param('id') id: string,
    @Param('right') right: string,
    @Param('type') type: string,
    @Req() request: RequestWithPrincipal,
  ): Promise<AgencyView> {
    this.agencies.get(id);
    await this.agencies.setGrant(id, parseGrantRight(right, type), type, false, caller(request));
    return this.agencies.get(id);
  }
}
