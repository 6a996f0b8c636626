import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createKafkaClient } from '@lienthong/kafka';
import { GatewayKeyring } from '@lienthong/trust';
import type { RouterConfig } from '../../apps/router/src/config/router-config.js';
import { loadRouterConfig } from '../../apps/router/src/config/router-config.js';
import { RouterCommands } from '../../apps/router/src/commands/router-commands.service.js';
import { createRouterApp } from '../../apps/router/src/router-app.factory.js';
import { DeliverySigners } from '../../apps/router/src/trust/delivery-signers.service.js';
import { pollUntil } from './poll-until.util.js';
import { sharedAuditKeyFile } from './audit-keys.util.js';
import { TEST_DISCLOSURE_SECRET } from './gateway.util.js';

export interface RunningRouter {
  app: NestFastifyApplication;
  config: RouterConfig;
  url: string;
  /** Public keys of the gateway signing key and the webhook (Ed25519) key the router uses. */
  publicJwks(): { keys: Record<string, unknown>[] };
  commands: RouterCommands;
  close(): Promise<void>;
}

/** The router-level pseudonym secret of every test router (subscriptions without their own). */
export const TEST_KEY_PSEUDONYM_SECRET = 'test-key-pseudonym-secret-of-at-least-32-characters';

let webhookKeyFile: Promise<string> | undefined;

/** One Ed25519 webhook key file per test process, like a deployment's WEBHOOK_SIGNING_KEY_FILE. */
function sharedWebhookKeyFile(): Promise<string> {
  webhookKeyFile ??= (async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lienthong-router-')), 'webhook-key.json');
    const keyring = await GatewayKeyring.generate({ alg: 'EdDSA' });
    writeFileSync(file, JSON.stringify(await keyring.exportPrivateJwks()));
    return file;
  })();
  return webhookKeyFile;
}

/**
 * Waits until consumer group `groupId` has committed, on every record topic, at least the end
 * offset it had when this was called. Every suite shares one broker and one registry, so a
 * router under a new group first routes every record earlier suites left (to their still-active
 * subscriptions); waiting here keeps that catch-up out of each test's own delivery deadline.
 */
async function waitUntilCaughtUp(brokers: string[], groupId: string): Promise<void> {
  const admin = createKafkaClient({ brokers, clientId: 'test-router-catch-up' }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith('lienthong.records.'));
    const ends = new Map<string, Map<number, bigint>>();
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high)])));
    }
    await pollUntil(
      async () => {
        const committed = await admin.fetchOffsets({ groupId, topics });
        return committed.every(({ topic, partitions }) =>
          partitions.every(({ partition, offset }) => {
            const end = ends.get(topic)?.get(partition) ?? 0n;
            return end === 0n || BigInt(offset) >= end;
          }),
        );
      },
      { timeoutMs: 180_000, intervalMs: 250, description: `router group ${groupId} caught up` },
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Starts a real router in-process against the test broker, signing with the gateway's key file
 * (`gatewaySigningKeysFile`), with short retry delays and loopback webhooks allowed. Resolves
 * once the router has routed every record already in the broker (see `waitUntilCaughtUp`).
 */
export async function startRouter(
  gatewaySigningKeysFile: string | undefined,
  env: Record<string, string> = {},
): Promise<RunningRouter> {
  const config = loadRouterConfig({
    ...process.env,
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PORT: '0',
    GATEWAY_SIGNING_KEYS_FILE: gatewaySigningKeysFile ?? '',
    WEBHOOK_SIGNING_KEY_FILE: await sharedWebhookKeyFile(),
    AUDIT_SIGNING_KEY_FILE: await sharedAuditKeyFile(),
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_CONNECT_TIMEOUT_MS: '1000',
    WEBHOOK_RESPONSE_TIMEOUT_MS: '2000',
    RETRY_DELAYS_MS: '300,600',
    RETRY_JITTER: '0.1',
    ROUTER_TOPIC_REFRESH_MS: '500',
    KEY_PSEUDONYM_SECRET: TEST_KEY_PSEUDONYM_SECRET,
    DISCLOSURE_SUBJECT_SECRET: TEST_DISCLOSURE_SECRET,
    ...env,
  });
  const app = await createRouterApp(config, { logger: ['error'] });
  await app.listen({ host: config.host, port: 0 });
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('router did not bind a TCP port');
  const signers = app.get(DeliverySigners);
  await waitUntilCaughtUp(config.kafkaBrokers, config.consumerGroup);
  return {
    app,
    config,
    url: `http://127.0.0.1:${address.port}`,
    publicJwks: () => signers.publicJwks(),
    commands: app.get(RouterCommands),
    close: () => app.close(),
  };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Order of this event among every receiver's events in this process (`eventSequence`). */
  seq: number;
  /** Wall-clock time of the event (epoch ms), to compare with Kafka timestamps. */
  at: number;
}

let lastEventSequence = 0;

/** A process-wide counter: events stamped with it can be ordered across receivers. */
export function eventSequence(): number {
  return ++lastEventSequence;
}

/**
 * A webhook receiver on loopback answering `status` to every POST, keeping what it got. It
 * answers after `delayMs` (0: at once; `Infinity`: never, it hangs until the caller gives up,
 * and the request lands in `cutOff`).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Requests whose connection the caller closed before this receiver answered. */
  readonly cutOff: ReceivedWebhook[] = [];
  status = 200;
  delayMs = 0;
  private server: Server | undefined;
  url = '';

  async start(path = '/hook'): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const received = {
          headers: request.headers,
          body: Buffer.concat(chunks),
          seq: eventSequence(),
          at: Date.now(),
        };
        this.received.push(received);
        const answer = (): void => {
          if (!response.destroyed)
            response.writeHead(this.status, { 'content-type': 'text/plain' }).end('ok');
        };
        response.once('close', () => {
          if (!response.writableFinished)
            this.cutOff.push({ ...received, seq: eventSequence(), at: Date.now() });
        });
        if (this.delayMs === 0) answer();
        else if (Number.isFinite(this.delayMs)) setTimeout(answer, this.delayMs).unref();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('receiver did not bind');
    this.url = `http://127.0.0.1:${address.port}${path}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
