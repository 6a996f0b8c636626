import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClientAssertion } from '@lienthong/trust';
import type { TestAgency } from '../support/agencies.util.js';
import { randomAgencyId } from '../support/agencies.util.js';
import { dossierStatusRecord } from '../support/catalogue-fixtures.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';

const TYPE = 'procedure.dossier-status';

interface Limits {
  token: { perSecond: number; burst: number; source: 'agency' | 'default' };
  publish: { perSecond: number; burst: number; source: 'agency' | 'default' };
}
const DEFAULTS: Limits = {
  token: { perSecond: 10, burst: 20, source: 'default' },
  publish: { perSecond: 1_000, burst: 2_000, source: 'default' },
};

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** An admin call as `as` (the operator unless said otherwise). */
async function admin(
  gateway: RunningGateway,
  method: 'GET' | 'PUT' | 'DELETE',
  path: string,
  options: { body?: string; as?: TestAgency; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      ...(options.as ?? gateway.operator).auth(),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Answer['body'],
  };
}

const putLimits = (gateway: RunningGateway, agency: string, limits: unknown, as?: TestAgency) =>
  admin(gateway, 'PUT', `/v1/agencies/${agency}/rate-limits`, { body: JSON.stringify(limits), as });

async function limitsOf(gateway: RunningGateway, agency: string): Promise<Limits> {
  const answer = await admin(gateway, 'GET', `/v1/agencies/${agency}`);
  expect(answer.status).toBe(200);
  return answer.body['rateLimits'] as Limits;
}

let serial = 0;
const records = (n: number) =>
  Array.from({ length: n }, () =>
    dossierStatusRecord(`000.00.34.H29-261203-${String(++serial).padStart(4, '0')}${randomInt(1000, 9999)}`),
  );

