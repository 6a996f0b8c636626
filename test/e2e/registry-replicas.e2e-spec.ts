import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestAgency } from '../support/agencies.util.js';
import { randomAgencyId } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';

const RUN = `r${randomBytes(4).toString('hex')}`;
const TYPE = `replicas.${RUN}.case`;
/** The agency that registers (and so owns) TYPE, through either replica. */
const OWNER = randomAgencyId('G');

const caseV1 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['caseId', 'status'],
  properties: {
    caseId: { type: 'string', maxLength: 20 },
    status: { type: 'string', enum: ['OPEN', 'CLOSED'] },
  },
};
const metadata = {
  owner: OWNER,
  description: { vi: 'Hồ sơ thử nghiệm', en: 'Test case file' },
  keyPointer: '/caseId',
};
/** Two different next versions that accept the same records: both can be registered, in either order. */
const annotatedByA = { ...caseV1, title: 'Hồ sơ (replica A)' };
const annotatedByB = { ...caseV1, description: 'Case file, annotated on replica B' };
/** Two next versions that each extend the closed model differently: whichever is second breaks the first. */
const extendedByA = {
  ...annotatedByB,
  properties: { ...caseV1.properties, officer: { type: 'string', maxLength: 50 } },
};
const extendedByB = {
  ...annotatedByB,
  properties: { ...caseV1.properties, deadline: { type: 'string', format: 'date' } },
};

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** The integrator every replica is called as; its token is valid on each (shared gateway keys). */
let integrator: TestAgency;

