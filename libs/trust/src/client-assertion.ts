import { randomUUID } from 'node:crypto';
import type { CryptoKey, JWK, KeyObject } from 'jose';
import { SignJWT } from 'jose';
import { isAgencyCode } from '@lienthong/contracts';
import type { AgencyKey } from './agency-jwks.js';
import type { AgencyAlgorithm } from './compact-jws.util.js';
import {
  AGENCY_ALGORITHMS,
  CLOCK_SKEW_SECONDS,
  KID_PATTERN,
  checkHeader,
  decodeClaims,
  epochSeconds,
  isNumericDate,
  splitCompactJws,
  typIs,
  verifyJwsSignature,
} from './compact-jws.util.js';
import type { JtiStore } from './jti-store.js';
import { JtiStoreFullError } from './jti-store.js';
import type { TrustReason } from './trust-error.js';
import { TrustError } from './trust-error.js';

/** An assertion may be valid for at most this long (`exp - iat`, and `exp - now`). */
export const CLIENT_ASSERTION_MAX_LIFETIME_SECONDS = 300;
/** Longest accepted client assertion, in characters. */
export const CLIENT_ASSERTION_MAX_LENGTH = 8192;
/** Longest accepted `jti`: it is stored until the assertion expires. */
export const JTI_MAX_LENGTH = 128;

/**
 * `typ` values accepted on a client assertion. RFC 7523 sets none; the successor draft
 * (draft-ietf-oauth-rfc7523bis) introduces `client-authentication+jwt` so that no other JWT
 * the agency signs can be passed off as one. A JWT of any other explicit type is refused.
 */
const ASSERTION_TYPES = ['jwt', 'client-authentication+jwt'];

/** What the registry knows of an agency, as far as authentication goes. */
export interface AgencyTrust {
  status: 'active' | 'suspended';
  /** The agency's keys. Revoked keys may be included (they are refused as `key-revoked`) or left out. */
  keys: readonly AgencyKey[];
}

export interface ClientAssertionContext {
  /** The gateway's issuer identifier: the one and only accepted `aud`. */
  issuer: string;
  resolveAgency(agencyId: string): AgencyTrust | undefined | Promise<AgencyTrust | undefined>;
  jtiStore: JtiStore;
  /** Epoch milliseconds; `Date.now` by default. */
  now?: () => number;
}

export interface VerifiedClientAssertion {
  agencyId: string;
  kid: string;
  alg: AgencyAlgorithm;
  jti: string;
  /** NumericDate seconds. */
  issuedAt: number;
  expiresAt: number;
}

/**
 * Verifies an RFC 7523 `private_key_jwt` client assertion (section 3 processing rules; RFC 7521
 * section 4.2 for the request parameters) and consumes its `jti`. Throws `TrustError` with
 * context `client-assertion`.
 */
export async function verifyClientAssertion(
  assertion: unknown,
  ctx: ClientAssertionContext,
): Promise<VerifiedClientAssertion> {
  const fail = (reason: TrustReason, cause?: unknown): TrustError =>
    new TrustError('client-assertion', reason, cause === undefined ? {} : { cause });

  if (typeof assertion !== 'string' || assertion.length === 0) throw fail('missing');
  const jws = splitCompactJws(assertion, 'client-assertion', { maxLength: CLIENT_ASSERTION_MAX_LENGTH });
  const { alg, kid } = checkHeader(jws, 'client-assertion', AGENCY_ALGORITHMS);
  if (jws.header.typ !== undefined && !typIs(jws.header.typ, ASSERTION_TYPES)) throw fail('typ-invalid');
  const claims = decodeClaims(jws, 'client-assertion');

  // The issuer only says where to look for keys until the signature has been checked.
  const agencyId = claims.iss;
  if (agencyId === undefined) throw fail('iss-missing');
  if (typeof agencyId !== 'string') throw fail('claim-invalid');
  if (!isAgencyCode(agencyId)) throw fail('agency-unknown');
  const agency = await ctx.resolveAgency(agencyId);
  if (!agency) throw fail('agency-unknown');

  // Pick the key by kid; never try every key of the agency until one fits.
  const key = agency.keys.find((candidate) => candidate.kid === kid);
  if (!key) throw fail('kid-unknown');
  if (key.status !== 'active') throw fail('key-revoked');
  if (key.alg !== alg) throw fail('alg-key-mismatch');
  await verifyJwsSignature(jws, key.jwk, key.alg, 'client-assertion');

  // RFC 7523 section 3, items 1 and 2: iss and sub are both the client id.
  if (claims.sub !== agencyId) throw fail('iss-sub-mismatch');
  checkAudience(claims.aud, ctx.issuer);
  const now = epochSeconds((ctx.now ?? Date.now)());
  const { issuedAt, expiresAt } = checkTimes(claims, now);
  const jti = claims.jti;
  if (jti === undefined) throw fail('jti-missing');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > JTI_MAX_LENGTH) throw fail('claim-invalid');

  if (agency.status !== 'active') throw fail('agency-suspended');

  // Remember the id for as long as the assertion could still be accepted.
  let fresh: boolean;
  try {
    fresh = await ctx.jtiStore.remember(jti, agencyId, expiresAt + CLOCK_SKEW_SECONDS);
  } catch (error) {
    if (error instanceof JtiStoreFullError)
      throw new TrustError('client-assertion', 'replay-cache-full', { cause: error, retryAfterSeconds: 5 });
    throw error;
  }
  if (!fresh) throw fail('jti-replayed');
  return { agencyId, kid, alg: key.alg, jti, issuedAt, expiresAt };
}

