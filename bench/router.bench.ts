/**
 * Router benchmark (issue: delivery). In one run, against a real broker:
 *  1. fan-out throughput: N accepted records routed to 10 inbox subscriptions by the router
 *     (match, sign each delivery, write, audit, commit) against a plain kafkajs pipe that
 *     consumes the same record topic and produces each record to 10 topics — ratio of records/s,
 *     both counted by the same kind of consumer on the 10 output topics;
 *  2. publish-to-inbox latency at a fixed rate: publish through the gateway, time until the
 *     record is read from one subscriber's inbox.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordTopic } from '@lienthong/contracts';
import { inboxTopic } from '@lienthong/delivery';
import { createKafkaClient, ensureTopics } from '@lienthong/kafka';
import { startKafka } from '@lienthong/local-kafka';
import { GatewayKeyring, requestAccessToken } from '@lienthong/trust';
import type { Kafka } from 'kafkajs';
import { exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey } from 'jose';
import { loadGatewayConfig } from '../apps/gateway/src/config/gateway-config.js';
import { createGatewayApp } from '../apps/gateway/src/gateway-app.factory.js';
import { loadRouterConfig } from '../apps/router/src/config/router-config.js';
import { createRouterApp } from '../apps/router/src/router-app.factory.js';
import { closedLoop } from './support/load.js';
import { memoryMiB, percentiles, report, round } from './support/stats.js';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 2_000);
const RATE = Number(process.env['BENCH_RATE'] ?? 50);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const FANOUT = 10;
const TYPE = 'residence.registration';
const OPERATOR = '000.00.00.A00';
const PUBLISHER = '000.00.00.B01';
const subscriberId = (i: number) => `000.00.00.S${String(i).padStart(2, '0')}`;

async function token(url: string, issuer: string, id: string, key: CryptoKey, kid: string): Promise<string> {
  return (
    await requestAccessToken(`${url}/oauth/token`, {
      agencyId: id,
      audience: issuer,
      privateKey: key,
      kid,
      alg: 'ES256',
    })
  ).access_token;
}

/** Counts records on `topics` (own group, from the beginning); `arrivals` maps ce_id to first-read time. */
async function counter(kafka: Kafka, topics: string[]) {
  const consumer = kafka.consumer({ groupId: `bench-count-${randomUUID()}`, maxWaitTimeInMs: 50 });
  const state = { count: 0, arrivals: new Map<string, bigint>() };
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = process.hrtime.bigint();
      for (const m of batch.messages) {
        state.count++;
        const id = m.headers?.['ce_id']?.toString();
        if (id && !state.arrivals.has(id)) state.arrivals.set(id, now);
      }
      await Promise.resolve();
    },
  });
  return { state, stop: () => consumer.disconnect() };
}

