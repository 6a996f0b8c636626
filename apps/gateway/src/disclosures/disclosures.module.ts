import { Module } from '@nestjs/common';
import { DisclosureLog } from './disclosure-log.service.js';
import { AuditedDisclosureLookup, DISCLOSURE_LOOKUP_AUDIT } from './disclosure-lookup-audit.js';
import { DisclosuresController } from './disclosures.controller.js';
import { DisclosuresService } from './disclosures.service.js';

@Module({
  controllers: [DisclosuresController],
  providers: [
    DisclosureLog,
    DisclosuresService,
    { provide: DISCLOSURE_LOOKUP_AUDIT, useClass: AuditedDisclosureLookup },
  ],
  exports: [DisclosureLog],
})
export class DisclosuresModule {}
