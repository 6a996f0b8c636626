import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClientAssertion } from '@lienthong/trust';
import type { TestAgency } from '../support/agencies.util.js';
import { readCatalogueFixtures } from '../support/catalogue-fixtures.util.js';
import type { RunningGateway } from '../support/gateway.util.js';
import { startGateway } from '../support/gateway.util.js';

const REDIS_URL = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const [fixture] = readCatalogueFixtures();

/**
 * Two gateway replicas sharing the real Redis (REDIS_URL): an Idempotency-Key used on one is
 * honoured on the other, and a client assertion used on one is refused on the other.
 */
describe('two replicas sharing Redis', () => {
  let a: RunningGateway;
  let b: RunningGateway;
  let publisher: TestAgency;

  beforeAll(async () => {
    a = await startGateway({ REDIS_URL });
    b = await startGateway({ REDIS_URL });
    publisher = await a.createAgency({ grants: { publish: [fixture!.type] } });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('replays an idempotent publish on the other replica instead of writing it twice', async () => {
    const key = `replica-${randomUUID()}`;
    const send = (gateway: RunningGateway) =>
      fetch(`${gateway.url}/v1/messages/${fixture!.type}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key, ...publisher.auth() },
        body: JSON.stringify(fixture!.ok[0]),
      });
    const first = await send(a);
    expect(first.status).toBe(202);
    const second = await send(b);
    expect(second.status).toBe(202);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(((await second.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
  });

  it('refuses on one replica a client assertion already used on the other', async () => {
    const assertion = await createClientAssertion({
      agencyId: publisher.id,
      audience: a.config.issuer,
      privateKey: publisher.privateKey,
      kid: publisher.kid,
      alg: 'ES256',
    });
    const request = (gateway: RunningGateway) =>
      fetch(`${gateway.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        }),
      });
    expect((await request(a)).status).toBe(200);
    const replay = await request(b);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: 'invalid_client' });
  });
});
