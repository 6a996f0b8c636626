import { Module } from '@nestjs/common';
import { DisclosureLog } from './disclosure-log.service.js';
import { DISCLOSURE_LOOKUP_AUDIT, LoggedDisclosureLookupAudit } from './disclosure-lookup-audit.js';
import { DisclosuresController } from './disclosures.controller.js';
import { DisclosuresService } from './disclosures.service.js';

@Module({
  controllers: [DisclosuresController],
  providers: [
    DisclosureLog,
    DisclosuresService,
    { provide: DISCLOSURE_LOOKUP_AUDIT, useClass: LoggedDisclosureLookupAudit },
  ],
  exports: [DisclosureLog],
})
export class DisclosuresModule {}
