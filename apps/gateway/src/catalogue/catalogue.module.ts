import { Global, Module } from '@nestjs/common';
import { loadSchemaCatalogue } from '@lienthong/schema';
import type { SchemaCatalogue } from '@lienthong/schema';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';

export const SCHEMA_CATALOGUE = Symbol('SCHEMA_CATALOGUE');

/** The catalogue of message types, compiled once at boot from `schemas/`. */
@Global()
@Module({
  providers: [
    {
      provide: SCHEMA_CATALOGUE,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig): SchemaCatalogue => loadSchemaCatalogue(config.schemasDir),
    },
  ],
  exports: [SCHEMA_CATALOGUE],
})
export class CatalogueModule {}
