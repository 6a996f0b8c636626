import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createKafkaClient } from '@lienthong/kafka';
import { createClientAssertion, signDetached, verifyReceipt } from '@lienthong/trust';
import { SignJWT } from 'jose';
import type { Kafka } from 'kafkajs';
import type { TestAgency } from '../support/agencies.util.js';
import { agencyKeyPair, fetchToken } from '../support/agencies.util.js';
import { readCatalogueFixtures } from '../support/catalogue-fixtures.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';
import { pollUntil } from '../support/poll-until.util.js';
import { RecordCollector, topicEndOffsets } from '../support/record-collector.util.js';

const [fixture] = readCatalogueFixtures();
const type = fixture!.type;
const topic = `lienthong.records.${type}`;
const body = Buffer.from(JSON.stringify(fixture!.ok[0]), 'utf8');

describe('trust: tokens, authorisation, signatures, receipts, idempotency, batches', () => {
  let gateway: RunningGateway;
  let kafka: Kafka;
  let collector: RecordCollector;
  let publisher: TestAgency;

  beforeAll(async () => {
    gateway = await startGateway();
    publisher = await gateway.createAgency({
      roles: ['publisher', 'integrator'],
      grants: { publish: [type] },
    });
    kafka = createKafkaClient({ brokers: gateway.config.kafkaBrokers, clientId: 'trust-e2e' });
    collector = new RecordCollector(kafka);
    await collector.start([topic]);
  });

  afterAll(async () => {
    await collector?.stop();
    await gateway?.close();
  });

  const publish = (
    headers: Record<string, string>,
    payload: Buffer | string = body,
    path = `/v1/messages/${type}`,
  ) =>
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: payload,
    });

  const tokenRequest = (assertion: string, extra: Record<string, string> = {}) =>
    fetch(`${gateway.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        ...extra,
      }),
    });

  const assertionFor = (agency: TestAgency, overrides: { audience?: string; kid?: string } = {}) =>
    createClientAssertion({
      agencyId: agency.id,
      audience: overrides.audience ?? gateway.config.issuer,
      privateKey: agency.privateKey,
      kid: overrides.kid ?? agency.kid,
      alg: 'ES256',
    });

  describe('discovery', () => {
    it('publishes RFC 8414 metadata and the JWKS without a token', async () => {
      const metadata = (await (
        await fetch(`${gateway.url}/.well-known/oauth-authorization-server`)
      ).json()) as Record<string, unknown>;
      expect(metadata).toMatchObject({
        issuer: gateway.config.issuer,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
      const jwks = (await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json()) as {
        keys: Record<string, unknown>[];
      };
      expect(jwks.keys.length).toBeGreaterThan(0);
      for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
    });
  });

  describe('access tokens on /v1', () => {
    it.each([
      ['no Authorization header', {}],
      ['a Basic credential', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['a malformed token', { authorization: 'Bearer not.a.jwt' }],
      ['an assertion instead of an access token', { authorization: 'Bearer ASSERTION' }],
    ])('refuses %s with 401 and writes nothing', async (_name, headers: Record<string, string>) => {
      if (headers.authorization === 'Bearer ASSERTION')
        headers = { authorization: `Bearer ${await assertionFor(publisher)}` };
      const before = await topicEndOffsets(kafka, topic);
      const response = await publish(headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(((await response.json()) as { code: string }).code).toBe('invalid-token');
      expect(await topicEndOffsets(kafka, topic)).toBe(before);
    });

    it('refuses a token signed by a key the gateway does not own', async () => {
      const stranger = await agencyKeyPair();
      const forged = await new SignJWT({
        client_id: publisher.id,
        lienthong: { roles: ['publisher'], publish: [type], subscribe: [] },
      })
        .setProtectedHeader({ alg: 'ES256', kid: stranger.kid, typ: 'at+jwt' })
        .setIssuer(gateway.config.issuer)
        .setAudience(gateway.config.issuer)
        .setSubject(publisher.id)
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti(randomUUID())
        .sign(stranger.privateKey);
      expect((await publish({ authorization: `Bearer ${forged}` })).status).toBe(401);
    });

    it('denies by default: no grant for the type, or not a publisher, is 403', async () => {
      const noGrant = await gateway.createAgency({ roles: ['publisher'] });
      const noRole = await gateway.createAgency({ roles: ['subscriber'], grants: { publish: [type] } });
      for (const [agency, says] of [
        [
          noGrant,
          `holds no publish grant on ${type}. An operator grants it (PUT /v1/agencies/${noGrant.id}/grants/publish/${type})`,
        ],
        [noRole, 'publisher role'],
      ] as const) {
        const response = await publish(agency.auth());
        expect(response.status).toBe(403);
        const problem = (await response.json()) as { code: string; detail: string };
        expect(problem.code).toBe('forbidden');
        expect(problem.detail).toContain(says);
      }
      const admin = await fetch(`${gateway.url}/v1/agencies`, { headers: publisher.auth() });
      expect(admin.status).toBe(403);
    });

    it('tells the owner of a type without the publish grant that owning is not publishing, and how to get it', async () => {
      const owner = await gateway.createAgency({ roles: ['publisher', 'integrator'] });
      const owned = `e2e.owned-${randomUUID().slice(0, 8)}`;
      const registered = await fetch(`${gateway.url}/v1/schemas/${owned}/versions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...owner.auth() },
        body: JSON.stringify({
          schema: {
            $schema: 'https://json-schema.org/draft/2020-12/schema',
            type: 'object',
            additionalProperties: false,
            required: ['n'],
            properties: { n: { type: 'integer', minimum: 0, maximum: 100 } },
          },
          metadata: {
            owner: owner.id,
            description: { vi: 'Loại thử nghiệm', en: 'Test type' },
            keyPointer: '/n',
            personalData: [],
            examples: [{ n: 1 }],
          },
        }),
      });
      expect({ status: registered.status, body: await registered.text() }).toMatchObject({ status: 201 });
      const response = await fetch(`${gateway.url}/v1/messages/${owned}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': 'vi', ...owner.auth() },
        body: '{"n":1}',
      });
      expect(response.status).toBe(403);
      const problem = (await response.json()) as { code: string; detail: string };
      expect(problem.code).toBe('forbidden');
      expect(problem.detail).toContain(
        `là chủ sở hữu loại thông điệp ${owned} nhưng chưa được cấp quyền gửi`,
      );
      expect(problem.detail).toContain(`PUT /v1/agencies/${owner.id}/grants/publish/${owned}`);
    });

    it('stops a suspended agency at once and lets it back when reactivated', async () => {
      const agency = await gateway.createAgency({ roles: ['publisher'], grants: { publish: [type] } });
      expect((await publish(agency.auth())).status).toBe(202);
      const suspend = await fetch(`${gateway.url}/v1/agencies/${agency.id}/suspend`, {
        method: 'POST',
        headers: gateway.operator.auth(),
      });
      expect(suspend.status).toBe(200);
      expect((await publish(agency.auth())).status).toBe(401);
      expect((await tokenRequest(await assertionFor(agency))).status).toBe(400);
      await fetch(`${gateway.url}/v1/agencies/${agency.id}/reactivate`, {
        method: 'POST',
        headers: gateway.operator.auth(),
      });
      expect((await publish(agency.auth())).status).toBe(202);
    });

    it('ends the tokens of a revoked key at once, and the key gets no new token', async () => {
      const agency = await gateway.createAgency({ roles: ['publisher'], grants: { publish: [type] } });
      const revoke = await fetch(`${gateway.url}/v1/agencies/${agency.id}/keys/${agency.kid}`, {
        method: 'DELETE',
        headers: gateway.operator.auth(),
      });
      expect(revoke.status).toBe(200);
      expect((await publish(agency.auth())).status).toBe(401);
      const response = await tokenRequest(await assertionFor(agency));
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
    });
  });

  describe('POST /oauth/token', () => {
    it('issues an RFC 9068 access token', async () => {
      const response = await tokenRequest(await assertionFor(publisher));
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const token = (await response.json()) as {
        access_token: string;
        token_type: string;
        expires_in: number;
      };
      expect(token.token_type).toBe('Bearer');
      expect(token.expires_in).toBeLessThanOrEqual(600);
      const header = JSON.parse(Buffer.from(token.access_token.split('.')[0]!, 'base64url').toString()) as {
        typ: string;
      };
      expect(header.typ).toBe('at+jwt');
    });

    it('refuses a replayed assertion (single-use jti)', async () => {
      const assertion = await assertionFor(publisher);
      expect((await tokenRequest(assertion)).status).toBe(200);
      const replay = await tokenRequest(assertion);
      expect(replay.status).toBe(401);
      expect(await replay.json()).toMatchObject({ error: 'invalid_client' });
    });

    it.each([
      [
        'the wrong audience',
        async (a: TestAgency) => tokenRequest(await assertionFor(a, { audience: 'urn:other-gateway' })),
      ],
      [
        'an unknown kid',
        async (a: TestAgency) => tokenRequest(await assertionFor(a, { kid: 'no-such-key' })),
      ],
      [
        'another agency’s key',
        async (a: TestAgency) => {
          const other = await gateway.createAgency();
          return tokenRequest(
            await createClientAssertion({
              agencyId: a.id,
              audience: gateway.config.issuer,
              privateKey: other.privateKey,
              kid: a.kid,
              alg: 'ES256',
            }),
          );
        },
      ],
      [
        'alg none',
        async (a: TestAgency) => {
          const claims = {
            iss: a.id,
            sub: a.id,
            aud: gateway.config.issuer,
            jti: randomUUID(),
            iat: Math.floor(Date.now() / 1000),
            exp: Math.floor(Date.now() / 1000) + 60,
          };
          const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid: a.kid })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
          return tokenRequest(unsigned);
        },
      ],
    ])('refuses %s with invalid_client', async (_name, send) => {
      const response = await send(publisher);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'invalid_client' });
    });

    it('refuses other grant types and missing parameters per RFC 6749', async () => {
      const grant = await tokenRequest(await assertionFor(publisher), { grant_type: 'password' });
      expect(grant.status).toBe(400);
      expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
      const json = await fetch(`${gateway.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(json.status).toBe(400);
      expect(await json.json()).toMatchObject({ error: 'invalid_request' });
    });
  });

  describe('publisher signatures and receipts', () => {
    it('carries a valid detached signature to Kafka and returns a receipt that verifies offline', async () => {
      const signature = await signDetached(body, type, publisher.privateKey, publisher.kid);
      const response = await publish({ ...publisher.auth(), 'lienthong-signature': signature });
      expect(response.status).toBe(202);
      const result = (await response.json()) as { id: string; receipt: string; offset: string };
      const record = await pollUntil(() => collector.byId.get(result.id), { timeoutMs: 30_000 });
      expect(record.headers['lienthong-publisher-signature']).toBe(signature);
      const jwks: unknown = await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json();
      const verified = await verifyReceipt(result.receipt, jwks, { body });
      expect(verified).toMatchObject({ type, publisher: publisher.id });
      await expect(
        verifyReceipt(result.receipt, jwks, { body: Buffer.from(`${body.toString()} `) }),
      ).rejects.toThrow();
    });

    it.each([
      [
        'another body',
        async () => signDetached(Buffer.from('{"other":true}'), type, publisher.privateKey, publisher.kid),
      ],
      ['another type', async () => signDetached(body, `${type}.other`, publisher.privateKey, publisher.kid)],
      [
        'a flipped byte',
        async () => {
          const s = await signDetached(body, type, publisher.privateKey, publisher.kid);
          const last = s.at(-2) === 'A' ? 'B' : 'A';
          return `${s.slice(0, -2)}${last}${s.at(-1)}`;
        },
      ],
    ])('refuses a signature over %s, writing nothing', async (_name, make) => {
      const before = await topicEndOffsets(kafka, topic);
      const response = await publish({ ...publisher.auth(), 'lienthong-signature': await make() });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe('invalid-publisher-signature');
      expect(await topicEndOffsets(kafka, topic)).toBe(before);
    });
  });

  describe('Idempotency-Key', () => {
    it('returns the original answer for a retry and writes nothing new; another body is 422', async () => {
      const key = `k-${randomUUID()}`;
      const first = await publish({ ...publisher.auth(), 'idempotency-key': key });
      expect(first.status).toBe(202);
      const original = (await first.json()) as { id: string };
      const before = await topicEndOffsets(kafka, topic);
      const retry = await publish({ ...publisher.auth(), 'idempotency-key': key });
      expect(retry.status).toBe(202);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(await retry.json()).toEqual(original);
      expect(await topicEndOffsets(kafka, topic)).toBe(before);
      const other = await publish(
        { ...publisher.auth(), 'idempotency-key': key },
        JSON.stringify(fixture!.ok[1]),
      );
      expect(other.status).toBe(422);
      expect(((await other.json()) as { code: string }).code).toBe('idempotency-key-reused');
      const bad = await publish({ ...publisher.auth(), 'idempotency-key': 'has space' });
      expect(bad.status).toBe(400);
    });
  });

  describe('batches', () => {
    it('validates each record on its own, answers in order and signs one receipt over the accepted ones', async () => {
      const good = fixture!.ok.slice(0, 2).map((r) => JSON.stringify(r, null, 1));
      const bad = JSON.stringify(fixture!.notOk[0]!.payload);
      const batch = `[${good[0]}, ${bad} ,\n${good[1]}]`;
      const response = await publish(publisher.auth(), batch, `/v1/messages/${type}/batch`);
      expect(response.status).toBe(200);
      const result = (await response.json()) as {
        accepted: number;
        rejected: number;
        receipt: string;
        results: { index: number; status: string; id?: string; problem?: { code: string } }[];
      };
      expect(result.accepted).toBe(2);
      expect(result.rejected).toBe(1);
      expect(result.results.map((r) => [r.index, r.status])).toEqual([
        [0, 'accepted'],
        [1, 'rejected'],
        [2, 'accepted'],
      ]);
      expect(result.results[1]!.problem!.code).toBe('validation-failed');
      for (const i of [0, 2]) {
        const record = await pollUntil(() => collector.byId.get(result.results[i]!.id!), {
          timeoutMs: 30_000,
        });
        expect(record.value?.toString('utf8')).toBe(good[i === 0 ? 0 : 1]);
      }
      const jwks: unknown = await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json();
      const verified = await verifyReceipt(result.receipt, jwks);
      expect(verified.records).toHaveLength(2);
    });

    it('refuses more than 500 records, writing nothing', async () => {
      const before = await topicEndOffsets(kafka, topic);
      const batch = `[${Array.from({ length: 501 }, () => body.toString()).join(',')}]`;
      const response = await publish(publisher.auth(), batch, `/v1/messages/${type}/batch`);
      expect(response.status).toBe(413);
      expect(((await response.json()) as { code: string }).code).toBe('batch-too-large');
      expect(await topicEndOffsets(kafka, topic)).toBe(before);
    });
  });

  it('a fresh token of the operator works for administration', async () => {
    const token = await fetchToken(gateway.url, gateway.config.issuer, gateway.operator);
    const response = await fetch(`${gateway.url}/v1/agencies/${publisher.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: publisher.id,
      status: 'active',
      grants: { publish: [type] },
    });
  });
});
