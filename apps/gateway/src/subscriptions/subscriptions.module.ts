import { Module } from '@nestjs/common';
import { SubscriptionCommandsService } from './subscription-commands.service.js';
import { SubscriptionsController } from './subscriptions.controller.js';
import { SubscriptionsService } from './subscriptions.service.js';

@Module({
  controllers: [SubscriptionsController],
  providers: [SubscriptionsService, SubscriptionCommandsService],
})
export class SubscriptionsModule {}