async function until(what: string, done: () => boolean, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  const broker = await startKafka({ log: (m) => process.stderr.write(`${m}\n`) });
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-bench-'));
  const keysFile = join(dir, 'gateway-keys.json');
  writeFileSync(keysFile, JSON.stringify(await (await GatewayKeyring.generate()).exportPrivateJwks()));
  const webhookKeyFile = join(dir, 'webhook-key.json');
  writeFileSync(
    webhookKeyFile,
    JSON.stringify(await (await GatewayKeyring.generate({ alg: 'EdDSA' })).exportPrivateJwks()),
  );
  const keys = await generateKeyPair('ES256', { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k', alg: 'ES256' }] };
  const brokers = broker.brokers.join(',');
  const config = loadGatewayConfig({
    ...process.env,
    KAFKA_BROKERS: brokers,
    HOST: '127.0.0.1',
    PORT: '0',
    GATEWAY_ISSUER: 'urn:lienthong:bench',
    GATEWAY_SIGNING_KEYS_FILE: keysFile,
    BOOTSTRAP_OPERATOR_ID: OPERATOR,
    BOOTSTRAP_OPERATOR_JWKS: JSON.stringify(jwks),
  });
  const gateway = await createGatewayApp(config, { logger: ['error'] });
  await gateway.listen({ host: '127.0.0.1', port: 0 });
  const address = gateway.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const url = `http://127.0.0.1:${address.port}`;
  const auth = (t: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${t}` });
  const opToken = await token(url, config.issuer, OPERATOR, keys.privateKey, 'k');
  const agency = async (id: string, roles: string[], grants: Record<string, string[]>) => {
    const r = await fetch(`${url}/v1/agencies`, {
      method: 'POST',
      headers: auth(opToken),
      body: JSON.stringify({ id, name: `Cơ quan ${id}`, roles, jwks, grants }),
    });
    if (r.status !== 201) throw new Error(`agency ${id}: ${r.status} ${await r.text()}`);
    return token(url, config.issuer, id, keys.privateKey, 'k');
  };
  const publisherToken = await agency(PUBLISHER, ['publisher'], { publish: [TYPE] });
  for (let i = 0; i < FANOUT; i++) {
    const t = await agency(subscriberId(i), ['subscriber'], {
      subscribe: [TYPE],
      'subscribe-personal-data': [TYPE],
    });
    const r = await fetch(`${url}/v1/subscriptions`, {
      method: 'POST',
      headers: auth(t),
      body: JSON.stringify({ types: [TYPE], delivery: { mode: 'kafka' } }),
    });
    if (r.status !== 201) throw new Error(`subscription: ${r.status} ${await r.text()}`);
  }
  const bodies = (
    JSON.parse(readFileSync(`schemas/${TYPE}/v1.schema.json`, 'utf8')) as { examples: unknown[] }
  ).examples.map((e) => JSON.stringify(e));
  const publish = async (i: number) => {
    const r = await fetch(`${url}/v1/messages/${TYPE}`, {
      method: 'POST',
      headers: auth(publisherToken),
      body: bodies[i % bodies.length],
    });
    const id = r.status === 202 ? ((await r.json()) as { id: string }).id : (await r.arrayBuffer(), '');
    return { status: r.status, id };
  };

  // 1. Fan-out throughput. Accept N records first, with no router running.
  const accepted = await closedLoop(RECORDS, 16, async (i) => (await publish(i)).status);
  if (accepted.statuses['202'] !== RECORDS) throw new Error(`publish: ${JSON.stringify(accepted.statuses)}`);
  const kafka = createKafkaClient({ brokers: broker.brokers, clientId: 'bench-router' });
  const inboxes = Array.from({ length: FANOUT }, (_, i) => inboxTopic(subscriberId(i)));
  const pipeTopics = Array.from({ length: FANOUT }, (_, i) => `bench.pipe.${i}`);
  await ensureTopics(
    kafka,
    [...inboxes, ...pipeTopics].map((topic) => ({ topic, numPartitions: 3, replicationFactor: -1 })),
  );
  const expected = RECORDS * FANOUT;

  // Baseline: a plain consume-and-produce pipe (idempotent producer, acks=-1, batch per fetch).
  const pipeCount = await counter(kafka, pipeTopics);
  const pipeProducer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await pipeProducer.connect();
  const pipe = kafka.consumer({ groupId: `bench-pipe-${randomUUID()}` });
  await pipe.connect();
  await pipe.subscribe({ topics: [recordTopic(TYPE)], fromBeginning: true });
  let t0 = process.hrtime.bigint();
  await pipe.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      const messages = batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers ?? {} }));
      await pipeProducer.sendBatch({
        acks: -1,
        topicMessages: pipeTopics.map((topic) => ({ topic, messages })),
      });
      for (const m of batch.messages) resolveOffset(m.offset);
      await heartbeat();
    },
  });
  await until('the pipe', () => pipeCount.state.count >= expected);
  const pipeSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await pipe.disconnect();
  await pipeProducer.disconnect();
  await pipeCount.stop();

  const inboxCount = await counter(kafka, inboxes);
  const memoryBefore = memoryMiB();
  t0 = process.hrtime.bigint();
  const router = await createRouterApp(
    loadRouterConfig({
      ...process.env,
      KAFKA_BROKERS: brokers,
      ROUTER_HOST: '127.0.0.1',
      ROUTER_PORT: '0',
      ROUTER_CONSUMER_GROUP: `bench-router-${randomUUID()}`,
      GATEWAY_SIGNING_KEYS_FILE: keysFile,
      WEBHOOK_SIGNING_KEY_FILE: webhookKeyFile,
      ROUTER_TOPIC_REFRESH_MS: '500',
    }),
    { logger: ['error'] },
  );
  await router.listen({ host: '127.0.0.1', port: 0 });
  await until('the router', () => inboxCount.state.count >= expected);
  const routerSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  report(
    `router fan-out to ${FANOUT} inbox subscriptions vs a plain kafkajs consume-and-produce pipe to ${FANOUT} topics`,
    {
      records: RECORDS,
      deliveries: expected,
      routerSeconds: round(routerSeconds),
      pipeSeconds: round(pipeSeconds),
      routerRecordsPerSecond: round(RECORDS / routerSeconds, 1),
      pipeRecordsPerSecond: round(RECORDS / pipeSeconds, 1),
      ratio: round(pipeSeconds / routerSeconds, 3),
      note: 'router time includes its start (group join, topic discovery); pipe started with its group already joining',
      memoryBeforeRouter: memoryBefore,
      memoryAfterRouter: memoryMiB(),
    },
  );
  await inboxCount.stop();

  // 2. Publish-to-inbox latency at a fixed rate, the router running and caught up.
  const watch = await counter(kafka, [inboxes[0]!]);
  await until('the latency watcher', () => watch.state.count >= RECORDS);
  const sent = new Map<string, bigint>();
  const total = RATE * SECONDS;
  const statuses: Record<string, number> = {};
  const start = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / RATE - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t = process.hrtime.bigint();
    inFlight.push(
      publish(i).then(({ status, id }) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (id) sent.set(id, t);
      }),
    );
  }
  await Promise.all(inFlight);
  await until('latency records', () => [...sent.keys()].every((id) => watch.state.arrivals.has(id)), 120_000);
  const samples = [...sent].map(([id, t]) => watch.state.arrivals.get(id)! - t);
  report('publish-to-inbox latency at a fixed rate (publish through the gateway until read from one inbox)', {
    rate: RATE,
    seconds: SECONDS,
    records: total,
    statuses,
    latencyMs: percentiles(samples, [50, 90, 99]),
    memory: memoryMiB(),
  });
  await watch.stop();
  await router.close();
  await gateway.close();
  await broker.stop();
}

await main();
