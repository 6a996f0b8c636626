import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { isAgencyCode } from '@lienthong/contracts';
import {
  CLOCK_SKEW_SECONDS,
  GATEWAY_ALGORITHMS,
  checkHeader,
  decodeClaims,
  epochSeconds,
  isNumericDate,
  isPlainObject,
  splitCompactJws,
  typIs,
  verifyJwsSignature,
} from './compact-jws.util.js';
import type { GatewayKeyring, VerificationKeySource } from './gateway-keyring.js';
import type { TrustReason } from './trust-error.js';
import { TrustError } from './trust-error.js';

/** Upper bound on an access token's lifetime. */
export const ACCESS_TOKEN_MAX_LIFETIME_SECONDS = 600;
export const ACCESS_TOKEN_DEFAULT_LIFETIME_SECONDS = 300;
/** Longest accepted bearer token, in characters. */
export const ACCESS_TOKEN_MAX_LENGTH = 16_384;
/** RFC 9068 section 2.1. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** Explicit rights; anything not listed is denied. */
export interface AccessGrants {
  /** Message types the agency may publish. */
  publish: readonly string[];
  /** Message types the agency may subscribe to. */
  subscribe: readonly string[];
}

export interface AccessTokenSubject {
  agencyId: string;
  grants: AccessGrants;
  /** Administrative roles, e.g. schema or agency administration. */
  roles: readonly string[];
  /** OAuth scope string (RFC 6749 section 3.3), when the client asked for one. */
  scope?: string;
  /** The agency key that authenticated the client, so revoking that key ends its tokens. */
  clientKeyId?: string;
}

export interface IssuedAccessToken {
  /** The compact JWT, for `access_token`. */
  token: string;
  /** Seconds, for `expires_in`. */
  expiresIn: number;
  /** NumericDate seconds. */
  expiresAt: number;
  issuedAt: number;
  jti: string;
  kid: string;
}

/** The verified content of an access token. */
export interface VerifiedAccessToken {
  agencyId: string;
  grants: AccessGrants;
  roles: readonly string[];
  scope?: string;
  /** The agency key that authenticated the client (`lienthong.akid`). */
  clientKeyId?: string;
  jti: string;
  kid: string;
  issuedAt: number;
  expiresAt: number;
}

export interface AccessTokenConfig {
  /** The gateway's issuer identifier (`iss`). */
  issuer: string;
  /** The gateway's resource identifier (`aud`). */
  audience: string;
  /** Epoch milliseconds; `Date.now` by default. */
  now?: () => number;
}

/** The `lienthong` private claim of an access token. */
interface LienthongClaim {
  roles: string[];
  publish: string[];
  subscribe: string[];
  /** Agency key id used in the client assertion. */
  akid?: string;
}

/** Issues RFC 9068 JWT access tokens for agencies, signed with the keyring's newest key. */
export class AccessTokenIssuer {
  private readonly now: () => number;

  constructor(
    private readonly keyring: Pick<GatewayKeyring, 'signingKey'>,
    private readonly config: AccessTokenConfig,
  ) {
    this.now = config.now ?? Date.now;
  }

  /** A token for the client-credentials grant: `sub` and `client_id` are both the agency (RFC 9068 section 2.2). */
  async issueAccessToken(
    subject: AccessTokenSubject,
    options: { lifetimeSeconds?: number } = {},
  ): Promise<IssuedAccessToken> {
    const lifetime = options.lifetimeSeconds ?? ACCESS_TOKEN_DEFAULT_LIFETIME_SECONDS;
    if (!Number.isInteger(lifetime) || lifetime <= 0 || lifetime > ACCESS_TOKEN_MAX_LIFETIME_SECONDS) {
      throw new RangeError(`lifetimeSeconds must be an integer in 1..${ACCESS_TOKEN_MAX_LIFETIME_SECONDS}`);
    }
    if (!isAgencyCode(subject.agencyId)) throw new RangeError('agencyId is not an agency code');
    const { kid, alg, key } = this.keyring.signingKey();
    const issuedAt = epochSeconds(this.now());
    const expiresAt = issuedAt + lifetime;
    const jti = randomUUID();
    const lienthong: LienthongClaim = {
      roles: [...subject.roles],
      publish: [...subject.grants.publish],
      subscribe: [...subject.grants.subscribe],
    };
    if (subject.clientKeyId !== undefined) lienthong.akid = subject.clientKeyId;
    const claims: Record<string, unknown> = { client_id: subject.agencyId, lienthong };
    if (subject.scope !== undefined) claims.scope = subject.scope;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg, kid, typ: ACCESS_TOKEN_TYP })
      .setIssuer(this.config.issuer)
      .setSubject(subject.agencyId)
      .setAudience(this.config.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(jti)
      .sign(key);
    return { token, expiresIn: lifetime, expiresAt, issuedAt, jti, kid };
  }
}

export interface AccessTokenVerifierOptions extends AccessTokenConfig {
  /** Bound on cached verified tokens (least recently used leave first). Default 10 000. */
  maxCacheEntries?: number;
  /** Called right before each signature check with jose; lets tests and metrics count them. */
  onSignatureCheck?: (kid: string) => void;
}

export interface AccessTokenVerifierStats {
  signatureChecks: number;
  cacheHits: number;
  cacheSize: number;
}

interface CachedToken {
  result: VerifiedAccessToken;
  /** Epoch milliseconds from which the token is expired, skew included. */
  expiredFromMs: number;
}

