import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { InboxController } from './inbox.controller.js';
import { JwksCache } from './jwks-cache.js';
import type { RecordSink } from './record-sink.js';
import { RECORD_SINK } from './record-sink.js';
import type { SubscriberConfig } from './subscriber-config.js';
import { SUBSCRIBER_CONFIG } from './subscriber-config.token.js';

@Module({})
export class SubscriberModule {
  static forRoot(config: SubscriberConfig, sink: RecordSink): DynamicModule {
    return {
      module: SubscriberModule,
      controllers: [InboxController],
      providers: [
        { provide: SUBSCRIBER_CONFIG, useValue: config },
        { provide: RECORD_SINK, useValue: sink },
        { provide: JwksCache, useValue: new JwksCache(config.gatewayJwksUrl, config.jwksCacheMs) },
      ],
    };
  }
}
