import type { DynamicModule, ExecutionContext } from '@nestjs/common';
import { Module } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { CE_HEADERS } from '@lienthong/contracts';
import { APP_LOG, jsonLoggerModule } from '@lienthong/observability';
import { PinoLogger } from 'nestjs-pino';
import type { Logger as RootLogger } from 'pino';
import { InboxController } from './inbox.controller.js';
import { JwksCache } from './jwks-cache.js';
import type { RecordSink } from './record-sink.js';
import { RECORD_SINK, logSink } from './record-sink.js';
import type { SubscriberConfig } from './subscriber-config.js';
import { SUBSCRIBER_CONFIG } from './subscriber-config.token.js';

/** The request id of an inbox record's log lines: its `ce_id`, else where it sits in Kafka. */
export function inboxRequestId(context: ExecutionContext): string {
  const kafka = context.switchToRpc().getContext<KafkaContext>();
  const message = kafka.getMessage() as { offset?: string; headers?: Record<string, unknown> };
  const id = message.headers?.[CE_HEADERS.id];
  if (typeof id === 'string' || Buffer.isBuffer(id)) return id.toString();
  return `${kafka.getTopic()}/${kafka.getPartition()}/${message.offset ?? '?'}`;
}

@Module({})
export class SubscriberModule {
  /** `sink`: where processed records go (default: the JSON log); `log`: the root JSON logger. */
  static forRoot(config: SubscriberConfig, sink: RecordSink | undefined, log: RootLogger): DynamicModule {
    return {
      module: SubscriberModule,
      imports: [
        // One logging context per inbox record, so every line about it carries its requestId;
        // the `inbox record` line is the one line per record, hence no automatic line.
        jsonLoggerModule(log, {
          microservice: { autoLogging: false, quietRpcLogger: true, genReqId: inboxRequestId },
        }),
      ],
      controllers: [InboxController],
      providers: [
        { provide: SUBSCRIBER_CONFIG, useValue: config },
        { provide: APP_LOG, useValue: log },
        sink
          ? { provide: RECORD_SINK, useValue: sink }
          : { provide: RECORD_SINK, inject: [PinoLogger], useFactory: logSink },
        { provide: JwksCache, useValue: new JwksCache(config.gatewayJwksUrl, config.jwksCacheMs) },
      ],
    };
  }
}
