import { Module } from '@nestjs/common';
import { AgenciesController } from './agencies.controller.js';
import { AgenciesService } from './agencies.service.js';
import { AgencyRateLimitsController } from './agency-rate-limits.controller.js';

@Module({
  controllers: [AgenciesController, AgencyRateLimitsController],
  providers: [AgenciesService],
  exports: [AgenciesService],
})
export class AgenciesModule {}
