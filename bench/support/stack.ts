import { createServer } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { requestAccessToken } from '@lienthong/trust';
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
  /** Registers an agency through the operator API and returns a token for it. */
  createAgency(id: string, roles: string[], grants: Record<string, string[]>): Promise<string>;
  /**
   * Starts the router in its own process (once), against the same broker and keys;
   * BENCH_ROUTER_CPU_PROF=<dir> profiles it (--cpu-prof).
   */
  startRouter(env?: Record<string, string>): Promise<NodeProcess>;
  stopRouter(): Promise<void>;
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
  const auditKeyFile = join(stateDir, 'audit-key.json');
  await ensureSigningKeys(auditKeyFile, 'EdDSA');
  const operatorKeyFile = join(stateDir, 'agencies', `${OPERATOR_ID}.private.jwk.json`);
  const operator = await ensureAgencyKey(operatorKeyFile);
  const port = await freePort();
  const gatewayUrl = `http://127.0.0.1:${port}`;
  const issuer = 'urn:lienthong:bench';
  const common = {
    KAFKA_BROKERS: options.brokers.join(','),
    GATEWAY_SIGNING_KEYS_FILE: keysFile,
    WEBHOOK_SIGNING_KEY_FILE: webhookKeyFile,
    AUDIT_SIGNING_KEY_FILE: auditKeyFile,
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
      // The benchmarks measure the gateway's cost per request, not its per-agency limits.
      RATE_LIMIT_TOKEN_PER_SECOND: '1000000',
      RATE_LIMIT_TOKEN_BURST: '1000000',
      RATE_LIMIT_PUBLISH_PER_SECOND: '100000000',
      RATE_LIMIT_PUBLISH_BURST: '100000000',
      ...options.gatewayEnv,
    },
  });
  await waitForOk(`${gatewayUrl}/health/ready`, gateway);
  let router: NodeProcess | undefined;
  const startRouter = async (env: Record<string, string> = {}) => {
    if (router) throw new Error('the router runs already');
    const routerPort = await freePort();
    const cpuProfDir = process.env['BENCH_ROUTER_CPU_PROF'];
    router = spawnNode('apps/router/src/main.js', {
      nodeArgs: cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
      env: {
        ...common,
        ROUTER_PORT: String(routerPort),
        KEY_PSEUDONYM_SECRET: 'bench-key-pseudonym-secret-of-32+characters',
        ...env,
      },
    });
    await waitForOk(`http://127.0.0.1:${routerPort}/health/ready`, router);
    return router;
  };
  if (options.router) await startRouter();
  const operatorToken = await accessToken(gatewayUrl, issuer, OPERATOR_ID, operatorKeyFile);
  const agencies = demoAgencies(stateDir);
  await registerDemoAgencies(gatewayUrl, operatorToken, agencies);
  const agencyKeys = await generateKeyPair('ES256', { extractable: true });
  const agencyJwks = { keys: [{ ...(await exportJWK(agencyKeys.publicKey)), kid: 'bench', alg: 'ES256' }] };
  const publisher = agencies.find((a) => a.grants.publish?.includes('residence.registration'))!;
  const subscriber = agencies.find((a) => a.roles.includes('subscriber'))!;
  const subscriberToken = await accessToken(gatewayUrl, issuer, subscriber.id, subscriber.keyFile);
  return {
    gatewayUrl,
    gateway,
    get router() {
      return router;
    },
    startRouter,
    async stopRouter() {
      await router?.stop();
      router = undefined;
    },
    async createAgency(id, roles, grants) {
      const created = await fetch(`${gatewayUrl}/v1/agencies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorToken}` },
        body: JSON.stringify({ id, name: `Cơ quan đo hiệu năng ${id}`, roles, jwks: agencyJwks, grants }),
      });
      if (created.status !== 201) throw new Error(`agency ${id}: ${created.status} ${await created.text()}`);
      const token = await requestAccessToken(`${gatewayUrl}/oauth/token`, {
        agencyId: id,
        audience: issuer,
        privateKey: agencyKeys.privateKey,
        kid: 'bench',
        alg: 'ES256',
      });
      return token.access_token;
    },
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
