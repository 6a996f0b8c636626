import { Body, Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { LienthongError, negotiateLanguage } from '@lienthong/contracts';
import type { IdempotencyStore } from '@lienthong/idempotency';
import { idempotencyScope, readIdempotencyKey, requestFingerprint } from '@lienthong/idempotency';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestWithPrincipal } from '../common/principal.js';
import { RequireRole } from '../common/public.decorator.js';
import { IDEMPOTENCY_STORE } from '../trust/trust.module.js';
import type { PublishContext } from './messages.dto.js';
import { MessagesService } from './messages.service.js';

/** Headers only the gateway sets on a record (CloudEvents attributes in either binding's spelling). */
const GATEWAY_OWNED_HEADER = /^(ce[_-]|lienthong-publisher-)/i;
const IN_FLIGHT_TTL_MS = 30_000;
const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

@RequireRole('publisher')
@Controller('v1/messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
  ) {}

  /** Publishes one record of `type`; 202 with a signed receipt once Kafka has it. */
  @Post(':type')
  @HttpCode(202)
  publish(
    @Param('type') type: string,
    @Body() body: Buffer | undefined,
    @Req() request: FastifyRequest & RequestWithPrincipal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { context, payload } = this.read(request, body);
    return this.once(request, reply, 202, payload, context, () =>
      this.messages.publish(type, payload, context),
    );
  }

  /** Publishes up to 500 records of `type`: per-record results in order, one receipt. */
  @Post(':type/batch')
  @HttpCode(200)
  publishBatch(
    @Param('type') type: string,
    @Body() body: Buffer | undefined,
    @Req() request: FastifyRequest & RequestWithPrincipal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { context, payload } = this.read(request, body);
    return this.once(request, reply, 200, payload, context, () =>
      this.messages.publishBatch(type, payload, context),
    );
  }

  private read(
    request: FastifyRequest & RequestWithPrincipal,
    body: Buffer | undefined,
  ): { context: PublishContext; payload: Buffer } {
    if (!request.principal) throw new Error('AccessGuard did not set a principal');
    for (const name of Object.keys(request.headers)) {
      if (GATEWAY_OWNED_HEADER.test(name)) {
        throw new LienthongError('gateway-owned-header', {
          detail: `Header ${name} is set by the gateway only.`,
          detailVi: `Tiêu đề ${name} chỉ do cổng đặt.`,
        });
      }
    }
    if (
      !/^application\/(?:[a-z0-9!#$&^_.-]+\+)?json\s*(;|$)/i.test(String(request.headers['content-type']))
    ) {
      throw new LienthongError('unsupported-media-type');
    }
    if (!Buffer.isBuffer(body)) throw new LienthongError('empty-body');
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(',') : value;
    };
    return {
      payload: body,
      context: {
        agencyId: request.principal.agencyId,
        traceparent: header('traceparent'),
        schemaVersion: header('lienthong-schema-version'),
        signature: header('lienthong-signature'),
        language: negotiateLanguage(header('accept-language')),
      },
    };
  }

  /**
   * Idempotency-Key (IETF httpapi draft): the first request with a key runs; a retry with the
   * same key and body gets the stored answer and writes nothing; another body is 422; a retry
   * while the first still runs is 409.
   */
  private async once<T>(
    request: FastifyRequest & RequestWithPrincipal,
    reply: FastifyReply,
    status: number,
    body: Buffer,
    context: PublishContext,
    run: () => Promise<T>,
  ): Promise<unknown> {
    const key = readIdempotencyKey(request.headers['idempotency-key']);
    if (key === undefined) return run();
    const path = request.url.split('?')[0]!;
    const scope = idempotencyScope(context.agencyId, 'POST', path);
    // The signature is not part of the request's identity: a retry re-signs (new timestamp).
    const fingerprint = requestFingerprint('POST', path, body, {
      schemaVersion: context.schemaVersion ?? '',
    });
    let begun;
    try {
      begun = await this.idempotency.begin(scope, key, fingerprint, IN_FLIGHT_TTL_MS);
    } catch (cause) {
      throw new LienthongError('idempotency-store-unavailable', { retryAfterSeconds: 5, cause });
    }
    switch (begun.state) {
      case 'completed':
        void reply.status(begun.response.status).header('idempotent-replayed', 'true');
        return JSON.parse(begun.response.body) as unknown;
      case 'in-flight':
        throw new LienthongError('idempotency-request-in-flight');
      case 'mismatch':
        throw new LienthongError('idempotency-key-reused');
      case 'claimed':
        break;
    }
    let result: T;
    try {
      result = await run();
    } catch (error) {
      // Nothing was written unless Kafka may have taken it: a 503 keeps the claim until it
      // expires, so an immediate retry cannot publish a second copy of an ambiguous write.
      if (!(error instanceof LienthongError && error.code === 'kafka-unavailable')) {
        await this.idempotency.abandon(scope, key, fingerprint).catch(() => undefined);
      }
      throw error;
    }
    await this.idempotency
      .complete(
        scope,
        key,
        fingerprint,
        { status, headers: {}, body: JSON.stringify(result) },
        IDEMPOTENCY_TTL_MS,
      )
      .catch(() => undefined);
    return result;
  }
}
