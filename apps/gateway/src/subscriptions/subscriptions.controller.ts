import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal, RequestWithPrincipal } from '../common/principal.js';
import { RequireRole } from '../common/public.decorator.js';
import type { SubscriptionView } from './subscriptions.dto.js';
import { parseListQuery, parseSubscriptionBody } from './subscriptions.dto.js';
import { SubscriptionsService } from './subscriptions.service.js';

function caller(request: RequestWithPrincipal): Principal {
  if (!request.principal) throw new Error('AccessGuard did not set a principal');
  return request.principal;
}

/**
 * `/v1/subscriptions`: subscribers create and manage their own subscriptions; operators manage
 * every agency's. Grants per type are checked by the service.
 */
@RequireRole('subscriber', 'operator')
@Controller('v1/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  /** 201 with the subscription; a webhook's secret is shown in this answer only. */
  @Post()
  @RequireRole('subscriber')
  @HttpCode(201)
  async create(
    @Body() body: Buffer | undefined,
    @Req() request: RequestWithPrincipal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubscriptionView> {
    const created = await this.subscriptions.create(parseSubscriptionBody(body), caller(request));
    void reply.header('location', `/v1/subscriptions/${created.id}`);
    return created;
  }

  @Get()
  list(@Query() query: Record<string, unknown>, @Req() request: RequestWithPrincipal): SubscriptionView[] {
    return this.subscriptions.list(caller(request), parseListQuery(query));
  }

  @Get(':id')
  get(@Param('id') id: string, @Req() request: RequestWithPrincipal): SubscriptionView {
    return this.subscriptions.get(id, caller(request));
  }

  @Post(':id/pause')
  @HttpCode(200)
  pause(@Param('id') id: string, @Req() request: RequestWithPrincipal): Promise<SubscriptionView> {
    return this.subscriptions.setStatus(id, 'paused', caller(request));
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id') id: string, @Req() request: RequestWithPrincipal): Promise<SubscriptionView> {
    return this.subscriptions.setStatus(id, 'active', caller(request));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string, @Req() request: RequestWithPrincipal): Promise<void> {
    await this.subscriptions.delete(id, caller(request));
  }
}
