import { Inject, Injectable } from '@nestjs/common';
import { RegistryState } from '@lienthong/registry';
import type { AgencyKey, AgencyTrust, JtiStore, TrustReason } from '@lienthong/trust';
import {
  AccessTokenIssuer,
  CLIENT_ASSERTION_TYPE,
  CLOCK_SKEW_SECONDS,
  TrustError,
  parseAgencyJwks,
  verifyClientAssertion,
} from '@lienthong/trust';
import { LienthongMetrics } from '@lienthong/observability';
import type { GatewayConfig } from '../config/gateway-config.js';
import { GATEWAY_CONFIG } from '../config/gateway-config.js';
import { JTI_STORE } from '../trust/trust.module.js';

/** Refusals that a caller's clock running fast or slow produces: their description says so. */
const CLOCK_REASONS: ReadonlySet<TrustReason> = new Set<TrustReason>([
  'token-expired',
  'not-yet-valid',
  'iat-in-future',
  'iat-too-old',
  'lifetime-too-long',
]);

/** RFC 6749 section 5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
}

/** An RFC 6749 section 5.2 error, with the status it is sent with. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly reason: string,
  ) {
    super(description);
  }
}

/**
 * OAuth 2.0 client credentials with a `private_key_jwt` client assertion (RFC 7523 section 2.2,
 * RFC 7521 section 4.2): the agency proves itself with a JWT signed by one of its registered
 * keys, and receives a short-lived RFC 9068 access token carrying its roles and grants.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly registry: RegistryState,
    private readonly issuer: AccessTokenIssuer,
    @Inject(JTI_STORE) private readonly jtiStore: JtiStore,
    private readonly metrics: LienthongMetrics,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * `admit` charges the verified agency's rate limit (throws `rate-limited`) before a token is
   * issued: limited per agency, not per address, so an agency behind a shared NAT is one bucket.
   */
  async token(
    form: URLSearchParams,
    admit: (agencyId: string) => Promise<void> = () => Promise.resolve(),
  ): Promise<TokenResponse> {
    for (const name of new Set(form.keys())) {
      if (form.getAll(name).length > 1) {
        throw new OAuthError(400, 'invalid_request', `parameter ${name} is repeated`, 'malformed');
      }
    }
    const grantType = form.get('grant_type');
    if (grantType !== 'client_credentials') {
      throw new OAuthError(
        400,
        'unsupported_grant_type',
        'only client_credentials is supported',
        'malformed',
      );
    }
    if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
      throw new OAuthError(
        400,
        'invalid_request',
        `client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`,
        'malformed',
      );
    }
    let verified;
    try {
      verified = await verifyClientAssertion(form.get('client_assertion') ?? undefined, {
        issuer: this.config.issuer,
        jtiStore: this.jtiStore,
        resolveAgency: (agencyId) => this.agencyTrust(agencyId),
      });
    } catch (error) {
      if (error instanceof TrustError) {
        this.metrics.authFailure(error.reason, error.context);
        const code = error.oauthError ?? 'invalid_client';
        const status = code === 'invalid_client' ? 401 : code === 'temporarily_unavailable' ? 503 : 400;
        throw new OAuthError(status, code, describe(error), error.reason);
      }
      throw error;
    }
    const agency = this.registry.agencies.get(verified.agencyId);
    if (!agency) throw new OAuthError(401, 'invalid_client', 'unknown agency', 'agency-unknown');
    await admit(agency.id);
    const issued = await this.issuer.issueAccessToken(
      {
        agencyId: agency.id,
        roles: agency.roles,
        grants: { publish: agency.grants.publish, subscribe: agency.grants.subscribe },
        clientKeyId: verified.kid,
      },
      { lifetimeSeconds: this.config.accessTokenTtlSeconds },
    );
    this.metrics.tokenIssued(agency.id);
    return { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn };
  }

  private agencyTrust(agencyId: string): AgencyTrust | undefined {
    const agency = this.registry.agencies.get(agencyId);
    if (!agency) return undefined;
    const keys: AgencyKey[] = [];
    for (const key of agency.keys) {
      const [parsed] = parseAgencyJwks({ keys: [key.jwk] });
      if (parsed) keys.push(key.status === 'revoked' ? { ...parsed, status: 'revoked' } : parsed);
    }
    return { status: agency.status, keys };
  }
}

/**
 * The error_description of a refused assertion (RFC 6749 section 5.2: printable ASCII only, so
 * English). Time refusals name the gateway's clock, since a skewed client clock is their usual
 * cause: the caller can compare it with its own (and with the response's Date header).
 */
function describe(error: TrustError): string {
  const detail = error.options.detail ?? error.reason;
  if (!CLOCK_REASONS.has(error.reason)) return detail;
  return (
    `${detail} Check the clock of the calling system: the gateway's clock reads ` +
    `${new Date().toISOString()} and allows ${CLOCK_SKEW_SECONDS} s of skew.`
  );
}
