import { Module } from '@nestjs/common';
import { SchemasController } from './schemas.controller.js';
import { SchemasService } from './schemas.service.js';

/** `/v1/schemas`; the registry itself (state, log, writes) comes from the global RegistryModule. */
@Module({ controllers: [SchemasController], providers: [SchemasService] })
export class SchemasModule {}
