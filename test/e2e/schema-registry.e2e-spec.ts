import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestAgency } from '../support/agencies.util.js';
import { randomAgencyId } from '../support/agencies.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';

/** Unique per run: the broker (and so the registry log) is shared by every suite of a run. */
const RUN = `r${randomBytes(4).toString('hex')}`;
const TYPE = `e2e.${RUN}.order`;
/** The agency that registers (and so owns) TYPE. */
const OWNER = randomAgencyId('G');

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** v1: a closed order record. */
const orderV1 = {
  $schema: DRAFT_2020_12,
  type: 'object',
  additionalProperties: false,
  required: ['orderId', 'amount'],
  properties: {
    orderId: { type: 'string', minLength: 1, maxLength: 20 },
    amount: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
  },
};
/** v2: an optional property added to the closed model — BACKWARD compatible. */
const orderV2 = {
  ...orderV1,
  properties: { ...orderV1.properties, currency: { type: 'string', enum: ['VND', 'USD'] } },
};
/** v3: `amount` changed to a string and a required property added — two reasons to refuse it. */
const orderV3 = {
  ...orderV2,
  required: [...orderV2.required, 'customer'],
  properties: {
    ...orderV2.properties,
    amount: { type: 'string', maxLength: 20 },
    customer: { type: 'string', maxLength: 50 },
  },
};
const metadata = {
  owner: OWNER,
  description: { vi: 'Đơn hàng thử nghiệm', en: 'Test order' },
  keyPointer: '/orderId',
  personalData: [],
  examples: [{ orderId: 'A-1', amount: 5 }],
};

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

