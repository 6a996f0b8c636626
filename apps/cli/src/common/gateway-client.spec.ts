import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ContractGateway, json, problem } from '../testing/contract-gateway.util.js';
import type { AgencySetup } from '../testing/cli-run.util.js';
import { TEST_AGENCY, setUpAgency } from '../testing/cli-run.util.js';
import { createTestContext } from '../testing/cli-test-context.util.js';
import { loadAgencyKeyFile } from './agency-key-file.js';
import { GatewayRefusalError, UnexpectedError, UsageError } from './cli.exception.js';
import { GatewayClient, parseGatewayUrl } from './gateway-client.js';

describe('GatewayClient', () => {
  let gateway: ContractGateway;
  let agency: AgencySetup;
  let client: GatewayClient;

  beforeEach(async () => {
    gateway = await ContractGateway.start();
    agency = await setUpAgency(gateway);
    client = new GatewayClient(agency.ctx, new URL(gateway.url));
  });
  afterEach(() => agency.ctx.cleanup());

  const key = () => loadAgencyKeyFile(agency.ctx, 'agency.private.jwk.json');

  it('gets a token with a single-use private_key_jwt assertion made out to the issuer', async () => {
    const token = await client.requestToken(TEST_AGENCY, await key());
    expect(token).toEqual({
      access_token: expect.stringMatching(/^at-/),
      token_type: 'Bearer',
      expires_in: 300,
    });

    const [discovery, tokenRequest] = gateway.requests;
    expect(discovery!.path).toBe('/.well-known/oauth-authorization-server');
    expect(tokenRequest!.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(tokenRequest!.body.toString());
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const assertion = form.get('client_assertion')!;
    expect(decodeProtectedHeader(assertion)).toMatchObject({ alg: 'ES256', kid: 'agency-key-1' });
    const claims = decodeJwt(assertion);
    expect(claims).toMatchObject({ iss: TEST_AGENCY, sub: TEST_AGENCY, aud: gateway.issuer });
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(300);
    expect(claims.jti).toEqual(expect.any(String));
  });

  it('refuses metadata whose issuer is not the gateway it was discovered at (RFC 8414 section 3.3)', async () => {
    gateway.issuer = 'http://other.example';
    const error = await client.requestToken(TEST_AGENCY, await key()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedError);
    expect((error as Error).message).toContain('pass --issuer http://other.example');
    expect(gateway.requests.map((r) => r.path)).toEqual(['/.well-known/oauth-authorization-server']);
  });

  it('accepts another issuer identifier when told to expect it', async () => {
    gateway.issuer = 'urn:lienthong:gateway:test';
    await expect(
      client.requestToken(TEST_AGENCY, await key(), 'urn:lienthong:gateway:test'),
    ).resolves.toMatchObject({
      token_type: 'Bearer',
    });
  });

  it('never sends an assertion to a token endpoint on another origin', async () => {
    gateway.overrides.set('GET /.well-known/oauth-authorization-server', () =>
      json(200, { issuer: gateway.url, token_endpoint: 'http://attacker.example/oauth/token' }),
    );
    await expect(client.requestToken(TEST_AGENCY, await key())).rejects.toThrow(
      'sends client assertions to http://attacker.example',
    );
    expect(gateway.requests).toHaveLength(1);
  });

  it('sends the assertion to the origin of an issuer named with --issuer (a gateway behind a proxy)', async () => {
    const publicUrl = 'https://gateway.agency.example';
    gateway.issuer = publicUrl;
    gateway.overrides.set('GET /.well-known/oauth-authorization-server', () =>
      json(200, { issuer: publicUrl, token_endpoint: `${publicUrl}/oauth/token` }),
    );
    // The contract gateway answers only on its own origin: reaching the public one is the proof.
    await expect(client.requestToken(TEST_AGENCY, await key(), publicUrl)).rejects.toThrow(
      'cannot reach https://gateway.agency.example/oauth/token',
    );
    expect(gateway.requests.map((r) => r.path)).toEqual([
      '/.well-known/oauth-authorization-server',
      '/oauth/token',
    ]);
  });

  it('refuses metadata whose token endpoint is not an http(s) URL', async () => {
    gateway.issuer = 'urn:lienthong:test-gateway';
    gateway.overrides.set('GET /.well-known/oauth-authorization-server', () =>
      json(200, { issuer: gateway.issuer, token_endpoint: `${gateway.issuer}/oauth/token` }),
    );
    await expect(client.requestToken(TEST_AGENCY, await key(), gateway.issuer)).rejects.toThrow(
      'has no http(s) token_endpoint ("urn:lienthong:test-gateway/oauth/token")',
    );
  });

  it('says so when the gateway does not take the key algorithm', async () => {
    gateway.overrides.set('GET /.well-known/oauth-authorization-server', () =>
      json(200, {
        issuer: gateway.url,
        token_endpoint: `${gateway.url}/oauth/token`,
        token_endpoint_auth_signing_alg_values_supported: ['EdDSA'],
      }),
    );
    await expect(client.requestToken(TEST_AGENCY, await key())).rejects.toThrow(UsageError);
  });

  it('turns an OAuth error into a refusal with its code and description', async () => {
    gateway.addAgency(TEST_AGENCY, [(await setUpAgency(gateway)).key.publicJwk]); // another key now registered
    const error = await client.requestToken(TEST_AGENCY, await key()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayRefusalError);
    expect((error as GatewayRefusalError).refusal).toMatchObject({ status: 401, code: 'invalid_client' });
    expect((error as GatewayRefusalError).exitCode).toBe(1);
  });

  it('reports a gateway without OAuth metadata as unexpected (exit 3)', async () => {
    gateway.overrides.set('GET /.well-known/oauth-authorization-server', () =>
      problem(404, 'route-not-found', 'Route not found'),
    );
    const error = await client.discover().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedError);
    expect((error as Error).message).toContain('publishes no OAuth server metadata');
  });

  it('reads problem details: code, title, detail, pointers, correlation id, Retry-After', async () => {
    gateway.overrides.set('POST /v1/messages/t', () =>
      problem(503, 'kafka-unavailable', 'Kafka unavailable', undefined, {
        detail: 'Try later.',
        correlationId: 'c1',
      }),
    );
    const original = gateway.overrides.get('POST /v1/messages/t')!;
    gateway.overrides.set('POST /v1/messages/t', async (r) => {
      const response = await original(r);
      return new Response(response.body, {
        status: response.status,
        headers: { 'content-type': response.headers.get('content-type')!, 'retry-after': '5' },
      });
    });
    const error = (await client
      .postJson('/v1/messages/t', '{}', {})
      .catch((e: unknown) => e)) as GatewayRefusalError;
    expect(error.refusal).toEqual({
      status: 503,
      code: 'kafka-unavailable',
      title: 'Kafka unavailable',
      detail: 'Try later.',
      correlationId: 'c1',
      retryAfter: '5',
      errors: [],
    });
  });

  it('treats a non-JSON error page (a proxy, a load balancer) as unexpected', async () => {
    gateway.overrides.set(
      'POST /v1/messages/t',
      () =>
        new Response('<html>502 Bad Gateway</html>', {
          status: 502,
          headers: { 'content-type': 'text/html' },
        }),
    );
    await expect(client.postJson('/v1/messages/t', '{}', {})).rejects.toThrow(
      /^502 .* from http:\/\/127\.0\.0\.1:18080\/v1\/messages\/t, not a Lienthong answer: <html>502 Bad Gateway<\/html>$/,
    );
  });

  it('names the cause when the gateway cannot be reached', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address() as { port: number };
        server.close(() => resolve(address.port));
      });
    });
    const ctx = createTestContext({ fetch: globalThis.fetch });
    const offline = new GatewayClient(ctx, new URL(`http://127.0.0.1:${port}`));
    const error = await offline.discover().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedError);
    expect((error as Error).message).toMatch(
      /^cannot reach http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-authorization-server: ECONNREFUSED/,
    );
    ctx.cleanup();
  });

  it('puts the well-known segment before the path of a gateway behind a path prefix (RFC 8414 section 3.1)', async () => {
    const seen: string[] = [];
    const recording = createTestContext({
      fetch: (input) => {
        seen.push(input instanceof Request ? input.url : input.toString());
        return Promise.resolve(json(200, {}));
      },
    });
    await new GatewayClient(recording, new URL('http://127.0.0.1:18080/lienthong/'))
      .discover()
      .catch(() => undefined);
    expect(seen).toEqual(['http://127.0.0.1:18080/.well-known/oauth-authorization-server/lienthong']);
    recording.cleanup();
  });

  it('warns before sending credentials over plain HTTP to another machine', () => {
    const ctx = createTestContext();
    new GatewayClient(ctx, new URL('http://gateway.agency.example'));
    new GatewayClient(ctx, new URL('http://localhost:8080'));
    new GatewayClient(ctx, new URL('https://gateway.agency.example'));
    expect(ctx.err).toBe(
      'warning: http://gateway.agency.example is plain HTTP: tokens, signatures and records cross the network unencrypted\n',
    );
    ctx.cleanup();
  });
});

describe('parseGatewayUrl', () => {
  it.each([
    ['gateway:8080', 'must be an http:// or https:// URL'],
    ['not a url', 'is not a URL'],
    ['http://user:pw@g', 'must not carry a user name or password'],
    ['http://g/?x=1', 'must not have a query or a fragment'],
  ])('refuses %s', (text, message) => {
    expect(() => parseGatewayUrl(text)).toThrow(message);
  });
});
