import { createClientAssertion } from '@lienthong/trust';
import type { AgencySigningKey } from './agency-key-file.js';
import type { CliContext } from './cli-context.js';
import type { Refusal } from './cli.exception.js';
import { GatewayRefusalError, UnexpectedError, UsageError } from './cli.exception.js';
import type { Messages } from './i18n/en.js';
import { en } from './i18n/en.js';
import { isJsonObject } from './json-value.util.js';

/** How long one request may take before the command gives up (exit 3). */
export const REQUEST_TIMEOUT_MS = 30_000;

/** RFC 7523 section 2.2. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** RFC 8414 section 2, the members the CLI relies on. */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri?: string;
  grant_types_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
}

/** RFC 6749 section 5.1. */
export interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in?: number;
  [member: string]: unknown;
}

/** A 2xx answer with any JSON body (an array for lists), or none (`204`). */
export interface JsonValueAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A 2xx answer with a JSON object body. */
export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Checks `--gateway`: an http(s) URL without credentials, query or fragment. */
export function parseGatewayUrl(text: string, m: Messages['cli'] = en.cli): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(m.gatewayNotUrl(text));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(m.gatewayScheme(text));
  }
  if (url.username !== '' || url.password !== '') throw new UsageError(m.gatewayCredentials);
  if (url.search !== '' || url.hash !== '') throw new UsageError(m.gatewayQuery);
  return url;
}

/** True for names that never leave the machine. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The gateway as an agency sees it: OAuth discovery (RFC 8414), the token request with a
 * `private_key_jwt` client assertion (RFC 7523), and JSON requests with the access token.
 * Every answer is classified: a JSON object on 2xx; a refusal (exit 1) when the gateway sent
 * problem details or an OAuth error; anything else, or no answer, is unexpected (exit 3).
 */
export class GatewayClient {
  /** The gateway URL without a trailing slash: paths are appended to it. */
  readonly base: string;

  constructor(
    private readonly ctx: CliContext,
    readonly url: URL,
  ) {
    this.base = url.href.replace(/\/+$/, '');
    if (url.protocol === 'http:' && !isLoopback(url)) {
      ctx.stderr(
        `warning: ${this.base} is plain HTTP: tokens, signatures and records cross the network unencrypted\n`,
      );
    }
  }

  /**
   * `GET /.well-known/oauth-authorization-server`. RFC 8414 section 3.1: the well-known segment
   * goes between the host and the path of the issuer URL.
   */
  async discover(): Promise<AuthorizationServerMetadata> {
    const path = this.url.pathname.replace(/\/+$/, '');
    const at = `${this.url.origin}/.well-known/oauth-authorization-server${path}`;
    const response = await this.send(at, { method: 'GET', headers: { accept: 'application/json' } });
    if (response.status === 404) {
      throw new UnexpectedError(
        `${this.base} publishes no OAuth server metadata (404 at ${at}); is it a Lienthong gateway with token authentication?`,
      );
    }
    return checkMetadata((await readJsonAnswer(response, at)).body, at);
  }