describe('schema registry API (/v1/schemas) against a real broker', () => {
  let gateway: RunningGateway;
  /** Registers and publishes: integrator and publisher roles, a publish grant for TYPE. */
  let integrator: TestAgency;
  let originalGlobalLevel: string | undefined;

  /** Calls the gateway as `caller` (the integrator by default; null: without a token). */
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    caller: TestAgency | null = integrator,
  ): Promise<Answer> => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        ...(caller ? caller.auth() : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  };
  const pointersOf = (answer: Answer): string[] =>
    ((answer.body['errors'] as { pointer: string }[] | undefined) ?? []).map((e) => e.pointer).sort();

  beforeAll(async () => {
    gateway = await startGateway();
    integrator = await gateway.createAgency({
      id: OWNER,
      roles: ['integrator', 'publisher'],
      grants: { publish: [TYPE] },
    });
    originalGlobalLevel = (await call('GET', '/v1/schemas/config')).body['compatibility'] as string;
  });

  afterAll(async () => {
    // The registry outlives this suite (shared broker): leave the global default as found.
    if (gateway && originalGlobalLevel) {
      await call('PUT', '/v1/schemas/config', { compatibility: originalGlobalLevel });
    }
    await gateway?.close();
  });

  describe('registering versions', () => {
    let v1Id: number;

    it('registers v1 of a new type: 201 with its version and id', async () => {
      const answer = await call('POST', `/v1/schemas/${TYPE}/versions`, { schema: orderV1, metadata });
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({ type: TYPE, version: 1, id: expect.any(Number), created: true });
      expect(answer.headers.get('location')).toBe(`/v1/schemas/${TYPE}/versions/1`);
      v1Id = answer.body['id'] as number;
    });

    it('answers 200 with the same version when the same schema and metadata come again', async () => {
      const answer = await call('POST', `/v1/schemas/${TYPE}/versions`, { schema: orderV1, metadata });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ type: TYPE, version: 1, id: v1Id, created: false });
    });

    it('treats omitted optional metadata as its defaults (same version)', async () => {
      const { personalData: _p, ...withoutDefaults } = metadata;
      const answer = await call('POST', `/v1/schemas/${TYPE}/versions`, {
        schema: orderV1,
        metadata: { ...withoutDefaults, signatureRequired: false },
      });
      expect(answer.status).toBe(200);
      expect(answer.body['version']).toBe(1);
    });

    it('registers a compatible v2', async () => {
      const answer = await call('POST', `/v1/schemas/${TYPE}/versions`, { schema: orderV2, metadata });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ type: TYPE, version: 2, created: true });
      expect(answer.body['id']).not.toBe(v1Id);
    });

    it('refuses an incompatible v3 with 409 and every reason', async () => {
      const answer = await call('POST', `/v1/schemas/${TYPE}/versions`, {
        schema: orderV3,
        metadata: { ...metadata, examples: [] },
      });
      expect(answer.status).toBe(409);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ code: 'schema-incompatible', status: 409 });
      const pointers = pointersOf(answer);
      expect(pointers.some((p) => p.includes('amount'))).toBe(true);
      expect(pointers.some((p) => p.includes('customer') || p.includes('required'))).toBe(true);
      expect((await call('GET', `/v1/schemas/${TYPE}/versions`)).body['versions']).toHaveLength(2);
    });
  });

  describe('reading the registry', () => {
    it('lists the type with its latest version, state and level', async () => {
      const answer = await call('GET', '/v1/schemas');
      expect(answer.status).toBe(200);
      expect(answer.body['compatibility']).toEqual(expect.any(String));
      const entry = (answer.body['types'] as { type: string }[]).find((t) => t.type === TYPE);
      expect(entry).toEqual({
        type: TYPE,
        latestVersion: 2,
        latestId: expect.any(Number),
        state: 'active',
        versions: 2,
        compatibility: originalGlobalLevel,
        owner: metadata.owner,
        description: metadata.description,
      });
      // The seed catalogue is in the registry too.
      expect((answer.body['types'] as { type: string }[]).map((t) => t.type)).toContain(
        'residence.registration',
      );
    });

    it('lists the versions of a type', async () => {
      const answer = await call('GET', `/v1/schemas/${TYPE}/versions`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        type: TYPE,
        compatibility: originalGlobalLevel,
        versions: [
          { version: 1, id: expect.any(Number), state: 'active', registeredAt: expect.any(String) },
          { version: 2, id: expect.any(Number), state: 'active', registeredAt: expect.any(String) },
        ],
      });
    });

    it('returns one version with its schema and metadata, by number, as latest and by id', async () => {
      const v1 = await call('GET', `/v1/schemas/${TYPE}/versions/1`);
      expect(v1.status).toBe(200);
      expect(v1.body).toEqual({
        type: TYPE,
        version: 1,
        id: expect.any(Number),
        state: 'active',
        schema: orderV1,
        metadata: { ...metadata, signatureRequired: false },
        registeredAt: expect.any(String),
        registeredBy: integrator.id,
      });
      const latest = await call('GET', `/v1/schemas/${TYPE}/versions/latest`);
      expect(latest.body).toMatchObject({ version: 2, schema: orderV2 });
      const byId = await call('GET', `/v1/schemas/ids/${String(v1.body['id'])}`);
      expect(byId.status).toBe(200);
      expect(byId.body).toEqual(v1.body);
    });

    it.each([
      ['an unknown type', `/v1/schemas/e2e.${RUN}.nothing/versions`, 404, 'unknown-type'],
      ['an unknown type, one version', `/v1/schemas/e2e.${RUN}.nothing/versions/1`, 404, 'unknown-type'],
      ['an unknown version', `/v1/schemas/${TYPE}/versions/99`, 404, 'unknown-schema-version'],
      ['version 0', `/v1/schemas/${TYPE}/versions/0`, 404, 'unknown-schema-version'],
      ['a version that is not a number', `/v1/schemas/${TYPE}/versions/first`, 404, 'unknown-schema-version'],
      ['an unknown id', '/v1/schemas/ids/999999999', 404, 'unknown-schema-version'],
      ['an id that is not a number', '/v1/schemas/ids/x1', 404, 'unknown-schema-version'],
      ['an invalid type name', '/v1/schemas/Not_A.Type/versions', 400, 'invalid-type-name'],
      ['an invalid type name, config', '/v1/schemas/Not_A.Type/config', 400, 'invalid-type-name'],
      // Upper case, an empty word, and 101 characters (past Fastify's default maxParamLength).
      ...['Upper.Case', 'a..b', `a.${'b'.repeat(99)}`].flatMap((name): [string, string, number, string][] => [
        [`${name.slice(0, 12)}, versions`, `/v1/schemas/${name}/versions`, 400, 'invalid-type-name'],
        [`${name.slice(0, 12)}, one version`, `/v1/schemas/${name}/versions/1`, 400, 'invalid-type-name'],
        [`${name.slice(0, 12)}, config`, `/v1/schemas/${name}/config`, 400, 'invalid-type-name'],
      ]),
    ])('%s -> %i %s', async (_name, path, status, code) => {
      const answer = await call('GET', path);
      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ status, code, type: `urn:lienthong:problem:${code}` });
    });
  });

  describe('checking compatibility without registering', () => {
    it('says why a candidate is incompatible, with pointers and the version it breaks', async () => {
      const answer = await call('POST', `/v1/schemas/${TYPE}/compatibility`, { schema: orderV3 });
      expect(answer.status).toBe(200);
      expect(answer.body['compatible']).toBe(false);
      expect(answer.body['level']).toBe(originalGlobalLevel);
      const reasons = answer.body['reasons'] as Record<string, unknown>[];
      expect(reasons.length).toBeGreaterThanOrEqual(2);
      for (const reason of reasons) {
        expect(reason).toEqual({
          pointer: expect.any(String),
          rule: expect.any(String),
          message: expect.any(String),
          againstVersion: expect.any(Number),
        });
      }
      expect((await call('GET', `/v1/schemas/${TYPE}/versions`)).body['versions']).toHaveLength(2);
    });

    it('answers in Vietnamese when asked', async () => {
      const en = await call('POST', `/v1/schemas/${TYPE}/compatibility`, { schema: orderV3 });
      const vi = await call(
        'POST',
        `/v1/schemas/${TYPE}/compatibility`,
        { schema: orderV3 },
        { 'accept-language': 'vi' },
      );
      expect(vi.headers.get('content-language')).toBe('vi');
      const message = (a: Answer): unknown => (a.body['reasons'] as { message: string }[])[0]?.message;
      expect(message(vi)).not.toEqual(message(en));
    });

    it('accepts a compatible candidate', async () => {
      const candidate = {
        ...orderV2,
        properties: { ...orderV2.properties, note: { type: 'string', maxLength: 200 } },
      };
      const answer = await call('POST', `/v1/schemas/${TYPE}/compatibility`, { schema: candidate });
      expect(answer.body).toEqual({ compatible: true, level: originalGlobalLevel, reasons: [] });
    });

    it('checks at another level when asked', async () => {
      const none = await call('POST', `/v1/schemas/${TYPE}/compatibility`, {
        schema: orderV3,
        level: 'NONE',
      });
      expect(none.body).toEqual({ compatible: true, level: 'NONE', reasons: [] });
    });

    it('finds any candidate compatible with a type that has no versions yet', async () => {
      const answer = await call('POST', `/v1/schemas/e2e.${RUN}.fresh/compatibility`, { schema: orderV3 });
      expect(answer.body).toMatchObject({ compatible: true, reasons: [] });
    });
  });

  describe('compatibility levels', () => {
    const typeConfig = `/v1/schemas/${TYPE}/config`;

    it('reads a type’s level (following the global default) and sets its own', async () => {
      expect((await call('GET', typeConfig)).body).toEqual({
        compatibility: originalGlobalLevel,
        source: 'global',
      });
      const put = await call('PUT', typeConfig, { compatibility: 'FULL' });
      expect(put.status).toBe(200);
      expect(put.body).toEqual({ compatibility: 'FULL', source: 'type' });
      expect((await call('GET', typeConfig)).body).toEqual({ compatibility: 'FULL', source: 'type' });
      expect((await call('GET', `/v1/schemas/${TYPE}/versions`)).body['compatibility']).toBe('FULL');
      // FULL: the compatible-for-BACKWARD candidate with a new optional property in a closed
      // model is not forward compatible (old readers refuse the new property).
      const candidate = {
        ...orderV2,
        properties: { ...orderV2.properties, note: { type: 'string', maxLength: 200 } },
      };
      const check = await call('POST', `/v1/schemas/${TYPE}/compatibility`, { schema: candidate });
      expect(check.body).toMatchObject({ compatible: false, level: 'FULL' });
    });

    it('reads and sets the global default, which types without their own level follow', async () => {
      const other = `/v1/schemas/e2e.${RUN}.other/config`;
      const next = originalGlobalLevel === 'FORWARD' ? 'BACKWARD_TRANSITIVE' : 'FORWARD';
      const put = await call('PUT', '/v1/schemas/config', { compatibility: next });
      expect(put.status).toBe(200);
      expect(put.body).toEqual({ compatibility: next });
      expect((await call('GET', '/v1/schemas/config')).body).toEqual({ compatibility: next });
      expect((await call('GET', other)).body).toEqual({ compatibility: next, source: 'global' });
      // A type with its own level keeps it.
      expect((await call('GET', typeConfig)).body).toEqual({ compatibility: 'FULL', source: 'type' });
      await call('PUT', '/v1/schemas/config', { compatibility: originalGlobalLevel });
      expect((await call('GET', '/v1/schemas/config')).body).toEqual({ compatibility: originalGlobalLevel });
    });

    it('sets the type back to BACKWARD', async () => {
      expect((await call('PUT', typeConfig, { compatibility: 'BACKWARD' })).body).toEqual({
        compatibility: 'BACKWARD',
        source: 'type',
      });
    });
  });

  describe('deprecating and disabling versions', () => {
    const publish = (version?: string): Promise<Answer> =>
      call(
        'POST',
        `/v1/messages/${TYPE}`,
        { orderId: `O-${RUN}`, amount: 7 },
        version ? { 'lienthong-schema-version': version } : {},
      );
    const setState = (version: number | string, state: string): Promise<Answer> =>
      call('PUT', `/v1/schemas/${TYPE}/versions/${version}/state`, { state });

    it('deprecates v1: still usable for publishing, flagged in responses', async () => {
      const answer = await setState(1, 'deprecated');
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ type: TYPE, version: 1, state: 'deprecated', deprecated: true });
      expect((await call('GET', `/v1/schemas/${TYPE}/versions/1`)).body).toMatchObject({ deprecated: true });
      const list = (await call('GET', `/v1/schemas/${TYPE}/versions`)).body['versions'] as Record<
        string,
        unknown
      >[];
      expect(list[0]).toMatchObject({ version: 1, state: 'deprecated', deprecated: true });
      expect(list[1]).not.toHaveProperty('deprecated');
      const published = await publish('1');
      expect(published.status).toBe(202);
      expect(published.body).toMatchObject({ schemaVersion: 1, schemaDeprecated: true });
    });

    it('disables v1: publishing with it is refused, the latest enabled version still works', async () => {
      expect((await setState(1, 'disabled')).body).toMatchObject({ version: 1, state: 'disabled' });
      const refused = await publish('1');
      expect(refused.status).toBe(422);
      expect(refused.body['code']).toBe('schema-version-disabled');
      const accepted = await publish();
      expect(accepted.status).toBe(202);
      expect(accepted.body['schemaVersion']).toBe(2);
      expect(accepted.body).not.toHaveProperty('schemaDeprecated');
    });

    it('re-activates v1', async () => {
      expect((await setState(1, 'active')).body).toMatchObject({ version: 1, state: 'active' });
      expect((await call('GET', `/v1/schemas/${TYPE}/versions/1`)).body).not.toHaveProperty('deprecated');
      expect((await publish('1')).status).toBe(202);
    });

    it.each([
      ['an unknown version', 9, { state: 'disabled' }, 404, 'unknown-schema-version'],
      ['"latest" (a moving target)', 'latest', { state: 'disabled' }, 404, 'unknown-schema-version'],
      ['an unknown state', 1, { state: 'deleted' }, 422, 'invalid-registry-request'],
      ['an extra member', 1, { state: 'disabled', reason: 'x' }, 422, 'invalid-registry-request'],
      ['no state', 1, {}, 422, 'invalid-registry-request'],
    ])('refuses %s', async (_name, version, body, status, code) => {
      const answer = await call('PUT', `/v1/schemas/${TYPE}/versions/${version}/state`, body);
      expect(answer.status).toBe(status);
      expect(answer.body['code']).toBe(code);
    });

    it('refuses a state change on an unknown type', async () => {
      const answer = await call('PUT', `/v1/schemas/e2e.${RUN}.nothing/versions/1/state`, {
        state: 'disabled',
      });
      expect(answer.status).toBe(404);
      expect(answer.body['code']).toBe('unknown-type');
    });
  });

  describe('who may read and write', () => {
    /** An authenticated agency without the integrator role. */
    let reader: TestAgency;
    beforeAll(async () => {
      reader = await gateway.createAgency({ roles: ['subscriber'] });
    });
    const writes: [string, string, string, unknown][] = [
      ['registering a version', 'POST', `/v1/schemas/${TYPE}/versions`, { schema: orderV1, metadata }],
      ['setting a type’s level', 'PUT', `/v1/schemas/${TYPE}/config`, { compatibility: 'NONE' }],
      ['setting the global level', 'PUT', '/v1/schemas/config', { compatibility: 'NONE' }],
      ['changing a version’s state', 'PUT', `/v1/schemas/${TYPE}/versions/1/state`, { state: 'disabled' }],
    ];
    const reads: [string, string, string, unknown][] = [
      ['listing types', 'GET', '/v1/schemas', undefined],
      ['reading a version', 'GET', `/v1/schemas/${TYPE}/versions/1`, undefined],
      ['reading a level', 'GET', `/v1/schemas/${TYPE}/config`, undefined],
      ['checking compatibility', 'POST', `/v1/schemas/${TYPE}/compatibility`, { schema: orderV2 }],
    ];

    it.each([...reads, ...writes])('401 without an access token: %s', async (_name, method, path, body) => {
      const answer = await call(method, path, body, {}, null);
      expect(answer.status).toBe(401);
      expect(answer.body['code']).toBe('invalid-token');
    });

    it.each(writes)(
      '403 for an agency without the integrator role: %s',
      async (_name, method, path, body) => {
        const answer = await call(method, path, body, {}, reader);
        expect(answer.status).toBe(403);
        expect(answer.body['code']).toBe('forbidden');
        // Nothing changed.
        expect((await call('GET', `/v1/schemas/${TYPE}/versions/1`)).body['state']).toBe('active');
        expect((await call('GET', `/v1/schemas/${TYPE}/config`)).body['compatibility']).toBe('BACKWARD');
      },
    );

    it('an integrator of another agency may not change a type it does not own', async () => {
      const other = await gateway.createAgency({ roles: ['integrator'] });
      const candidate = { ...orderV2, title: 'by another agency' };
      const versionByOther = await call(
        'POST',
        `/v1/schemas/${TYPE}/versions`,
        { schema: candidate, metadata: { ...metadata, owner: other.id } },
        {},
        other,
      );
      expect({ status: versionByOther.status, code: versionByOther.body['code'] }).toEqual({
        status: 403,
        code: 'forbidden',
      });
      const stateByOther = await call(
        'PUT',
        `/v1/schemas/${TYPE}/versions/1/state`,
        { state: 'disabled' },
        {},
        other,
      );
      expect(stateByOther.status).toBe(403);
      // Nor register a new type in another agency's name.
      const inOwnersName = await call(
        'POST',
        `/v1/schemas/e2e.${RUN}.impostor/versions`,
        { schema: orderV1, metadata },
        {},
        other,
      );
      expect(inOwnersName.status).toBe(403);
      expect((await call('GET', `/v1/schemas/${TYPE}/versions`)).body['versions']).toHaveLength(2);
    });

    it.each(reads)('any authenticated agency may read: %s', async (_name, method, path, body) => {
      expect((await call(method, path, body, {}, reader)).status).toBe(200);
    });
  });

  describe('refusing malformed registry requests (nothing is registered)', () => {
    const fresh = `e2e.${RUN}.refused`;
    const register = (body: unknown, headers?: Record<string, string>): Promise<Answer> =>
      call('POST', `/v1/schemas/${fresh}/versions`, body, headers);

    /** Not-ok registration bodies, each with the pointers the 422 must name. */
    const notOk: { name: string; body: unknown; pointers: string[] }[] = [
      { name: 'an array body', body: [], pointers: [''] },
      { name: 'no schema', body: { metadata }, pointers: ['/schema'] },
      { name: 'no metadata', body: { schema: orderV1 }, pointers: ['/metadata'] },
      { name: 'an unknown member', body: { schema: orderV1, metadata, type: fresh }, pointers: ['/type'] },
      { name: 'a boolean schema', body: { schema: true, metadata }, pointers: ['/schema'] },
      {
        name: 'an unknown metadata member',
        body: { schema: orderV1, metadata: { ...metadata, version: 1 } },
        pointers: ['/metadata/version'],
      },
      {
        name: 'an owner that is not an agency code',
        body: { schema: orderV1, metadata: { ...metadata, owner: 'Bộ Tài chính' } },
        pointers: ['/metadata/owner'],
      },
      {
        name: 'a description without English',
        body: { schema: orderV1, metadata: { ...metadata, description: { vi: 'Đơn hàng' } } },
        pointers: ['/metadata/description/en'],
      },
      {
        name: 'a description that is a number',
        body: { schema: orderV1, metadata: { ...metadata, description: { vi: 1, en: 'x' } } },
        pointers: ['/metadata/description/vi'],
      },
      {
        name: 'a key pointer that is not a JSON pointer',
        body: { schema: orderV1, metadata: { ...metadata, keyPointer: 'orderId' } },
        pointers: ['/metadata/keyPointer'],
      },
      {
        name: 'personal data that is not a list of pointers',
        body: { schema: orderV1, metadata: { ...metadata, personalData: ['/orderId', 'amount'] } },
        pointers: ['/metadata/personalData/1'],
      },
      {
        name: 'a signature flag that is not a boolean',
        body: { schema: orderV1, metadata: { ...metadata, signatureRequired: 'no' } },
        pointers: ['/metadata/signatureRequired'],
      },
      {
        name: 'examples that are not a list',
        body: { schema: orderV1, metadata: { ...metadata, examples: { orderId: 'A' } } },
        pointers: ['/metadata/examples'],
      },
      {
        name: 'several problems at once',
        body: { schema: 'x', metadata: { owner: 'x', keyPointer: '/orderId' } },
        pointers: ['/metadata/description', '/metadata/owner', '/schema'],
      },
    ];

    it.each(notOk)('422 invalid-schema-registration for $name', async ({ body, pointers }) => {
      const answer = await register(body);
      expect(answer.status).toBe(422);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body['code']).toBe('invalid-schema-registration');
      expect(pointersOf(answer)).toEqual([...pointers].sort());
    });

    it.each([
      {
        name: 'an example that does not validate',
        body: { schema: orderV1, metadata: { ...metadata, examples: [{ orderId: 'A', amount: -1 }] } },
        status: 422,
        code: 'schema-example-invalid',
        pointers: ['/metadata/examples/0/amount'],
      },
      {
        name: 'an example without its key',
        body: {
          schema: { ...orderV1, required: ['amount'] },
          metadata: { ...metadata, examples: [{ amount: 1 }] },
        },
        status: 422,
        code: 'schema-example-invalid',
      },
      {
        name: 'a regex RE2 cannot run (look-ahead)',
        body: {
          schema: {
            ...orderV1,
            properties: {
              ...orderV1.properties,
              orderId: { type: 'string', maxLength: 20, pattern: '^(?=A)' },
            },
          },
          metadata,
        },
        status: 422,
        code: 'schema-unsafe-regex',
        pointers: ['/schema/properties/orderId/pattern'],
      },
      {
        name: 'a remote $ref',
        body: {
          schema: {
            ...orderV1,
            properties: { ...orderV1.properties, amount: { $ref: 'https://example.org/amount.json' } },
          },
          metadata,
        },
        status: 422,
        code: 'schema-remote-ref',
        pointers: ['/schema/properties/amount/$ref'],
      },
      { name: 'malformed JSON', body: '{"schema": ', status: 400, code: 'malformed-json' },
      { name: 'a duplicate key', body: '{"schema":{},"schema":{}}', status: 400, code: 'duplicate-json-key' },
      { name: 'a __proto__ key', body: '{"__proto__":{}}', status: 400, code: 'forbidden-json-key' },
      { name: 'an empty body', body: '', status: 400, code: 'empty-body' },
    ] as { name: string; body: unknown; status: number; code: string; pointers?: string[] }[])(
      '$status $code for $name',
      async ({ body, status, code, pointers }) => {
        const answer = await register(body);
        expect(answer.status).toBe(status);
        expect(answer.body['code']).toBe(code);
        // Pointers of a refused registration point into the request body.
        if (pointers) expect(pointersOf(answer)).toEqual(pointers);
      },
    );

    it('415 for a body that is not JSON', async () => {
      const answer = await register('schema=1', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(answer.status).toBe(415);
      expect(answer.body['code']).toBe('unsupported-media-type');
    });

    it('400 invalid-type-name for a type that cannot name a topic', async () => {
      const answer = await call('POST', '/v1/schemas/Orders_2024/versions', { schema: orderV1, metadata });
      expect(answer.status).toBe(400);
      expect(answer.body['code']).toBe('invalid-type-name');
    });

    it.each([
      ['a level outside the list', { compatibility: 'SOMETIMES' }, ['/compatibility']],
      ['a lower-case level', { compatibility: 'backward' }, ['/compatibility']],
      ['no level', {}, ['/compatibility']],
      ['an extra member', { compatibility: 'FULL', scope: 'all' }, ['/scope']],
    ])(
      '422 invalid-registry-request for a config with %s (type and global)',
      async (_name, body, pointers) => {
        for (const path of [`/v1/schemas/${TYPE}/config`, '/v1/schemas/config']) {
          const answer = await call('PUT', path, body);
          expect(answer.status).toBe(422);
          expect(answer.body['code']).toBe('invalid-registry-request');
          expect(pointersOf(answer)).toEqual(pointers);
        }
      },
    );

    it.each([
      ['no schema', { level: 'FULL' }, ['/schema']],
      ['a level outside the list', { schema: orderV1, level: 'ALWAYS' }, ['/level']],
      ['an extra member', { schema: orderV1, metadata }, ['/metadata']],
    ])('422 invalid-registry-request for a compatibility check with %s', async (_name, body, pointers) => {
      const answer = await call('POST', `/v1/schemas/${TYPE}/compatibility`, body);
      expect(answer.status).toBe(422);
      expect(answer.body['code']).toBe('invalid-registry-request');
      expect(pointersOf(answer)).toEqual(pointers);
    });

    it('answers in Vietnamese when asked', async () => {
      const answer = await register({ schema: orderV1 }, { 'accept-language': 'vi-VN, vi;q=0.9' });
      expect(answer.headers.get('content-language')).toBe('vi');
      expect(answer.body['title']).toBe('Yêu cầu đăng ký lược đồ không hợp lệ');
      expect((answer.body['errors'] as { message: string }[])[0]?.message).toBe('thiếu thành phần bắt buộc');
    });

    it('registered none of them', async () => {
      expect((await call('GET', `/v1/schemas/${fresh}/versions`)).status).toBe(404);
    });
  });
});