async function publishBatch(gateway: RunningGateway, agency: TestAgency, n: number): Promise<Response> {
  const response = await fetch(`${gateway.url}/v1/messages/${TYPE}/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...agency.auth() },
    body: JSON.stringify(records(n)),
  });
  await response.arrayBuffer();
  return response;
}

describe('per-agency rate limits set by operators (one gateway, buckets in memory)', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(() => gateway?.close());

  it('shows the defaults on a new agency', async () => {
    const agency = await gateway.createAgency();
    expect(await limitsOf(gateway, agency.id)).toEqual(DEFAULTS);
  });

  it('PUT sets the token limit, visible on the agency and applied from the next request; DELETE returns to the defaults', async () => {
    const agency = await gateway.createAgency();
    const other = await gateway.createAgency();
    const set = await putLimits(gateway, agency.id, { token: { perSecond: 1, burst: 3 } });
    expect(set.status).toBe(200);
    const overridden: Limits = { ...DEFAULTS, token: { perSecond: 1, burst: 3, source: 'agency' } };
    expect(set.body).toMatchObject({ id: agency.id, rateLimits: overridden });
    expect(await limitsOf(gateway, agency.id)).toEqual(overridden);
    const listed = await admin(gateway, 'GET', '/v1/agencies');
    expect(
      (listed.body as unknown as { id: string; rateLimits: Limits }[]).find((a) => a.id === agency.id),
    ).toMatchObject({ rateLimits: overridden });

    // 20 token requests against a bucket of 3 refilled once a second: most are refused.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => fetchTokenAnswer(gateway, agency, { 'accept-language': 'en' })),
    );
    const served = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    expect(served.length + refused.length).toBe(20);
    expect(served.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThan(0);
    expect(served[0]!.headers.get('ratelimit-policy')).toBe('"token";q=3;w=3');
    expect(refused[0]!.headers.get('ratelimit-policy')).toBe('"token";q=3;w=3');
    expect(refused[0]!.body['detail']).toBe(
      'Your agency may make 1 token requests per second (bursts of 3).',
    );
    // Another agency keeps the defaults.
    expect((await fetchTokenAnswer(gateway, other)).headers.get('ratelimit-policy')).toBe('"token";q=20;w=2');

    const cleared = await admin(gateway, 'DELETE', `/v1/agencies/${agency.id}/rate-limits`);
    expect(cleared.status).toBe(200);
    expect(cleared.body['rateLimits']).toEqual(DEFAULTS);
    const after = await fetchTokenAnswer(gateway, agency);
    expect(after.status).toBe(200);
    expect(after.headers.get('ratelimit-policy')).toBe('"token";q=20;w=2');
  });

  it('a raised publish burst is there at once, a lowered one caps at once', async () => {
    const agency = await gateway.createAgency({ grants: { publish: [TYPE] } });
    expect((await putLimits(gateway, agency.id, { publish: { perSecond: 1, burst: 500 } })).status).toBe(200);
    const first = await publishBatch(gateway, agency, 500);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('"publish";q=500;w=500');
    expect((await publishBatch(gateway, agency, 100)).status).toBe(429);

    // Raised while the agency's bucket is empty: the next batch runs under the new bucket.
    expect((await putLimits(gateway, agency.id, { publish: { perSecond: 1, burst: 1_000 } })).status).toBe(
      200,
    );
    const raised = await publishBatch(gateway, agency, 500);
    expect(raised.status).toBe(200);
    expect(raised.headers.get('ratelimit-policy')).toBe('"publish";q=1000;w=1000');
    expect(raised.headers.get('ratelimit')).toMatch(/^"publish";r=5\d\d;t=\d+$/);

    // Lowered to one full batch: a second batch cannot follow.
    expect((await putLimits(gateway, agency.id, { publish: { perSecond: 2, burst: 500 } })).status).toBe(200);
    expect((await publishBatch(gateway, agency, 500)).status).toBe(200);
    const capped = await publishBatch(gateway, agency, 500);
    expect(capped.status).toBe(429);
    expect(capped.headers.get('ratelimit-policy')).toBe('"publish";q=500;w=250');
  });

  describe('refusals', () => {
    let agency: TestAgency;
    beforeAll(async () => {
      agency = await gateway.createAgency();
      expect((await putLimits(gateway, agency.id, { token: { perSecond: 5, burst: 10 } })).status).toBe(200);
    });

    /** A refused write changed nothing. */
    async function unchanged(): Promise<void> {
      expect((await limitsOf(gateway, agency.id)).token).toEqual({
        perSecond: 5,
        burst: 10,
        source: 'agency',
      });
    }

    it('403 forbidden for an agency without the operator role, on PUT and DELETE', async () => {
      const publisher = await gateway.createAgency({ roles: ['publisher', 'integrator'] });
      const put = await putLimits(gateway, agency.id, { token: { perSecond: 1000, burst: 1000 } }, publisher);
      expect(put.status).toBe(403);
      expect(put.body).toMatchObject({ code: 'forbidden', type: 'urn:lienthong:problem:forbidden' });
      const own = await putLimits(
        gateway,
        publisher.id,
        { token: { perSecond: 1000, burst: 1000 } },
        publisher,
      );
      expect(own.status).toBe(403);
      const del = await admin(gateway, 'DELETE', `/v1/agencies/${agency.id}/rate-limits`, { as: publisher });
      expect(del.status).toBe(403);
      expect(del.body['code']).toBe('forbidden');
      await unchanged();
    });

    it('404 unknown-agency for an agency that is not registered', async () => {
      const id = randomAgencyId('X');
      const put = await putLimits(gateway, id, { token: { perSecond: 5, burst: 10 } });
      expect(put.status).toBe(404);
      expect(put.body).toMatchObject({ code: 'unknown-agency', detail: `No agency ${id}.` });
      const del = await admin(gateway, 'DELETE', `/v1/agencies/${id}/rate-limits`);
      expect(del.status).toBe(404);
      expect(del.body['code']).toBe('unknown-agency');
      // Nothing was written for it either.
      expect((await admin(gateway, 'GET', `/v1/agencies/${id}`)).status).toBe(404);
    });

    it('422 invalid-rate-limits naming each bad value, in English', async () => {
      const answer = await putLimits(gateway, agency.id, {
        token: { perSecond: 0, burst: 10 },
        publish: { perSecond: 1_000, burst: 499 },
        query: {},
      });
      expect(answer.status).toBe(422);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({
        status: 422,
        code: 'invalid-rate-limits',
        type: 'urn:lienthong:problem:invalid-rate-limits',
        title: 'The rate limits are invalid',
        instance: `/v1/agencies/${agency.id}/rate-limits`,
      });
      expect(answer.body['errors']).toEqual([
        { pointer: '/query', message: 'unknown member; the limits are token and publish' },
        { pointer: '/token/perSecond', message: 'must be a whole number from 1 to 1000000' },
        {
          pointer: '/publish/burst',
          message:
            'must be a whole number from 500 to 100000000, so that a full batch of records always fits',
        },
      ]);
      await unchanged();
    });

    it('422 invalid-rate-limits for a burst below perSecond, in Vietnamese when asked', async () => {
      const answer = await admin(gateway, 'PUT', `/v1/agencies/${agency.id}/rate-limits`, {
        body: JSON.stringify({ token: { perSecond: 50, burst: 20 } }),
        headers: { 'accept-language': 'vi' },
      });
      expect(answer.status).toBe(422);
      expect(answer.headers.get('content-language')).toBe('vi');
      expect(answer.body).toMatchObject({
        code: 'invalid-rate-limits',
        title: 'Giới hạn tần suất truy cập không hợp lệ',
        detail: 'Nội dung yêu cầu không mô tả giới hạn tần suất truy cập hợp lệ.',
        errors: [
          {
            pointer: '/token/burst',
            message: 'không được nhỏ hơn perSecond (50): mỗi đợt phải chứa được ít nhất lượng của một giây',
          },
        ],
      });
      await unchanged();
    });

    it('400 empty-body and malformed-json for a body that is not JSON', async () => {
      const empty = await admin(gateway, 'PUT', `/v1/agencies/${agency.id}/rate-limits`, {
        headers: { 'content-type': 'application/json' },
      });
      expect(empty.status).toBe(400);
      expect(empty.body['code']).toBe('empty-body');
      const malformed = await admin(gateway, 'PUT', `/v1/agencies/${agency.id}/rate-limits`, {
        body: '{"token": {"perSecond": 5,',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body['code']).toBe('malformed-json');
      await unchanged();
    });
  });
});

describe('per-agency rate limits across replicas (registry log, buckets in real Redis)', () => {
  const env = { REDIS_URL: process.env['REDIS_URL'] || 'redis://127.0.0.1:6379' };
  let a: RunningGateway;
  let b: RunningGateway;
  let c: RunningGateway | undefined;
  let agency: TestAgency;
  const override = { publish: { perSecond: 1, burst: 600 } };

  beforeAll(async () => {
    [a, b] = await Promise.all([startGateway(env), startGateway(env)]);
    agency = await a.createAgency({ grants: { publish: [TYPE] } });
  });
  afterAll(() => Promise.all([a?.close(), b?.close(), c?.close()]));

  it('an override written through one replica holds on the other, on the one bucket they share', async () => {
    expect((await putLimits(a, agency.id, override)).status).toBe(200);
    // B applies the record from the log; poll until it has.
    const onB = await pollUntil(
      async () => {
        const answer = await admin(b, 'GET', `/v1/agencies/${agency.id}`);
        const limits = answer.body['rateLimits'] as Limits | undefined;
        return limits?.publish.source === 'agency' ? limits : undefined;
      },
      { timeoutMs: 15_000, description: 'replica B applied the override' },
    );
    expect(onB.publish).toEqual({ perSecond: 1, burst: 600, source: 'agency' });

    const first = await publishBatch(a, agency, 500);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('"publish";q=600;w=600');
    // About 100 left in the shared bucket: B refuses 200 more under the same policy.
    const second = await publishBatch(b, agency, 200);
    expect(second.status).toBe(429);
    expect(second.headers.get('ratelimit-policy')).toBe('"publish";q=600;w=600');
  });

  it('a replica started afterwards replays the override from the log, and a DELETE through it reaches the others', async () => {
    c = await startGateway(env);
    // Ready means caught up with the log: no polling needed on the new replica.
    expect(await limitsOf(c, agency.id)).toEqual({
      ...DEFAULTS,
      publish: { perSecond: 1, burst: 600, source: 'agency' },
    });
    const refused = await publishBatch(c, agency, 200);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-policy')).toBe('"publish";q=600;w=600');

    const cleared = await admin(c, 'DELETE', `/v1/agencies/${agency.id}/rate-limits`);
    expect(cleared.status).toBe(200);
    expect(cleared.body['rateLimits']).toEqual(DEFAULTS);
    for (const replica of [a, b]) {
      await pollUntil(async () => (await limitsOf(replica, agency.id)).publish.source === 'default', {
        timeoutMs: 15_000,
        description: 'the replica applied the DELETE',
      });
    }
    // Back on the default bucket: a full batch goes through at once.
    const back = await publishBatch(b, agency, 500);
    expect(back.status).toBe(200);
    expect(back.headers.get('ratelimit-policy')).toBe('"publish";q=2000;w=2');
  });
});

/** A token request by `agency`: the raw answer (status, RateLimit headers, problem body). */
async function fetchTokenAnswer(
  gateway: RunningGateway,
  agency: TestAgency,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const assertion = await createClientAssertion({
    agencyId: agency.id,
    audience: gateway.config.issuer,
    privateKey: agency.privateKey,
    kid: agency.kid,
    alg: 'ES256',
  });
  const response = await fetch(`${gateway.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Answer['body'],
  };
}
