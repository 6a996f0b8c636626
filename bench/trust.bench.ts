/**
 * Trust benchmark (issue: trust). In one run, against a real broker:
 *  1. publish with a reused access token and a signed receipt (the gateway as it ships),
 *     against the same gateway with token verification replaced by a constant and receipt
 *     signing by an empty string (everything else identical) — ratio of throughput, p50/p99;
 *  2. the token endpoint: access tokens issued per second (client assertions made beforehand).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { startKafka } from '@lienthong/local-kafka';
import type { VerifiedAccessToken } from '@lienthong/trust';
import {
  AccessTokenVerifier,
  CLIENT_ASSERTION_TYPE,
  GatewayKeyring,
  ReceiptSigner,
  createClientAssertion,
  requestAccessToken,
} from '@lienthong/trust';
import type { CryptoKey } from 'jose';
import { exportJWK, generateKeyPair } from 'jose';
import { AppModule } from '../apps/gateway/src/app.module.js';
import type { GatewayConfig } from '../apps/gateway/src/config/gateway-config.js';
import { loadGatewayConfig } from '../apps/gateway/src/config/gateway-config.js';
import {
  configureGatewayApp,
  createGatewayAdapter,
  createGatewayApp,
} from '../apps/gateway/src/gateway-app.factory.js';
import { HttpMetricsHook } from '../apps/gateway/src/metrics/http-metrics.hook.js';
import { closedLoop } from './support/load.js';
import { memoryMiB, report, round } from './support/stats.js';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 2_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const TOKENS = Number(process.env['BENCH_TOKENS'] ?? 300);
const TYPE = 'residence.registration';
const OPERATOR = '000.00.00.A00';
const PUBLISHER = '000.00.00.B01';

async function listen(app: NestFastifyApplication): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

async function token(url: string, issuer: string, id: string, key: CryptoKey, kid: string): Promise<string> {
  const response = await requestAccessToken(`${url}/oauth/token`, {
    agencyId: id,
    audience: issuer,
    privateKey: key,
    kid,
    alg: 'ES256',
  });
  return response.access_token;
}

/** The baseline: the same modules, with token verification and receipt signing stubbed out. */
async function baselineApp(config: GatewayConfig): Promise<NestFastifyApplication> {
  const verified: VerifiedAccessToken = Object.freeze({
    agencyId: PUBLISHER,
    grants: { publish: [TYPE], subscribe: [] },
    roles: ['publisher'],
    jti: 'bench',
    kid: 'bench',
    issuedAt: 0,
    expiresAt: Number.MAX_SAFE_INTEGER,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(AccessTokenVerifier)
    .useValue({ verify: () => Promise.resolve(verified) })
    .overrideProvider(ReceiptSigner)
    .useValue({ sign: () => Promise.resolve(''), signBatch: () => Promise.resolve('') })
    // The HTTP metrics hook needs the adapter at construction, which a testing module lacks;
    // the baseline runs without it, so the measured gap is an upper bound of trust's cost.
    .overrideProvider(HttpMetricsHook)
    .useValue({ onModuleInit: () => undefined })
    .setLogger({
      log: () => undefined,
      warn: () => undefined,
      error: (m: unknown) => console.error(m),
    })
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createGatewayAdapter(config), {
    bodyParser: false,
  });
  return configureGatewayApp(app, config);
}

async function main(): Promise<void> {
  const broker = await startKafka({ log: (m) => process.stderr.write(`${m}\n`) });
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-bench-'));
  const keysFile = join(dir, 'gateway-keys.json');
  writeFileSync(keysFile, JSON.stringify(await (await GatewayKeyring.generate()).exportPrivateJwks()));
  const operator = await generateKeyPair('ES256', { extractable: true });
  const publisher = await generateKeyPair('ES256', { extractable: true });
  const config = loadGatewayConfig({
    ...process.env,
    KAFKA_BROKERS: broker.brokers.join(','),
    HOST: '127.0.0.1',
    PORT: '0',
    GATEWAY_ISSUER: 'urn:lienthong:bench',
    GATEWAY_SIGNING_KEYS_FILE: keysFile,
    // Both apps compared log errors only (the baseline's testing module reads LOG_LEVEL).
    LOG_LEVEL: 'error',
    // The token benchmark measures issuance, not the per-agency limit (10/s by default).
    RATE_LIMIT_TOKEN_PER_SECOND: '1000000',
    RATE_LIMIT_TOKEN_BURST: '1000000',
    RATE_LIMIT_PUBLISH_PER_SECOND: '100000000',
    RATE_LIMIT_PUBLISH_BURST: '100000000',
    BOOTSTRAP_OPERATOR_ID: OPERATOR,
    BOOTSTRAP_OPERATOR_JWKS: JSON.stringify({
      keys: [{ ...(await exportJWK(operator.publicKey)), kid: 'op', alg: 'ES256' }],
    }),
  });
  const ours = await createGatewayApp(config, { logger: ['error'] });
  const oursUrl = await listen(ours);
  const opToken = await token(oursUrl, config.issuer, OPERATOR, operator.privateKey, 'op');
  const created = await fetch(`${oursUrl}/v1/agencies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${opToken}` },
    body: JSON.stringify({
      id: PUBLISHER,
      name: 'Cơ quan đo hiệu năng',
      roles: ['publisher'],
      jwks: { keys: [{ ...(await exportJWK(publisher.publicKey)), kid: 'pub', alg: 'ES256' }] },
      grants: { publish: [TYPE] },
    }),
  });
  if (created.status !== 201 && created.status !== 409) throw new Error(`agency: ${created.status}`);
  const baseline = await baselineApp(config);
  const baselineUrl = await listen(baseline);
  const publisherToken = await token(oursUrl, config.issuer, PUBLISHER, publisher.privateKey, 'pub');

  const schema = JSON.parse(readFileSync(`schemas/${TYPE}/v1.schema.json`, 'utf8')) as {
    examples: unknown[];
  };
  const bodies = schema.examples.map((e) => JSON.stringify(e));
  const publish = (url: string) => async (i: number) => {
    const response = await fetch(`${url}/v1/messages/${TYPE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${publisherToken}` },
      body: bodies[i % bodies.length],
    });
    await response.arrayBuffer();
    return response.status;
  };

  // Warm both, then alternate rounds so machine noise falls on both sides.
  await closedLoop(300, CONCURRENCY, publish(oursUrl));
  await closedLoop(300, CONCURRENCY, publish(baselineUrl));
  const rounds: {
    ours: Awaited<ReturnType<typeof closedLoop>>;
    base: Awaited<ReturnType<typeof closedLoop>>;
  }[] = [];
  for (let r = 0; r < 2; r++) {
    rounds.push({
      ours: await closedLoop(REQUESTS / 2, CONCURRENCY, publish(oursUrl)),
      base: await closedLoop(REQUESTS / 2, CONCURRENCY, publish(baselineUrl)),
    });
  }
  const sum = (pick: (r: (typeof rounds)[number]) => number) =>
    rounds.reduce((s, r) => s + pick(r), 0) / rounds.length;
  report(
    'publish: token verified (cached) + signed receipt vs verification and signing stubbed (same gateway otherwise)',
    {
      requestsPerSide: REQUESTS,
      concurrency: CONCURRENCY,
      lienthongPerSecond: round(
        sum((r) => r.ours.perSecond),
        1,
      ),
      baselinePerSecond: round(
        sum((r) => r.base.perSecond),
        1,
      ),
      ratio: round(sum((r) => r.ours.perSecond) / sum((r) => r.base.perSecond), 3),
      lienthongLatencyMs: rounds.map((r) => r.ours.latencyMs),
      baselineLatencyMs: rounds.map((r) => r.base.latencyMs),
      statuses: {
        lienthong: rounds.map((r) => r.ours.statuses),
        baseline: rounds.map((r) => r.base.statuses),
      },
      memory: memoryMiB(),
    },
  );

  const assertions = await Promise.all(
    Array.from({ length: TOKENS }, () =>
      createClientAssertion({
        agencyId: PUBLISHER,
        audience: config.issuer,
        privateKey: publisher.privateKey,
        kid: 'pub',
        alg: 'ES256',
      }),
    ),
  );
  const tokens = await closedLoop(TOKENS, 8, async (i) => {
    const response = await fetch(`${oursUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: assertions[i]!,
      }),
    });
    await response.arrayBuffer();
    return response.status;
  });
  report('token endpoint: access tokens issued (assertion verified, single-use jti, ES256 token signed)', {
    tokens: TOKENS,
    concurrency: 8,
    tokensPerSecond: tokens.perSecond,
    latencyMs: tokens.latencyMs,
    statuses: tokens.statuses,
  });

  await baseline.close();
  await ours.close();
  await broker.stop();
}

await main();
