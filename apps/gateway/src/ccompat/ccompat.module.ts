import { Module } from '@nestjs/common';
import { CcompatController } from './ccompat.controller.js';
import { CcompatService } from './ccompat.service.js';

/** `/ccompat`: the Confluent-compatible subset over the global RegistryModule. */
@Module({ controllers: [CcompatController], providers: [CcompatService] })
export class CcompatModule {}
