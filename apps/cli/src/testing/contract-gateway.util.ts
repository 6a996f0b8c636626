import { randomUUID } from 'node:crypto';
import type { AgencyKey } from '@lienthong/trust';
import {
  GatewayKeyring,
  InMemoryJtiStore,
  ReceiptSigner,
  TrustError,
  parseAgencyJwks,
  sha256Base64url,
  verifyClientAssertion,
  verifyPublisherSignature,
} from '@lienthong/trust';
import type { JWK } from 'jose';

/** A request as the gateway received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Headers;
  body: Buffer;
}

type Handler = (request: ReceivedRequest) => Response | Promise<Response>;

/**
 * The gateway's HTTP contract for the CLI (OAuth metadata, token endpoint, publish, schema
 * registration, JWKS), served in-process through an injected `fetch`, with the real trust
 * library doing the cryptography: client assertions, publisher signatures and receipts are
 * checked and made exactly as the gateway does. For unit specs; the end-to-end test runs the
 * real gateway.
 */
export class ContractGateway {
  readonly url = 'http://127.0.0.1:18080';
  issuer = this.url;
  readonly requests: ReceivedRequest[] = [];
  /** Routes answered differently, keyed `METHOD /path`. */
  readonly overrides = new Map<string, Handler>();
  private readonly agencies = new Map<string, AgencyKey[]>();
  private readonly tokens = new Map<string, string>();
  private readonly jtiStore = new InMemoryJtiStore();
  private readonly receipts: ReceiptSigner;
  private offset = 0;

  private constructor(readonly keyring: GatewayKeyring) {
    this.receipts = new ReceiptSigner(keyring, { issuer: this.url });
  }

  static async start(): Promise<ContractGateway> {
    return new ContractGateway(await GatewayKeyring.generate());
  }

  /** Registers an agency with its public keys. */
  addAgency(agencyId: string, publicJwks: JWK[]): void {
    this.agencies.set(agencyId, parseAgencyJwks({ keys: publicJwks }));
  }

  readonly fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const received: ReceivedRequest = {
      method: request.method,
      path: url.pathname,
      headers: request.headers,
      body: Buffer.from(await request.arrayBuffer()),
    };
    this.requests.push(received);
    if (url.origin !== this.url) throw new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } });
    const override = this.overrides.get(`${received.method} ${received.path}`);
    if (override) return override(received);
    return this.route(received);
  };

  private async route(request: ReceivedRequest): Promise<Response> {
    const route = `${request.method} ${request.path}`;
    if (route === 'GET /.well-known/oauth-authorization-server') {
      return json(200, {
        issuer: this.issuer,
        token_endpoint: `${this.url}/oauth/token`,
        jwks_uri: `${this.url}/.well-known/jwks.json`,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ['ES256', 'EdDSA', 'PS256', 'RS256'],
      });
    }
    if (route === 'GET /.well-known/jwks.json') return json(200, this.keyring.publicJwks());
    if (route === 'POST /oauth/token') return this.token(request);
    const publish = /^POST \/v1\/messages\/([a-z0-9.-]+)$/.exec(route);
    if (publish) return this.publish(request, publish[1]!);
    const register = /^POST \/v1\/schemas\/([a-z0-9.-]+)\/versions$/.exec(route);
    if (register) return this.register(request, register[1]!);
    return problem(404, 'route-not-found', 'Route not found');
  }

  private async token(request: ReceivedRequest): Promise<Response> {
    const form = new URLSearchParams(request.body.toString('utf8'));
    if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return oauthError(400, 'invalid_request');
    }
    try {
      const verified = await verifyClientAssertion(form.get('client_assertion'), {
        issuer: this.issuer,
        resolveAgency: (id) => {
          const keys = this.agencies.get(id);
          return keys && { status: 'active', keys };
        },
        jtiStore: this.jtiStore,
      });
      const token = `at-${randomUUID()}`;
      this.tokens.set(token, verified.agencyId);
      return json(200, { access_token: token, token_type: 'Bearer', expires_in: 300 });
    } catch (error) {
      if (error instanceof TrustError) {
        return oauthError(401, error.oauthError ?? 'invalid_client', error.options.detail);
      }
      throw error;
    }
  }

  private async publish(request: ReceivedRequest, type: string): Promise<Response> {
    const agencyId = this.authenticate(request);
    if (agencyId === undefined) return problem(401, 'invalid-token', 'Invalid access token');
    const signature = request.headers.get('lienthong-signature');
    if (signature !== null) {
      try {
        await verifyPublisherSignature(signature, request.body, {
          type,
          agencyKeys: this.agencies.get(agencyId)!,
        });
      } catch (error) {
        if (error instanceof TrustError) return problem(400, 'invalid-publisher-signature', 'Bad signature');
        throw error;
      }
    }
    try {
      JSON.parse(request.body.toString('utf8'));
    } catch {
      return problem(400, 'malformed-json', 'Malformed JSON');
    }
    const schemaVersion = Number(request.headers.get('lienthong-schema-version') ?? '1');
    const id = randomUUID();
    const acceptedAt = new Date();
    const placement = { topic: `lienthong.records.${type}`, partition: 0, offset: String(this.offset++) };
    const receipt = await this.receipts.sign({
      messageId: id,
      type,
      schemaVersion,
      publisher: agencyId,
      bodySha256: sha256Base64url(request.body),
      ...placement,
      acceptedAt,
    });
    return json(202, {
      id,
      type,
      schemaVersion,
      ...placement,
      acceptedAt: acceptedAt.toISOString(),
      receipt,
    });
  }

  private register(request: ReceivedRequest, type: string): Response {
    if (this.authenticate(request) === undefined)
      return problem(401, 'invalid-token', 'Invalid access token');
    const body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
    if (typeof body['schema'] !== 'object' || typeof body['metadata'] !== 'object') {
      return problem(422, 'invalid-schema-registration', 'Invalid registration', [
        { pointer: '/metadata', message: 'required member is missing' },
      ]);
    }
    return json(201, { type, version: 2, id: 7, created: true });
  }

  private authenticate(request: ReceivedRequest): string | undefined {
    const match = /^Bearer (\S+)$/.exec(request.headers.get('authorization') ?? '');
    return match ? this.tokens.get(match[1]!) : undefined;
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

export function problem(
  status: number,
  code: string,
  title: string,
  errors?: { pointer: string; message: string; keyword?: string }[],
  extra: Record<string, unknown> = {},
): Response {
  return new Response(
    JSON.stringify({
      type: `urn:lienthong:problem:${code}`,
      title,
      status,
      code,
      ...extra,
      errors,
    }),
    { status, headers: { 'content-type': 'application/problem+json; charset=utf-8' } },
  );
}

function oauthError(status: number, error: string, description?: string): Response {
  return json(status, description === undefined ? { error } : { error, error_description: description });
}
