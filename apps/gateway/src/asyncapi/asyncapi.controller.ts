import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../common/public.decorator.js';
import { ASYNCAPI_MEDIA_TYPE } from './asyncapi-document.js';
import { AsyncApiService } from './asyncapi.service.js';

/** `GET /asyncapi.json`: the record topics as an AsyncAPI 3.0 document. Public, like the JWKS. */
@Public()
@Controller()
export class AsyncApiController {
  constructor(private readonly asyncapi: AsyncApiService) {}

  @Get('asyncapi.json')
  @Header('content-type', `${ASYNCAPI_MEDIA_TYPE}; charset=utf-8`)
  document(): string {
    return this.asyncapi.document();
  }
}
