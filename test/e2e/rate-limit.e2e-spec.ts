import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createKafkaClient } from '@lienthong/kafka';
import { createClientAssertion } from '@lienthong/trust';
import type { Kafka } from 'kafkajs';
import type { TestAgency } from '../support/agencies.util.js';
import { dossierStatusRecord } from '../support/catalogue-fixtures.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { topicEndOffsets } from '../support/record-collector.util.js';

const TYPE = 'procedure.dossier-status';
const TOPIC = `lienthong.records.${TYPE}`;

function tokenRequest(
  gateway: RunningGateway,
  agency: TestAgency,
  headers: Record<string, string> = {},
): Promise<Response> {
  return createClientAssertion({
    agencyId: agency.id,
    audience: gateway.config.issuer,
    privateKey: agency.privateKey,
    kid: agency.kid,
    alg: 'ES256',
  }).then((assertion) =>
    fetch(`${gateway.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }),
    }),
  );
}

/** One record (an object) to the single route, or an array to the batch route. */
function publish(gateway: RunningGateway, agency: TestAgency, records: unknown): Promise<Response> {
  const batch = Array.isArray(records);
  return fetch(`${gateway.url}/v1/messages/${TYPE}${batch ? '/batch' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...agency.auth() },
    body: JSON.stringify(records),
  });
}

let serial = 0;
/** Schema-valid records with codes no other record shares. */
const records = (n: number) =>
  Array.from({ length: n }, () =>
    dossierStatusRecord(`000.00.34.H29-261202-${String(++serial).padStart(4, '0')}${randomInt(1000, 9999)}`),
  );

async function expectRateLimited(response: Response, policy: string): Promise<void> {
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(response.headers.get('ratelimit-policy')).toMatch(new RegExp(`^"${policy}";q=\\d+;w=\\d+$`));
  expect(response.headers.get('ratelimit')).toMatch(new RegExp(`^"${policy}";r=\\d+;t=\\d+$`));
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({
    status: 429,
    code: 'rate-limited',
    type: 'urn:lienthong:problem:rate-limited',
  });
}

describe('per-agency rate limits (defaults: 10 tokens/s, bursts of 20)', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(() => gateway?.close());

  it("refuses one agency's burst of 100 token requests past its bucket, while another agency gets its tokens", async () => {
    const flooder = await gateway.createAgency();
    const other = await gateway.createAgency();
    // createAgency fetched one token for each already.
    const answers = await Promise.all(Array.from({ length: 100 }, () => tokenRequest(gateway, flooder)));
    const served = answers.filter((r) => r.status === 200);
    const refused = answers.filter((r) => r.status === 429);
    expect(served.length + refused.length).toBe(100);
    expect(served.length).toBeGreaterThanOrEqual(19);
    expect(refused.length).toBeGreaterThan(0);
    await expectRateLimited(refused[0]!, 'token');
    expect(served[0]!.headers.get('ratelimit-policy')).toBe('"token";q=20;w=2');
    // The flood used the flooder's bucket only.
    const others = await Promise.all(Array.from({ length: 5 }, () => tokenRequest(gateway, other)));
    expect(others.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const metrics = await fetch(`${gateway.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^lienthong_rate_limited_total\{route="token",agency="[^"]+"\} [1-9]/m);
  });

  it('answers in Vietnamese when asked', async () => {
    const flooder = await gateway.createAgency();
    // 100 at once, as above: even a slow machine cannot refill a bucket of 20 that fast.
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => tokenRequest(gateway, flooder, { 'accept-language': 'vi' })),
    );
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused.headers.get('content-language')).toBe('vi');
    expect(((await refused.json()) as { detail: string }).detail).toContain(
      'Cơ quan của bạn được gửi tối đa 10 yêu cầu cấp token mỗi giây',
    );
  });
});

describe('per-agency publish limits: a batch counts its records', () => {
  let gateway: RunningGateway;
  let kafka: Kafka;
  beforeAll(async () => {
    // Slow refill so that the counts below do not depend on how fast this machine is.
    gateway = await startGateway({ RATE_LIMIT_PUBLISH_PER_SECOND: '1', RATE_LIMIT_PUBLISH_BURST: '500' });
    kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: 'e2e-rate-limit' });
  });
  afterAll(() => gateway?.close());

  it("refuses the flooder's next records whole and writes none of them; another agency publishes on", async () => {
    const grants = { publish: [TYPE] };
    const flooder = await gateway.createAgency({ grants });
    const other = await gateway.createAgency({ grants });
    const first = await publish(gateway, flooder, records(500));
    expect(first.status).toBe(200);
    expect(((await first.json()) as { accepted: number }).accepted).toBe(500);
    expect(first.headers.get('ratelimit-policy')).toBe('"publish";q=500;w=500');
    expect(first.headers.get('ratelimit')).toMatch(/^"publish";r=0;t=\d+$/);

    const before = await topicEndOffsets(kafka, TOPIC);
    const batch = await publish(gateway, flooder, records(10));
    await expectRateLimited(batch, 'publish');
    // 20 records need 20 s of refill at one record a second: refused too.
    await expectRateLimited(await publish(gateway, flooder, records(20)), 'publish');
    // A refused batch is refused whole: nothing of it reached Kafka.
    expect(await topicEndOffsets(kafka, TOPIC)).toBe(before);

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => publish(gateway, other, records(1)[0])),
    );
    expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 202));
  });

  it('does not charge refusals decided before the limit (unknown type, no grant)', async () => {
    const agency = await gateway.createAgency({ grants: { publish: [TYPE] } });
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${gateway.url}/v1/messages/no.such-type`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...agency.auth() },
        body: '{}',
      });
      expect(response.status).toBe(404);
    }
    expect((await publish(gateway, agency, records(500))).status).toBe(200);
  });
});

