import { Global, Module } from '@nestjs/common';
import { GatewayAudit } from './gateway-audit.service.js';

/** `GatewayAudit`, injectable anywhere: every feature records its decisions through it. */
@Global()
@Module({
  providers: [GatewayAudit],
  exports: [GatewayAudit],
})
export class GatewayAuditModule {}
