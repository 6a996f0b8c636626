import { Body, Controller, Get, Header, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { GatewayKeyring } from '@lienthong/trust';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/public.decorator.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import { AgencyRateLimits } from '../rate-limit/rate-limit.service.js';
import { EXTRA_PUBLIC_KEYS } from '../trust/trust.module.js';
import { OAuthError, TokenService } from './token.service.js';

const ASSERTION_ALGORITHMS = ['ES256', 'EdDSA', 'PS256', 'RS256'];

@Public()
@Controller()
export class OAuthController {
  constructor(
    private readonly tokens: TokenService,
    private readonly keyring: GatewayKeyring,
    private readonly rateLimits: AgencyRateLimits,
    @Inject(EXTRA_PUBLIC_KEYS) private readonly extraKeys: Record<string, unknown>[],
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** RFC 6749 section 4.4 with RFC 7523 client authentication; errors per section 5.2. */
  @Post('oauth/token')
  @HttpCode(200)
  async token(
    @Body() body: Buffer | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const contentType = String(reply.request.headers['content-type'] ?? '');
    try {
      if (!/^application\/x-www-form-urlencoded\b/i.test(contentType) || !Buffer.isBuffer(body)) {
        throw new OAuthError(400, 'invalid_request', 'send application/x-www-form-urlencoded', 'malformed');
      }
      return await this.tokens.token(new URLSearchParams(body.toString('utf8')), (agencyId) =>
        this.rateLimits.take('token', agencyId, 1, reply),
      );
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      void reply.status(error.status);
      if (error.status === 401) void reply.header('www-authenticate', 'Bearer realm="lienthong"');
      return { error: error.error, error_description: error.description } satisfies Record<string, string>;
    }
  }

  /**
   * RFC 8414 authorization server metadata. Endpoints are absolute URLs under GATEWAY_PUBLIC_URL,
   * else under the issuer when it is an http(s) URL, else under the origin the client reached.
   */
  @Get('.well-known/oauth-authorization-server')
  metadata(@Req() request: FastifyRequest): Record<string, unknown> {
    const base = (
      this.config.publicUrl ??
      (/^https?:\/\//.test(this.config.issuer) ? this.config.issuer : `${request.protocol}://${request.host}`)
    ).replace(/\/$/, '');
    return {
      issuer: this.config.issuer,
      token_endpoint: `${base}/oauth/token`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
      response_types_supported: [],
    };
  }

  /**
   * The gateway's public keys (tokens, receipts, deliveries), the router's webhook `v1a` key and
   * the audit keys (`use: lienthong-audit`, docs/audit.md).
   */
  @Get('.well-known/jwks.json')
  @Header('cache-control', 'public, max-age=300')
  jwks(): unknown {
    return { keys: [...this.keyring.publicJwks().keys, ...this.extraKeys] };
  }
}
