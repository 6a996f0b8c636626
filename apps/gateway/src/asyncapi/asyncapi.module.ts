import { Module } from '@nestjs/common';
import { AsyncApiController } from './asyncapi.controller.js';
import { AsyncApiService } from './asyncapi.service.js';

/** `GET /asyncapi.json`, generated from the global RegistryModule's state. */
@Module({ controllers: [AsyncApiController], providers: [AsyncApiService] })
export class AsyncApiModule {}
