import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, Logger } from '@nestjs/common';
import type { ProblemCode } from '@lienthong/contracts';
import { LienthongError, negotiateLanguage, toProblemDetails } from '@lienthong/contracts';
import { LienthongMetrics } from '@lienthong/observability';
import { TrustError } from '@lienthong/trust';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestWithPrincipal } from './principal.js';

/** Fastify's own error codes that reach us before a route handler runs. */
const FASTIFY_CODES: Record<string, ProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty-body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
};

const STATUS_CODES: Record<number, ProblemCode> = {
  400: 'bad-request',
  404: 'route-not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
};

/**
 * The one mapper from errors to RFC 9457 problem details. Domain errors keep their code;
 * framework errors get a catalogue code; anything else is a 500 that shows only the
 * correlation id (the request id), while the log line has the cause.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  constructor(private readonly metrics: LienthongMetrics) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest & RequestWithPrincipal>();
    const reply = http.getResponse<FastifyReply>();
    const error = this.toDomainError(exception, request);
    this.count(error, request);
    const lang = negotiateLanguage(request.headers['accept-language']);
    const problem = toProblemDetails(error, lang, {
      instance: problemInstance(request.url),
      correlationId: String(request.id),
    });
    if (problem.status === 401) {
      // RFC 6750 section 3: tell the client how to authenticate.
      void reply.header('www-authenticate', 'Bearer realm="lienthong", error="invalid_token"');
    }
    if (error.options.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(error.options.retryAfterSeconds));
    }
    void reply
      .status(problem.status)
      .header('content-type', 'application/problem+json; charset=utf-8')
      .header('content-language', lang)
      .send(JSON.stringify(problem));
  }

  /** Rejections of publishes by type, agency and code; authentication failures by reason. */
  private count(error: LienthongError, request: FastifyRequest & RequestWithPrincipal): void {
    if (error instanceof TrustError) this.metrics.authFailure(error.reason, error.context);
    if (request.routeOptions?.url?.startsWith('/v1/messages/')) {
      const type = (request.params as { type?: string } | undefined)?.type;
      this.metrics.rejected(type, request.principal?.agencyId, error.code);
    }
  }

  private toDomainError(exception: unknown, request: FastifyRequest): LienthongError {
    if (exception instanceof LienthongError) {
      if (exception.code === 'kafka-unavailable') {
        this.logger.warn(`request ${String(request.id)}: ${describeCause(exception.options.cause)}`);
      }
      return exception;
    }
    const fastifyCode = (exception as { code?: unknown } | null)?.code;
    if (typeof fastifyCode === 'string' && fastifyCode in FASTIFY_CODES) {
      return new LienthongError(FASTIFY_CODES[fastifyCode]!);
    }
    const status =
      exception instanceof HttpException
        ? exception.getStatus()
        : (exception as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return new LienthongError(STATUS_CODES[status] ?? 'bad-request');
    }
    this.logger.error(
      `request ${String(request.id)} failed: ${describeCause(exception)}`,
      exception instanceof Error ? exception.stack : undefined,
    );
    return new LienthongError('internal-error');
  }
}

/** Paths whose segments after this prefix are personal data (a data subject's id). */
const PERSONAL_PATH_PREFIX = '/v1/data-subjects/';

/** The request path as a problem's `instance`; never a data subject's id (Law 91/2025/QH15). */
function problemInstance(url: string): string {
  const path = url.split('?')[0]!;
  if (!path.startsWith(PERSONAL_PATH_PREFIX)) return path;
  const rest = path.slice(PERSONAL_PATH_PREFIX.length).split('/').slice(1);
  return [`${PERSONAL_PATH_PREFIX}{subjectId}`, ...rest].join('/');
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
