import { Body, Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { LienthongError, negotiateLanguage, problemStatus } from '@lienthong/contracts';
import type { ClaimResult, IdempotencyClaim, IdempotencyStore } from '@lienthong/idempotency';
import {
  idempotencyRecordTag,
  idempotencyScope,
  readIdempotencyKey,
  requestFingerprint,
} from '@lienthong/idempotency';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestWithPrincipal } from '../common/principal.js';
import { RequireRole } from '../common/require-role.decorator.js';
import { AgencyRateLimits } from '../rate-limit/rate-limit.service.js';
import { IDEMPOTENCY_STORE } from '../trust/trust.module.js';
import type { PublishContext } from './messages.dto.js';
import { MessagesService } from './messages.service.js';
import { PublishRecovery } from './publish-recovery.service.js';

/** Headers only the gateway sets on a record (CloudEvents attributes in either binding's spelling). */
const GATEWAY_OWNED_HEADER = /^(ce[_-]|lienthong-publisher-)/i;
/** Answers are replayed, and claims kept, for a day (the retry window clients are promised). */
const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/**
 * A claim's holder renews its lease every RENEW_EVERY_MS while its publish runs; a lease that
 * lapsed means the holder died mid-request, and a retry may take over (after looking in Kafka).
 */
const LEASE_MS = 15_000;
const RENEW_EVERY_MS = 5_000;
/** Longest a takeover may spend reading Kafka for an earlier attempt's records. */
const RECOVERY_TIMEOUT_MS = 30_000;

@RequireRole('publisher')
@Controller('v1/messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly recovery: PublishRecovery,
    private readonly rateLimits: AgencyRateLimits,
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
    return this.audited(type, request, body, () => {
      const { context, payload } = this.read(request, body, reply);
      return this.once(request, reply, type, 202, payload, context, (ctx) =>
        this.messages.publish(type, payload, ctx),
      );
    });
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
    return this.audited(type, request, body, () => {
      const { context, payload } = this.read(request, body, reply);
      return this.once(request, reply, type, 200, payload, context, (ctx) =>
        this.messages.publishBatch(type, payload, ctx),
      );
    });
  }

  /** Every refusal of an authenticated publish is in the audit trail (accepted ones too, by the service). */
  private async audited(
    type: string,
    request: FastifyRequest & RequestWithPrincipal,
    body: Buffer | undefined,
    run: () => Promise<unknown>,
  ): Promise<unknown> {
    try {
      return await run();
    } catch (error) {
      this.messages.auditRefusal(type, request.principal?.agencyId, body, error);
      throw error;
    }
  }

  private read(
    request: FastifyRequest & RequestWithPrincipal,
    body: Buffer | undefined,
    reply: FastifyReply,
  ): { context: PublishContext; payload: Buffer } {
    if (!request.principal) throw new Error('AccessGuard did not set a principal');
    const agencyId = request.principal.agencyId;
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
        admit: (records) => this.rateLimits.take('publish', agencyId, records, reply),
      },
    };
  }

  /**
   * Idempotency-Key (IETF httpapi draft): the first request with a key runs; a retry with the
   * same key and body gets the stored answer and writes nothing; another body is 422; a retry
   * while the first still runs is 409. Exactly once across crashes and Kafka outages
   * (docs/reliability.md, "Exactly once"): every record carries a digest of scope and key; a
   * claim is kept until it completes; a retry takes over a claim whose holder died (lapsed lease)
   * or whose write ended ambiguously (503), and first looks in Kafka for the earlier attempt's
   * records — found, it answers from them; not found, it writes.
   */
  private async once<T>(
    request: FastifyRequest & RequestWithPrincipal,
    reply: FastifyReply,
    type: string,
    status: number,
    body: Buffer,
    context: PublishContext,
    run: (context: PublishContext) => Promise<T>,
  ): Promise<unknown> {
    const key = readIdempotencyKey(request.headers['idempotency-key']);
    if (key === undefined) return run(context);
    const path = request.url.split('?')[0]!;
    const scope = idempotencyScope(context.agencyId, 'POST', path);
    // The signature is not part of the request's identity: a retry re-signs (new timestamp).
    const fingerprint = requestFingerprint('POST', path, body, {
      schemaVersion: context.schemaVersion ?? '',
    });
    let found = await this.store(() =>
      this.idempotency.claim(scope, key, fingerprint, IDEMPOTENCY_TTL_MS, LEASE_MS),
    );
    if (found.state === 'held' && isStale(found.claim)) {
      const stale = found.claim.token;
      found = await this.store(() =>
        this.idempotency.takeOver(scope, key, fingerprint, stale, IDEMPOTENCY_TTL_MS, LEASE_MS),
      );
    }
    switch (found.state) {
      case 'completed':
        void reply.status(found.response.status).header('idempotent-replayed', 'true');
        return JSON.parse(found.response.body) as unknown;
      case 'held':
        throw new LienthongError('idempotency-request-in-flight', {
          retryAfterSeconds: Math.max(1, Math.ceil((found.claim.leaseUntil - Date.now()) / 1000)),
        });
      case 'mismatch':
        throw new LienthongError('idempotency-key-reused');
      case 'claimed':
        break;
    }
    const claim = found.claim;
    const renewal = setInterval(() => {
      void this.idempotency.renew(scope, key, fingerprint, claim.token, LEASE_MS).catch(() => undefined);
    }, RENEW_EVERY_MS);
    renewal.unref();
    const tag = idempotencyRecordTag(scope, key);
    let result: T;
    let recovered = 0;
    try {
      let written;
      if (claim.attempt > 1) {
        // An earlier attempt may have written: look before writing (never write blind).
        written = await this.recovery
          .findWritten(type, tag, claim.firstStartedAt, RECOVERY_TIMEOUT_MS)
          .catch((cause: unknown) => {
            throw new LienthongError('kafka-unavailable', { retryAfterSeconds: 5, cause });
          });
        recovered = written.size;
      }
      result = await run({ ...context, idempotency: { tag, ...(written ? { written } : {}) } });
    } catch (error) {
      // A refusal (4xx) happens before any write: the key is released for a corrected retry.
      // Anything else may have written (a 503 after the broker appended, a crash after the ack):
      // the claim stays, marked so that the next retry takes it over and looks in Kafka first.
      const wroteNothing = error instanceof LienthongError && problemStatus(error.code) < 500;
      await (
        wroteNothing
          ? this.idempotency.release(scope, key, fingerprint, claim.token)
          : this.idempotency.markAmbiguous(scope, key, fingerprint, claim.token)
      ).catch(() => undefined);
      throw error;
    } finally {
      clearInterval(renewal);
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
    if (recovered > 0) void reply.header('idempotent-recovered', String(recovered));
    return result;
  }

  private async store(operation: () => Promise<ClaimResult>): Promise<ClaimResult> {
    try {
      return await operation();
    } catch (cause) {
      throw new LienthongError('idempotency-store-unavailable', { retryAfterSeconds: 5, cause });
    }
  }
}

/** A claim a retry may take over: its holder's write ended ambiguously, or its holder is gone. */
function isStale(claim: IdempotencyClaim): boolean {
  return claim.ambiguous || Date.now() > claim.leaseUntil;
}
