import type { KafkaHeaders } from '@lienthong/contracts';
import { decodeKafkaHeaders } from '@lienthong/contracts';
import { inboxTopic } from '@lienthong/delivery';
import { KafkaParser, ServerKafka } from '@nestjs/microservices';
import type { SubscriberConfig } from './subscriber-config.js';

/**
 * Written in `@EventPattern(INBOX_PATTERN)`. Decorators are evaluated when the module is
 * imported, before configuration is read, so the handler names a placeholder and
 * `InboxKafkaServer` maps it to `lienthong.inbox.<SUBSCRIBER_AGENCY>` when Nest registers it.
 */
export const INBOX_PATTERN = 'lienthong.inbox.${SUBSCRIBER_AGENCY}';

/**
 * Keeps key and value as the exact bytes received (signatures cover bytes, not a re-encoded
 * JSON value); headers become strings.
 */
class RawRecordParser extends KafkaParser {
  override parse<T = unknown>(data: unknown): T {
    const message = data as { headers?: KafkaHeaders };
    return { ...message, headers: decodeKafkaHeaders(message.headers) } as T;
  }
}

/** The `@nestjs/microservices` Kafka transport, reading one agency's inbox. */
export class InboxKafkaServer extends ServerKafka {
  readonly topic: string;

  constructor(config: SubscriberConfig) {
    super({
      client: { clientId: `lienthong-subscriber-${config.agency}`, brokers: config.kafkaBrokers },
      consumer: { groupId: config.groupId, retry: { retries: 10 } },
      subscribe: { fromBeginning: true },
      run: { autoCommit: true },
      producerOnlyMode: false,
      postfixId: '',
      parser: { keepBinary: true },
    });
    this.topic = inboxTopic(config.agency);
    this.parser = new RawRecordParser();
  }

  override addHandler(
    pattern: unknown,
    ...rest: Parameters<ServerKafka['addHandler']> extends [unknown, ...infer R] ? R : never
  ): void {
    super.addHandler(pattern === INBOX_PATTERN ? this.topic : pattern, ...rest);
  }
}
