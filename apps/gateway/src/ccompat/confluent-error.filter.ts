import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, Logger } from '@nestjs/common';
import type { Language } from '@lienthong/contracts';
import { LienthongError, negotiateLanguage } from '@lienthong/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConfluentErrorBody } from './confluent.exception.js';
import {
  CONFLUENT_CODES,
  CONFLUENT_MEDIA_TYPE,
  ConfluentError,
  toConfluentError,
} from './confluent.exception.js';

/**
 * Renders errors on `/ccompat` routes the way Confluent Schema Registry does, because that is
 * what its clients parse (`{error_code, message}`), instead of RFC 9457 problem details.
 */
@Catch()
export class ConfluentErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Ccompat');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const lang = negotiateLanguage(request.headers['accept-language']);
    const error = this.toConfluent(exception, request, lang);
    if (error.status === 503) void reply.header('retry-after', '5');
    // RFC 6750 section 3: tell the client how to authenticate.
    if (error.status === 401)
      void reply.header('www-authenticate', 'Bearer realm="lienthong", error="invalid_token"');
    const body: ConfluentErrorBody = { error_code: error.errorCode, message: error.message };
    void reply
      .status(error.status)
      .header('content-type', CONFLUENT_MEDIA_TYPE)
      .header('content-language', lang)
      .send(JSON.stringify(body));
  }

  private toConfluent(exception: unknown, request: FastifyRequest, lang: Language): ConfluentError {
    if (exception instanceof ConfluentError) return exception;
    if (exception instanceof LienthongError) return toConfluentError(exception, lang);
    const status =
      exception instanceof HttpException
        ? exception.getStatus()
        : (exception as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return new ConfluentError(
        status,
        status,
        exception instanceof Error ? exception.message : `HTTP ${status}`,
      );
    }
    this.logger.error(
      `request ${String(request.id)} failed: ${exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception)}`,
      exception instanceof Error ? exception.stack : undefined,
    );
    return new ConfluentError(
      500,
      CONFLUENT_CODES.internal,
      `Internal error; quote correlation id ${String(request.id)} when reporting it.`,
    );
  }
}