/**
 * Verifies bearer access tokens (RFC 9068 section 4) against the gateway's keys, and caches
 * each verified token by its exact string until it expires: a client reusing its token costs
 * one signature check per token, not per request. Only a fully verified token enters the cache,
 * so a hit can only come from the very same string.
 */
export class AccessTokenVerifier {
  private readonly cache = new Map<string, CachedToken>();
  private readonly now: () => number;
  private readonly maxCacheEntries: number;
  private signatureChecks = 0;
  private cacheHits = 0;

  constructor(
    private readonly keys: VerificationKeySource,
    private readonly options: AccessTokenVerifierOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.maxCacheEntries = options.maxCacheEntries ?? 10_000;
  }

  /** Verifies a bearer token; throws `TrustError` with context `access-token`. */
  async verify(token: string | undefined): Promise<VerifiedAccessToken> {
    if (typeof token !== 'string' || token.length === 0) throw fail('missing');
    const nowMs = this.now();
    const cached = this.cache.get(token);
    if (cached) {
      this.cache.delete(token);
      if (nowMs >= cached.expiredFromMs) throw fail('token-expired');
      this.cache.set(token, cached);
      this.cacheHits++;
      return cached.result;
    }

    const jws = splitCompactJws(token, 'access-token', { maxLength: ACCESS_TOKEN_MAX_LENGTH });
    const { alg, kid } = checkHeader(jws, 'access-token', GATEWAY_ALGORITHMS);
    // RFC 9068 section 4: the typ header must say at+jwt, so no other JWT passes for a token.
    if (!typIs(jws.header.typ, [ACCESS_TOKEN_TYP])) throw fail('typ-invalid');
    const claims = decodeClaims(jws, 'access-token');
    const key = await this.keys.verificationKey(kid);
    if (!key) throw fail('kid-unknown');
    if (key.alg !== alg) throw fail('alg-key-mismatch');
    this.signatureChecks++;
    this.options.onSignatureCheck?.(kid);
    await verifyJwsSignature(jws, key.key, key.alg, 'access-token');

    const result = this.checkClaims(claims, kid, epochSeconds(nowMs));
    this.remember(token, { result, expiredFromMs: (result.expiresAt + CLOCK_SKEW_SECONDS) * 1000 });
    return result;
  }

  stats(): AccessTokenVerifierStats {
    return { signatureChecks: this.signatureChecks, cacheHits: this.cacheHits, cacheSize: this.cache.size };
  }

  /** Forgets every cached token, e.g. after a gateway key was withdrawn in an emergency. */
  clearCache(): void {
    this.cache.clear();
  }

  private checkClaims(claims: Record<string, unknown>, kid: string, now: number): VerifiedAccessToken {
    const { iss, aud, exp, iat, nbf, sub, jti } = claims;
    if (iss === undefined) throw fail('iss-missing');
    if (iss !== this.options.issuer) throw fail('iss-mismatch');
    const audiences: unknown[] = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(this.options.audience)) throw fail('aud-mismatch');
    if (exp === undefined) throw fail('exp-missing');
    if (iat === undefined) throw fail('iat-missing');
    if (!isNumericDate(exp) || !isNumericDate(iat) || (nbf !== undefined && !isNumericDate(nbf)))
      throw fail('claim-invalid');
    if (now >= exp + CLOCK_SKEW_SECONDS) throw fail('token-expired');
    if (nbf !== undefined && now + CLOCK_SKEW_SECONDS < nbf) throw fail('not-yet-valid');
    if (iat > now + CLOCK_SKEW_SECONDS) throw fail('iat-in-future');
    if (exp - iat > ACCESS_TOKEN_MAX_LIFETIME_SECONDS) throw fail('lifetime-too-long');
    if (typeof sub !== 'string' || !isAgencyCode(sub) || claims.client_id !== sub)
      throw fail('claim-invalid');
    if (jti === undefined) throw fail('jti-missing');
    if (typeof jti !== 'string' || jti.length === 0) throw fail('claim-invalid');
    const lienthong = readLienthongClaim(claims.lienthong);
    const scope = claims.scope;
    if (scope !== undefined && typeof scope !== 'string') throw fail('claim-invalid');

    const result: VerifiedAccessToken = {
      agencyId: sub,
      grants: Object.freeze({
        publish: Object.freeze(lienthong.publish),
        subscribe: Object.freeze(lienthong.subscribe),
      }),
      roles: Object.freeze(lienthong.roles),
      jti,
      kid,
      issuedAt: iat,
      expiresAt: exp,
    };
    if (scope !== undefined) result.scope = scope;
    if (lienthong.akid !== undefined) result.clientKeyId = lienthong.akid;
    // Cached results are shared between requests: nobody may change one.
    return Object.freeze(result);
  }

  private remember(token: string, entry: CachedToken): void {
    if (this.cache.size >= this.maxCacheEntries) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(token, entry);
  }
}

function readLienthongClaim(value: unknown): LienthongClaim {
  if (!isPlainObject(value)) throw fail('claim-invalid');
  const { roles, publish, subscribe, akid } = value;
  if (!isStringArray(roles) || !isStringArray(publish) || !isStringArray(subscribe))
    throw fail('claim-invalid');
  if (akid !== undefined && typeof akid !== 'string') throw fail('claim-invalid');
  const claim: LienthongClaim = { roles: [...roles], publish: [...publish], subscribe: [...subscribe] };
  if (akid !== undefined) claim.akid = akid;
  return claim;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function fail(reason: TrustReason): TrustError {
  return new TrustError('access-token', reason);
}