  /**
   * Client credentials grant with a client assertion (RFC 7523 section 2.2): discovers the
   * gateway, checks that the metadata really describes the gateway that was named (RFC 8414
   * section 3.3, so that an assertion is never made out to another audience or sent to another
   * origin), then signs a single-use assertion for the gateway's issuer and trades it for a token.
   */
  async requestToken(agencyId: string, key: AgencySigningKey, expectedIssuer?: string): Promise<TokenAnswer> {
    const metadata = await this.discover();
    const expected = expectedIssuer ?? this.base;
    if (withoutTrailingSlash(metadata.issuer) !== withoutTrailingSlash(expected)) {
      const hint =
        expectedIssuer === undefined
          ? `; if ${JSON.stringify(metadata.issuer)} is the issuer configured for this gateway, pass --issuer ${metadata.issuer}`
          : '';
      throw new UnexpectedError(
        `the OAuth metadata of ${this.base} names issuer ${JSON.stringify(metadata.issuer)}, expected ${JSON.stringify(expected)} (RFC 8414 section 3.3)${hint}`,
      );
    }
    // The assertion only goes where the user pointed: the gateway URL, or the issuer they named.
    const tokenEndpoint = new URL(metadata.token_endpoint);
    const trusted = [this.url.origin];
    if (
      expectedIssuer !== undefined &&
      /^https?:\/\//i.test(expectedIssuer) &&
      URL.canParse(expectedIssuer)
    ) {
      trusted.push(new URL(expectedIssuer).origin);
    }
    if (!trusted.includes(tokenEndpoint.origin)) {
      throw new UnexpectedError(
        `the OAuth metadata sends client assertions to ${tokenEndpoint.origin}, not to ${trusted.join(' or ')}; refusing to sign one for it`,
      );
    }
    const algs = metadata.token_endpoint_auth_signing_alg_values_supported;
    if (algs !== undefined && !algs.includes(key.alg)) {
      throw new UsageError(
        `the gateway takes client assertions signed with ${algs.join(', ')}; the key is ${key.alg}`,
      );
    }

    const assertion = await createClientAssertion({
      agencyId,
      audience: metadata.issuer,
      privateKey: key.privateKey,
      kid: key.kid,
      alg: key.alg,
    });
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
      client_assertion: assertion,
    });
    const response = await this.send(tokenEndpoint.href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    return checkTokenAnswer((await readJsonAnswer(response, tokenEndpoint.href)).body);
  }

  /** `POST {gateway}{path}` with a JSON body sent exactly as given. */
  async postJson(
    path: string,
    body: Uint8Array | string,
    headers: Record<string, string>,
  ): Promise<JsonAnswer> {
    const at = `${this.base}${path}`;
    const response = await this.send(at, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body,
    });
    return readJsonAnswer(response, at);
  }

  /**
   * `METHOD {gateway}{path}` with the access token, and a JSON body when given. The answer may
   * be any JSON value (lists are arrays) or empty (`204`); refusals are classified as for
   * `postJson`.
   */
  async request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    accessToken: string,
    body?: string,
    language?: 'en' | 'vi',
  ): Promise<JsonValueAnswer> {
    const at = `${this.base}${path}`;
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${accessToken}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    // The gateway answers problem details in Vietnamese when asked to.
    if (language !== undefined) headers['accept-language'] = language;
    const response = await this.send(
      at,
      body === undefined ? { method, headers } : { method, headers, body },
    );
    return readJsonValueAnswer(response, at);
  }

  private send(url: string, init: RequestInit): Promise<Response> {
    return sendRequest(this.ctx, url, { ...init, redirect: 'error' });
  }
}

/** `fetch` with a deadline; failures to get any answer become exit 3 with the cause named. */
export async function sendRequest(ctx: CliContext, url: string, init: RequestInit): Promise<Response> {
  try {
    return await ctx.fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new UnexpectedError(describeNetworkError(url, error));
  }
}

/**
 * Reads an answer: a JSON object on 2xx; `GatewayRefusalError` for problem details (RFC 9457)
 * or an OAuth error (RFC 6749 section 5.2); `UnexpectedError` for anything else.
 */
export async function readJsonAnswer(response: Response, url: string): Promise<JsonAnswer> {
  const answer = await readJsonValueAnswer(response, url);
  if (!isJsonObject(answer.body)) {
    throw new UnexpectedError(`${response.status} from ${url} without a JSON object body`);
  }
  return { status: answer.status, headers: answer.headers, body: answer.body };
}

/** As `readJsonAnswer`, but a 2xx body may be any JSON value, or empty for `204 No Content`. */
export async function readJsonValueAnswer(response: Response, url: string): Promise<JsonValueAnswer> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new UnexpectedError(describeNetworkError(url, error));
  }
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok) {
    if (response.status === 204 && text === '') {
      return { status: response.status, headers: response.headers, body: undefined };
    }
    if (body === undefined) {
      throw new UnexpectedError(`${response.status} from ${url} without a JSON body${excerpt(text)}`);
    }
    return { status: response.status, headers: response.headers, body };
  }
  const contentType = response.headers.get('content-type') ?? '';
  const refusal = /json/i.test(contentType) ? readRefusal(response, body) : undefined;
  if (refusal) throw new GatewayRefusalError(refusal);
  throw new UnexpectedError(
    `${response.status} ${response.statusText} from ${url}, not a Lienthong answer${excerpt(text)}`,
  );
}

