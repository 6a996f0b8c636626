import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal, RequestWithPrincipal } from '../common/principal.js';
import { RequireRole } from '../common/require-role.decorator.js';
import type { DeadLetterScan } from './dead-letter-reader.js';
import type { CommandAccepted } from './subscription-commands.service.js';
import { SubscriptionCommandsService } from './subscription-commands.service.js';
import type { SubscriptionView } from './subscriptions.dto.js';
import {
  parseCommandBody,
  parseDeadLetterQuery,
  parseListQuery,
  parseSubscriptionBody,
  parseSubscriptionPatch,
} from './subscriptions.dto.js';
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
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly commands: SubscriptionCommandsService,
  ) {}

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

  /** Sets `purpose` and `legalBasis` (the disclosure log records them with each delivery). */
  @Patch(':id')
  patch(
    @Param('id') id: string,
    @Body() body: Buffer | undefined,
    @Req() request: RequestWithPrincipal,
  ): Promise<SubscriptionView> {
    return this.subscriptions.setDisclosureBasis(id, parseSubscriptionPatch(body), caller(request));
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

  /** The subscription's dead letters (metadata, never payloads), oldest first. */
  @Get(':id/dead-letters')
  deadLetters(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() request: RequestWithPrincipal,
  ): Promise<DeadLetterScan & { subscriptionId: string }> {
    return this.commands.deadLetters(id, caller(request), parseDeadLetterQuery(query).limit);
  }

  /** 202: the router sends the dead letters again (those dead-lettered before `since` are skipped). */
  @Post(':id/redrive')
  @HttpCode(202)
  redrive(
    @Param('id') id: string,
    @Body() body: Buffer | undefined,
    @Req() request: RequestWithPrincipal,
  ): Promise<CommandAccepted> {
    return this.commands.redrive(id, parseCommandBody(body, { sinceRequired: false }), caller(request));
  }

  /** 202: the router re-delivers every matching record accepted since `since`. */
  @Post(':id/replay')
  @HttpCode(202)
  replay(
    @Param('id') id: string,
    @Body() body: Buffer | undefined,
    @Req() request: RequestWithPrincipal,
  ): Promise<CommandAccepted> {
    return this.commands.replay(id, parseCommandBody(body, { sinceRequired: true })!, caller(request));
  }
}