describe('shared limits across replicas (real Redis)', () => {
  const env = {
    REDIS_URL: process.env['REDIS_URL'] || 'redis://127.0.0.1:6379',
    RATE_LIMIT_PUBLISH_PER_SECOND: '1',
    RATE_LIMIT_PUBLISH_BURST: '500',
  };
  let replicas: RunningGateway[];
  beforeAll(async () => {
    replicas = [await startGateway(env), await startGateway(env)];
  });
  afterAll(() => Promise.all(replicas.map((g) => g.close())));

  it('draws one bucket from both replicas', async () => {
    const agency = await replicas[0]!.createAgency({ grants: { publish: [TYPE] } });
    expect((await publish(replicas[0]!, agency, records(499))).status).toBe(200);
    // The agency's bucket is nearly empty on the other replica too.
    await expectRateLimited(await publish(replicas[1]!, agency, records(10)), 'publish');
  });
});

describe.each([
  ['buckets in memory', {}],
  ['buckets in real Redis', { REDIS_URL: process.env['REDIS_URL'] || 'redis://127.0.0.1:6379' }],
])("one agency's flood does not slow another agency's publishes (%s)", (_, store) => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    // Slow refill: the flooder stays refused for the whole test however slow this machine is.
    gateway = await startGateway({
      ...store,
      RATE_LIMIT_PUBLISH_PER_SECOND: '1',
      RATE_LIMIT_PUBLISH_BURST: '500',
    });
  });
  afterAll(() => gateway?.close());

  it("accepts every publish of a steady agency while another floods past its limit, each on the steady agency's own bucket", async () => {
    const grants = { publish: [TYPE] };
    const flooder = await gateway.createAgency({ grants });
    const steady = await gateway.createAgency({ grants });
    // The flooder spends its bucket first, so that the steady agency's whole run overlaps a
    // flood that is being refused.
    expect((await publish(gateway, flooder, records(500))).status).toBe(200);

    let steadyDone = false;
    // One batch sent over and over: refused batches write nothing, so they need not differ.
    const floodBatch = records(50);
    const flood = (async () => {
      const answers: { status: number; ratelimit: string | null }[] = [];
      // Waves of 10 concurrent batches until the steady agency is done, and at least 5 waves.
      for (let wave = 0; !steadyDone || wave < 5; wave++) {
        answers.push(
          ...(await Promise.all(
            Array.from({ length: 10 }, async () => {
              const response = await publish(gateway, flooder, floodBatch);
              await response.arrayBuffer();
              return { status: response.status, ratelimit: response.headers.get('ratelimit') };
            }),
          )),
        );
      }
      return answers;
    })();

    const steadyAnswers: { status: number; policy: string | null; left: number; receipt: unknown }[] = [];
    try {
      // One record at a time, each after the previous answer: a normal publisher.
      for (let i = 0; i < 30; i++) {
        const response = await publish(gateway, steady, records(1)[0]);
        const body = (await response.json()) as { receipt?: unknown };
        steadyAnswers.push({
          status: response.status,
          policy: response.headers.get('ratelimit-policy'),
          left: Number(/;r=(\d+);/.exec(response.headers.get('ratelimit') ?? '')?.[1] ?? NaN),
          receipt: body.receipt,
        });
      }
    } finally {
      steadyDone = true;
    }
    const floodAnswers = await flood;

    // The flood was refused, many times, and nothing else (no 5xx from the load).
    const refused = floodAnswers.filter((a) => a.status === 429);
    expect(floodAnswers.length).toBeGreaterThanOrEqual(50);
    expect(floodAnswers.every((a) => a.status === 429 || a.status === 200)).toBe(true);
    expect(refused.length).toBeGreaterThanOrEqual(40);

    // Every steady publish was accepted with a receipt.
    expect(steadyAnswers.map((a) => a.status)).toEqual(Array.from({ length: 30 }, () => 202));
    expect(steadyAnswers.every((a) => typeof a.receipt === 'string')).toBe(true);
    // Each answer shows the steady agency's own bucket: the full policy, and only its own
    // records taken out (refill can only add), never the flooder's empty bucket.
    steadyAnswers.forEach((answer, i) => {
      expect(answer.policy).toBe('"publish";q=500;w=500');
      expect(answer.left).toBeGreaterThanOrEqual(500 - (i + 1));
      expect(answer.left).toBeLessThanOrEqual(499);
    });

    const metrics = await fetch(`${gateway.url}/metrics`).then((r) => r.text());
    expect(metrics).not.toContain(`lienthong_rate_limited_total{route="publish",agency="${steady.id}"}`);
  });
});