/**
 * RFC 7523 section 3, item 3: the gateway must identify itself as an intended audience. A
 * single-valued audience may be a string or a one-element array (RFC 7519 section 4.1.3); an
 * audience listing other parties too is refused, so an assertion cannot serve two servers.
 */
function checkAudience(aud: unknown, issuer: string): void {
  if (Array.isArray(aud)) {
    if (aud.length > 1) throw new TrustError('client-assertion', 'aud-multi-valued');
    if (aud[0] !== issuer) throw new TrustError('client-assertion', 'aud-mismatch');
    return;
  }
  if (aud !== issuer) throw new TrustError('client-assertion', 'aud-mismatch');
}

/** RFC 7523 section 3, items 4 to 6, with a short lifetime and a bounded clock skew. */
function checkTimes(claims: Record<string, unknown>, now: number): { issuedAt: number; expiresAt: number } {
  const fail = (reason: TrustReason): TrustError => new TrustError('client-assertion', reason);
  const { exp, iat, nbf } = claims;
  if (exp === undefined) throw fail('exp-missing');
  if (!isNumericDate(exp)) throw fail('claim-invalid');
  if (iat === undefined) throw fail('iat-missing');
  if (!isNumericDate(iat)) throw fail('claim-invalid');
  if (nbf !== undefined && !isNumericDate(nbf)) throw fail('claim-invalid');

  if (now >= exp + CLOCK_SKEW_SECONDS) throw fail('token-expired');
  if (nbf !== undefined && now + CLOCK_SKEW_SECONDS < nbf) throw fail('not-yet-valid');
  if (iat > now + CLOCK_SKEW_SECONDS) throw fail('iat-in-future');
  if (now - iat > CLIENT_ASSERTION_MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) throw fail('iat-too-old');
  if (
    exp - iat > CLIENT_ASSERTION_MAX_LIFETIME_SECONDS ||
    exp - now > CLIENT_ASSERTION_MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS
  ) {
    throw fail('lifetime-too-long');
  }
  return { issuedAt: iat, expiresAt: exp };
}

/** RFC 7523 section 2.2: the `client_assertion_type` of a JWT client assertion. */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface CreateClientAssertionInput {
  agencyId: string;
  /** The gateway's issuer identifier (the assertion's `aud`). */
  audience: string;
  privateKey: CryptoKey | KeyObject | JWK;
  kid: string;
  alg: AgencyAlgorithm;
  /** Seconds; at most 300. Default 60. */
  lifetimeSeconds?: number;
  /** Epoch milliseconds; `Date.now` by default. */
  now?: () => number;
}

/** Builds a client assertion as an agency would: for SDKs, the CLI, benchmarks and tests. */
export async function createClientAssertion(input: CreateClientAssertionInput): Promise<string> {
  const lifetime = input.lifetimeSeconds ?? 60;
  if (!Number.isInteger(lifetime) || lifetime <= 0 || lifetime > CLIENT_ASSERTION_MAX_LIFETIME_SECONDS) {
    throw new RangeError(`lifetimeSeconds must be an integer in 1..${CLIENT_ASSERTION_MAX_LIFETIME_SECONDS}`);
  }
  if (!KID_PATTERN.test(input.kid)) throw new RangeError('kid must match ^[A-Za-z0-9._-]{1,64}$');
  const now = epochSeconds((input.now ?? Date.now)());
  return new SignJWT({})
    .setProtectedHeader({ alg: input.alg, kid: input.kid, typ: 'client-authentication+jwt' })
    .setIssuer(input.agencyId)
    .setSubject(input.agencyId)
    .setAudience(input.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .setJti(randomUUID())
    .sign(input.privateKey);
}
