import { Body, Controller, Headers, HttpCode, Param, Post, Req } from '@nestjs/common';
import { LienthongError } from '@lienthong/contracts';
import type { RequestWithPrincipal } from '../common/principal.js';
import type { PublishResult } from './messages.dto.js';
import { MessagesService } from './messages.service.js';

@Controller('v1/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** Publishes one record of `type`; 202 once Kafka has it. */
  @Post(':type')
  @HttpCode(202)
  publish(
    @Param('type') type: string,
    @Body() body: Buffer | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Headers('lienthong-schema-version') schemaVersion: string | undefined,
    @Req() request: RequestWithPrincipal,
  ): Promise<PublishResult> {
    if (!request.principal) throw new Error('AccessGuard did not set a principal');
    if (!Buffer.isBuffer(body)) throw new LienthongError('empty-body');
    return this.messages.publish(type, body, {
      agencyId: request.principal.agencyId,
      traceparent,
      schemaVersion,
    });
  }
}