/** Problem details or an OAuth error body as a `Refusal`; undefined for other bodies. */
export function readRefusal(response: Response, body: unknown): Refusal | undefined {
  if (!isJsonObject(body)) return undefined;
  const retryAfter = response.headers.get('retry-after') ?? undefined;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  if (
    typeof body['code'] === 'string' ||
    (typeof body['type'] === 'string' && typeof body['title'] === 'string')
  ) {
    const errors = Array.isArray(body['errors']) ? body['errors'] : [];
    const refusal: Refusal = {
      status: response.status,
      code: text(body['code']) ?? text(body['type'])!,
      errors: errors.filter(isJsonObject).flatMap((e) => {
        const pointer = text(e['pointer']);
        const message = text(e['message']);
        if (pointer === undefined || message === undefined) return [];
        const keyword = text(e['keyword']);
        return [keyword === undefined ? { pointer, message } : { pointer, message, keyword }];
      }),
    };
    assignDefined(refusal, {
      title: text(body['title']),
      detail: text(body['detail']),
      correlationId: text(body['correlationId']),
      retryAfter,
    });
    return refusal;
  }
  if (typeof body['error'] === 'string') {
    const refusal: Refusal = { status: response.status, code: body['error'], errors: [] };
    assignDefined(refusal, { detail: text(body['error_description']), retryAfter });
    return refusal;
  }
  return undefined;
}

function checkMetadata(body: Record<string, unknown>, at: string): AuthorizationServerMetadata {
  const fail = (why: string): UnexpectedError =>
    new UnexpectedError(`the OAuth server metadata at ${at} ${why}`);
  const { issuer, token_endpoint: tokenEndpoint } = body;
  if (typeof issuer !== 'string' || issuer === '') throw fail('has no issuer');
  if (
    typeof tokenEndpoint !== 'string' ||
    !/^https?:\/\//i.test(tokenEndpoint) ||
    !URL.canParse(tokenEndpoint)
  ) {
    throw fail(`has no http(s) token_endpoint (${JSON.stringify(tokenEndpoint)})`);
  }
  const list = (name: string): string[] | undefined => {
    const value = body[name];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
      throw fail(`has a malformed ${name}`);
    return value;
  };
  const metadata: AuthorizationServerMetadata = { issuer, token_endpoint: tokenEndpoint };
  assignDefined(metadata, {
    jwks_uri: typeof body['jwks_uri'] === 'string' ? body['jwks_uri'] : undefined,
    grant_types_supported: list('grant_types_supported'),
    token_endpoint_auth_methods_supported: list('token_endpoint_auth_methods_supported'),
    token_endpoint_auth_signing_alg_values_supported: list(
      'token_endpoint_auth_signing_alg_values_supported',
    ),
  });
  if (metadata.grant_types_supported && !metadata.grant_types_supported.includes('client_credentials')) {
    throw fail('does not offer the client_credentials grant');
  }
  const methods = metadata.token_endpoint_auth_methods_supported;
  if (methods && !methods.includes('private_key_jwt')) throw fail('does not offer private_key_jwt');
  return metadata;
}

function checkTokenAnswer(body: Record<string, unknown>): TokenAnswer {
  const { access_token: token, token_type: type, expires_in: expiresIn } = body;
  if (typeof token !== 'string' || token === '') {
    throw new UnexpectedError('the token endpoint answered without an access_token');
  }
  // RFC 6749 section 7.1: the token type is case-insensitive.
  if (typeof type !== 'string' || type.toLowerCase() !== 'bearer') {
    throw new UnexpectedError(`the token endpoint answered token_type ${JSON.stringify(type)}, not Bearer`);
  }
  if (expiresIn !== undefined && typeof expiresIn !== 'number') {
    throw new UnexpectedError('the token endpoint answered a non-numeric expires_in');
  }
  return body as TokenAnswer;
}

function describeNetworkError(url: string, error: unknown): string {
  // Duck-typed on purpose: fetch's errors may come from another realm than this module's Error.
  const { name, message, cause } = (error ?? {}) as { name?: unknown; message?: unknown; cause?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `no answer from ${url} within ${REQUEST_TIMEOUT_MS / 1000} s`;
  }
  const { code, message: causeMessage } = (cause ?? {}) as { code?: unknown; message?: unknown };
  let reason: string;
  if (typeof code === 'string') {
    reason =
      typeof causeMessage === 'string' && !causeMessage.includes(code) ? `${code} (${causeMessage})` : code;
  } else if (typeof causeMessage === 'string') {
    reason = causeMessage;
  } else {
    reason = typeof message === 'string' ? message : String(error);
  }
  return `cannot reach ${url}: ${reason}`;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '';
  return `: ${flat.length > 200 ? `${flat.slice(0, 200)}…` : flat}`;
}

function withoutTrailingSlash(text: string): string {
  return text.replace(/\/+$/, '');
}

/** Copies the members that have a value (the types use optional members, not `undefined`). */
function assignDefined<T extends object>(target: T, values: { [K in keyof T]?: T[K] | undefined }): void {
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[name] = value;
  }
}
