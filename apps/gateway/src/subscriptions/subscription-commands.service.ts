import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONTENT_TYPE_HEADER, LienthongError, RECORD_CONTENT_TYPE } from '@lienthong/contracts';
import type { RouterCommand } from '@lienthong/delivery';
import { ROUTER_COMMAND_FORMAT, ROUTER_COMMAND_TOPIC, routerCommandMessage } from '@lienthong/delivery';
import { RecordProducer, ensureTopics } from '@lienthong/kafka';
import type { Kafka } from 'kafkajs';
import { GatewayAudit } from '../audit/gateway-audit.service.js';
import type { Principal } from '../common/principal.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import { KAFKA_CLIENT } from '../kafka/kafka-client.token.js';
import type { DeadLetterScan } from './dead-letter-reader.js';
import { scanDeadLetters } from './dead-letter-reader.js';
import { SubscriptionsService } from './subscriptions.service.js';

/** How long one dead-letter scan may read before answering with what it has. */
const DEAD_LETTER_SCAN_MS = 10_000;

/** What the gateway answers once a command is in the router's command topic. */
export interface CommandAccepted {
  commandId: string;
  kind: RouterCommand['kind'];
  subscriptionId: string;
  since?: string;
  requestedAt: string;
}

/**
 * Replay, redrive and the dead-letter list of one subscription. The gateway does not deliver:
 * it writes a command to `lienthong.router.commands`, which exactly one router runs (every
 * delivery it makes carries `lienthong-command: <commandId>`), and reads dead letters from
 * `lienthong.dlq`, where the router put them.
 */
@Injectable()
export class SubscriptionCommandsService {
  private commandTopic: Promise<unknown> | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly producer: RecordProducer,
    private readonly subscriptions: SubscriptionsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly audit: GatewayAudit,
  ) {}

  replay(id: string, since: string, caller: Principal): Promise<CommandAccepted> {
    return this.send('replay', id, since, caller);
  }

  redrive(id: string, since: string | undefined, caller: Principal): Promise<CommandAccepted> {
    return this.send('redrive', id, since, caller);
  }

  async deadLetters(
    id: string,
    caller: Principal,
    limit: number,
  ): Promise<DeadLetterScan & { subscriptionId: string }> {
    this.subscriptions.find(id, caller);
    try {
      const scan = await scanDeadLetters(this.kafka, id, { limit, timeoutMs: DEAD_LETTER_SCAN_MS });
      return { subscriptionId: id, ...scan };
    } catch (cause) {
      throw this.unavailable(cause);
    }
  }

  private async send(
    kind: RouterCommand['kind'],
    id: string,
    since: string | undefined,
    caller: Principal,
  ): Promise<CommandAccepted> {
    this.subscriptions.find(id, caller);
    const at = new Date().toISOString();
    const base = {
      format: ROUTER_COMMAND_FORMAT as typeof ROUTER_COMMAND_FORMAT,
      commandId: randomUUID(),
      subscriptionId: id,
      requestedBy: caller.agencyId,
      at,
    };
    const command: RouterCommand =
      kind === 'replay'
        ? { ...base, kind, since: since! }
        : { ...base, kind, ...(since === undefined ? {} : { since }) };
    try {
      await this.ensureCommandTopic();
      const message = routerCommandMessage(command);
      await this.producer.send(ROUTER_COMMAND_TOPIC, {
        ...message,
        headers: { [CONTENT_TYPE_HEADER]: RECORD_CONTENT_TYPE },
      });
    } catch (cause) {
      throw this.unavailable(cause);
    }
    this.audit.record({
      kind: 'subscription-changed',
      messageId: command.commandId,
      subscription: id,
      actor: caller.agencyId,
      detail: since === undefined ? kind : `${kind} since ${since}`,
    });
    const accepted: CommandAccepted = {
      commandId: command.commandId,
      kind,
      subscriptionId: id,
      requestedAt: at,
    };
    if (since !== undefined) accepted.since = since;
    return accepted;
  }

  /** The router creates it too; whichever comes first, one partition keeps commands in order. */
  private ensureCommandTopic(): Promise<unknown> {
    this.commandTopic ??= ensureTopics(this.kafka, [
      {
        topic: ROUTER_COMMAND_TOPIC,
        numPartitions: 1,
        replicationFactor: this.config.kafkaReplicationFactor,
      },
    ]).catch((error: unknown) => {
      this.commandTopic = undefined;
      throw error;
    });
    return this.commandTopic;
  }

  private unavailable(cause: unknown): LienthongError {
    if (cause instanceof LienthongError) return cause;
    return new LienthongError('kafka-unavailable', {
      retryAfterSeconds: this.config.retryAfterSeconds,
      cause,
    });
  }
}
