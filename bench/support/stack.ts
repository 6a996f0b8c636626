import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  OPERATOR_ID,
  accessToken,
  demoAgencies,
  ensureAgencyKey,
  ensureInboxSubscription,
  ensureSigningKeys,
  registerDemoAgencies,
} from '../../apps/devstack/src/demo-agencies.js';
import type { NodeProcess } from './processes.js';
import { spawnNode, waitForOk } from './processes.js';

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface BenchStack {
  gatewayUrl: string;
  gateway: NodeProcess;
  router?: NodeProcess;
  /** Access token of 000.00.00.G01, publisher of residence.registration. */
  publisherToken: string;
  publisherId: string;
  /** The subscriber agency (000.00.00.H29) and a token for it. */
  subscriberId: string;
  subscriberToken: string;
  /** Gives the subscriber a Kafka-inbox subscription to every type it may read. */
  subscribeInbox(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The product as `npm start` runs it, for benchmarks: the gateway (and the router) each in its
 * own process from `dist/`, the demo agencies registered, a publisher token in hand.
 */
export async function startStack(options: {
  brokers: string[];
  router?: boolean;
  gatewayEnv?: Record<string, string>;
  gatewayNodeArgs?: string[];
}): Promise<BenchStack> {
  const stateDir = mkdtempSync(join(tmpdir(), 'lienthong-bench-'));
  const keysFile = join(stateDir, 'gateway-keys.json');
  const webhookKeyFile = join(stateDir, 'webhook-key.json');
  await ensureSigningKeys(keysFile);
  await ensureSigningKeys(webhookKeyFile, 'EdDSA');
  const operatorKeyFile = join(stateDir, 'agencies', `${OPERATOR_ID}.private.jwk.json`);
  const operator = await ensureAgencyKey(operatorKeyFile);
  const port = await freePort();
  const gatewayUrl = `http://127.0.0.1:${port}`;
  const issuer = 'urn:lienthong:bench';
  const common = {
    KAFKA_BROKERS: options.brokers.join(','),
    GATEWAY_SIGNING_KEYS_FILE: keysFile,
    WEBHOOK_SIGNING_KEY_FILE: webhookKeyFile,
    LOG_LEVEL: 'warn',
  };
  const gateway = spawnNode('apps/gateway/src/main.js', {
    nodeArgs: options.gatewayNodeArgs ?? [],
    env: {
      ...common,
      HOST: '127.0.0.1',
      PORT: String(port),
      GATEWAY_ISSUER: issuer,
      BOOTSTRAP_OPERATOR_ID: OPERATOR_ID,
      BOOTSTRAP_OPERATOR_JWKS: JSON.stringify({ keys: [operator.publicJwk] }),
      ...options.gatewayEnv,
    },
  });
  await waitForOk(`${gatewayUrl}/health/ready`, gateway);
  let router: NodeProcess | undefined;
  if (options.router) {
    const routerPort = await freePort();
    router = spawnNode('apps/router/src/main.js', { env: { ...common, ROUTER_PORT: String(routerPort) } });
    await waitForOk(`http://127.0.0.1:${routerPort}/health/ready`, router);
  }
  const agencies = demoAgencies(stateDir);
  await registerDemoAgencies(
    gatewayUrl,
    await accessToken(gatewayUrl, issuer, OPERATOR_ID, operatorKeyFile),
    agencies,
  );
  const publisher = agencies.find((a) => a.grants.publish?.includes('residence.registration'))!;
  const subscriber = agencies.find((a) => a.roles.includes('subscriber'))!;
  const subscriberToken = await accessToken(gatewayUrl, issuer, subscriber.id, subscriber.keyFile);
  return {
    gatewayUrl,
    gateway,
    router,
    publisherId: publisher.id,
    publisherToken: await accessToken(gatewayUrl, issuer, publisher.id, publisher.keyFile),
    subscriberId: subscriber.id,
    subscriberToken,
    subscribeInbox: () => ensureInboxSubscription(gatewayUrl, subscriberToken, subscriber),
    async stop() {
      await router?.stop();
      await gateway.stop();
    },
  };
}
