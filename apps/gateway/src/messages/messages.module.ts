import { Module } from '@nestjs/common';
import { MessagesController } from './messages.controller.js';
import { MessagesService } from './messages.service.js';
import { PublishRecovery } from './publish-recovery.service.js';

@Module({ controllers: [MessagesController], providers: [MessagesService, PublishRecovery] })
export class MessagesModule {}
