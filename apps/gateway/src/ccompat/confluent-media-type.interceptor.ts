import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import { CONFLUENT_MEDIA_TYPE } from './confluent.exception.js';

/** Answers `/ccompat` routes in Confluent's media type, as its clients expect. */
@Injectable()
export class ConfluentMediaTypeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    void context.switchToHttp().getResponse<FastifyReply>().header('content-type', CONFLUENT_MEDIA_TYPE);
    return next.handle();
  }
}
