import { Controller, Inject, Logger } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { INBOX_PATTERN } from './inbox-kafka.server.js';
import { verifyInboxRecord } from './inbox-verifier.js';
import { JwksCache } from './jwks-cache.js';
import type { RecordSink } from './record-sink.js';
import { RECORD_SINK } from './record-sink.js';
import type { SubscriberConfig } from './subscriber-config.js';
import { SUBSCRIBER_CONFIG } from './subscriber-config.token.js';

/** Reads the agency's inbox: verifies each record and reports it, one line per record. */
@Controller()
export class InboxController {
  private readonly logger = new Logger('Inbox');

  constructor(
    private readonly jwks: JwksCache,
    @Inject(RECORD_SINK) private readonly sink: RecordSink,
    @Inject(SUBSCRIBER_CONFIG) private readonly config: SubscriberConfig,
  ) {}

  @EventPattern<string>(INBOX_PATTERN)
  async onRecord(@Payload() value: unknown, @Ctx() context: KafkaContext): Promise<void> {
    const message = context.getMessage() as unknown as {
      key: Buffer | null;
      value: Buffer | null;
      offset: string;
      headers: Record<string, string | undefined>;
    };
    try {
      const processed = await verifyInboxRecord(
        {
          topic: context.getTopic(),
          partition: context.getPartition(),
          offset: message.offset,
          key: message.key,
          value: Buffer.isBuffer(value) ? value : message.value,
          headers: message.headers,
        },
        this.jwks,
        this.config.publisherKeys,
      );
      await this.sink(processed);
    } catch (error) {
      // Never block the partition on one record: say which one, never its content.
      this.logger.error(
        `record ${context.getTopic()}/${context.getPartition()}/${message.offset} not processed: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
  }
}