async function call(gateway: RunningGateway, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { ...integrator.auth(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const register = (gateway: RunningGateway, schema: unknown): Promise<Answer> =>
  call(gateway, 'POST', `/v1/schemas/${TYPE}/versions`, { schema, metadata });

/** Everything one replica says about the type: its versions with ids, states, schemas. */
async function snapshot(gateway: RunningGateway): Promise<unknown[]> {
  const list = await call(gateway, 'GET', `/v1/schemas/${TYPE}/versions`);
  if (list.status !== 200) return [];
  const versions = list.body['versions'] as { version: number }[];
  return Promise.all(
    versions.map(async (v) => (await call(gateway, 'GET', `/v1/schemas/${TYPE}/versions/${v.version}`)).body),
  );
}

const versionNumbers = (views: unknown[]): number[] => views.map((v) => (v as { version: number }).version);

describe('registry replicas agree through the log', () => {
  let a: RunningGateway;
  let b: RunningGateway;
  let c: RunningGateway | undefined;

  beforeAll(async () => {
    [a, b] = await Promise.all([startGateway(), startGateway()]);
    integrator = await a.createAgency({ id: OWNER, roles: ['integrator'] });
    // The agency is a registry record too: B knows it once it has applied it.
    await pollUntil(async () => (await call(b, 'GET', '/v1/schemas')).status === 200, {
      timeoutMs: 15_000,
      description: 'replica B knows the integrator',
    });
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), c?.close()]);
  });

  it('a version registered on one replica appears on the other with the same id', async () => {
    const created = await register(a, caseV1);
    expect(created.status).toBe(201);
    const onB = await pollUntil(
      async () => {
        const answer = await call(b, 'GET', `/v1/schemas/${TYPE}/versions/1`);
        return answer.status === 200 ? answer.body : undefined;
      },
      { timeoutMs: 15_000, description: 'replica B sees version 1' },
    );
    expect(onB).toMatchObject({ version: 1, id: created.body['id'], schema: caseV1 });
  });

  it('two replicas registering different next versions at the same moment get distinct versions, identical on both', async () => {
    const [fromA, fromB] = await Promise.all([register(a, annotatedByA), register(b, annotatedByB)]);
    expect([fromA.status, fromB.status]).toEqual([201, 201]);
    expect([fromA.body['version'], fromB.body['version']].sort()).toEqual([2, 3]);
    expect(fromA.body['id']).not.toBe(fromB.body['id']);

    const [onA, onB] = await pollUntil(
      async () => {
        const views = await Promise.all([snapshot(a), snapshot(b)]);
        return views.every((v) => v.length === 3) ? views : undefined;
      },
      { timeoutMs: 15_000, description: 'both replicas list versions 1 to 3' },
    );
    expect(versionNumbers(onA)).toEqual([1, 2, 3]);
    expect(onB).toEqual(onA);
    // Each replica's answer names the version that holds its schema, on both replicas.
    const schemaOf = (views: unknown[], version: unknown): unknown =>
      (views.find((v) => (v as { version: number }).version === version) as { schema: unknown }).schema;
    expect(schemaOf(onA, fromA.body['version'])).toEqual(annotatedByA);
    expect(schemaOf(onB, fromB.body['version'])).toEqual(annotatedByB);
  });

  it('when two next versions conflict, log order decides: exactly one is registered, the same on both', async () => {
    const [fromA, fromB] = await Promise.all([register(a, extendedByA), register(b, extendedByB)]);
    expect([fromA.status, fromB.status].sort()).toEqual([201, 409]);
    const [winner, loser] = fromA.status === 201 ? [fromA, fromB] : [fromB, fromA];
    expect(winner.body['version']).toBe(4);
    expect(loser.body['code']).toBe('schema-incompatible');

    const [onA, onB] = await pollUntil(
      async () => {
        const views = await Promise.all([snapshot(a), snapshot(b)]);
        return views.every((v) => v.length === 4) ? views : undefined;
      },
      { timeoutMs: 15_000, description: 'both replicas list versions 1 to 4' },
    );
    expect(onB).toEqual(onA);
    expect((onA[3] as { schema: unknown }).schema).toEqual(winner === fromA ? extendedByA : extendedByB);
  });

  it('a third replica started afterwards rebuilds the same state from the log and is ready', async () => {
    await call(a, 'PUT', `/v1/schemas/${TYPE}/versions/1/state`, { state: 'deprecated' });
    await call(b, 'PUT', `/v1/schemas/${TYPE}/config`, { compatibility: 'FULL' });
    await pollUntil(
      async () => {
        const [onA, onB] = await Promise.all([
          call(a, 'GET', `/v1/schemas/${TYPE}/versions`),
          call(b, 'GET', `/v1/schemas/${TYPE}/versions`),
        ]);
        expect(onA.body).toEqual(onB.body);
        return (
          onA.body['compatibility'] === 'FULL' &&
          (onA.body['versions'] as { state: string }[])[0]?.state === 'deprecated'
        );
      },
      { timeoutMs: 15_000, description: 'A and B agree on the state change and the level' },
    );

    const third = await startGateway();
    c = third;
    const ready = await call(third, 'GET', '/health/ready');
    expect(ready).toEqual({ status: 200, body: { status: 'up', checks: { kafka: 'up', registry: 'up' } } });

    const [onA, onC] = await Promise.all([snapshot(a), snapshot(third)]);
    expect(versionNumbers(onC)).toEqual([1, 2, 3, 4]);
    expect(onC).toEqual(onA);
    expect((await call(third, 'GET', `/v1/schemas/${TYPE}/versions`)).body).toEqual(
      (await call(a, 'GET', `/v1/schemas/${TYPE}/versions`)).body,
    );
    expect((await call(third, 'GET', `/v1/schemas/${TYPE}/config`)).body).toEqual({
      compatibility: 'FULL',
      source: 'type',
    });
    // The whole registry, not only this type: every replica applied the same log.
    const everything = await pollUntil(
      async () => {
        const [listA, listC] = await Promise.all([
          call(a, 'GET', '/v1/schemas'),
          call(third, 'GET', '/v1/schemas'),
        ]);
        return JSON.stringify(listA.body) === JSON.stringify(listC.body) ? listC.body : undefined;
      },
      { timeoutMs: 15_000, description: 'A and C list the same registry' },
    );
    expect((everything['types'] as { type: string }[]).map((t) => t.type)).toContain(TYPE);
  });
});
