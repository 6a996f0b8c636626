import { createPublicKey } from 'node:crypto';
import type { AgencyAlgorithm } from './compact-jws.util.js';
import { KID_PATTERN, decodeBase64url, isPlainObject } from './compact-jws.util.js';
import type { TrustReason } from './trust-error.js';
import { TrustError } from './trust-error.js';

/** The public members of an accepted agency key; nothing else is kept. */
export type AgencyPublicJwk =
  | { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string; alg: 'ES256'; use: 'sig' }
  | { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' }
  | { kty: 'RSA'; n: string; e: string; kid: string; alg: 'PS256' | 'RS256'; use: 'sig' };

export type AgencyKeyStatus = 'active' | 'revoked';

/** A registered agency public key. Its `alg` is fixed at registration: a token cannot pick another. */
export interface AgencyKey {
  readonly kid: string;
  readonly alg: AgencyAlgorithm;
  /** Revocation is recorded by the registry; a revoked key verifies nothing. */
  readonly status: AgencyKeyStatus;
  readonly jwk: Readonly<AgencyPublicJwk>;
}

/** At most this many keys in one agency key set (two or three during a rotation is normal). */
export const MAX_AGENCY_KEYS = 16;
export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 8192;

/**
 * Members that only private or symmetric keys have (RFC 7518 sections 6.2.2, 6.3.2, 6.4;
 * RFC 8037 section 2; `priv` of AKP keys). Their presence means a secret left its owner.
 */
const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;

/**
 * Parses an agency's JWK Set (RFC 7517 section 5) into the keys Lienthong accepts:
 * public EC P-256 (ES256), OKP Ed25519 (EdDSA) and RSA of 2048 to 8192 bits (PS256 or RS256).
 * Throws a `TrustError` (context `agency-keys`) naming the first offending key by JSON pointer.
 */
export function parseAgencyJwks(jwks: unknown): AgencyKey[] {
  if (!isPlainObject(jwks) || !Array.isArray(jwks.keys)) throw refuse('jwks-invalid', '', 'not a JWK Set');
  const entries: unknown[] = jwks.keys;
  if (entries.length === 0) throw refuse('jwks-invalid', '/keys', 'the key set is empty');
  if (entries.length > MAX_AGENCY_KEYS) {
    throw refuse('jwks-invalid', '/keys', `more than ${MAX_AGENCY_KEYS} keys`);
  }
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const key = parseAgencyJwk(entry, `/keys/${index}`);
    if (seen.has(key.kid))
      throw refuse('kid-duplicate', `/keys/${index}/kid`, 'kid already used by another key');
    seen.add(key.kid);
    return key;
  });
}

/** Returns the same key marked revoked (the registry records revocation; keys are immutable). */
export function revokedAgencyKey(key: AgencyKey): AgencyKey {
  return Object.freeze({ ...key, status: 'revoked' });
}

function parseAgencyJwk(entry: unknown, pointer: string): AgencyKey {
  if (!isPlainObject(entry)) throw refuse('jwk-invalid', pointer, 'not a JSON object');
  const { kty } = entry;
  if (kty === 'oct') throw refuse('jwk-symmetric', `${pointer}/kty`, 'symmetric key');
  for (const member of SECRET_MEMBERS) {
    if (member in entry) throw refuse('jwk-private', `${pointer}/${member}`, 'private key material');
  }
  const kid = entry.kid;
  if (kid === undefined) throw refuse('kid-missing', `${pointer}/kid`, 'kid is required');
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) {
    throw refuse('kid-invalid', `${pointer}/kid`, 'kid must match ^[A-Za-z0-9._-]{1,64}$');
  }
  checkUse(entry, pointer);
  const jwk = publicJwk(entry, kid, pointer);
  try {
    // Node checks the key material itself: EC points on the curve, RSA integers well-formed.
    createPublicKey({ key: { ...jwk }, format: 'jwk' });
  } catch (error) {
    throw refuse('jwk-invalid', pointer, 'the key material is not a valid public key', error);
  }
  return Object.freeze({ kid, alg: jwk.alg, status: 'active', jwk: Object.freeze(jwk) });
}

function publicJwk(entry: Record<string, unknown>, kid: string, pointer: string): AgencyPublicJwk {
  const alg = entry.alg;
  switch (entry.kty) {
    case 'EC': {
      if (entry.crv !== 'P-256')
        throw refuse('jwk-curve-unsupported', `${pointer}/crv`, 'EC keys must use P-256');
      if (alg !== undefined && alg !== 'ES256')
        throw refuse('jwk-alg-mismatch', `${pointer}/alg`, 'P-256 keys sign ES256');
      const x = coordinate(entry.x, 32, `${pointer}/x`);
      const y = coordinate(entry.y, 32, `${pointer}/y`);
      return { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' };
    }
    case 'OKP': {
      if (entry.crv !== 'Ed25519') {
        throw refuse('jwk-curve-unsupported', `${pointer}/crv`, 'OKP keys must use Ed25519');
      }
      if (alg !== undefined && alg !== 'EdDSA')
        throw refuse('jwk-alg-mismatch', `${pointer}/alg`, 'Ed25519 keys sign EdDSA');
      return {
        kty: 'OKP',
        crv: 'Ed25519',
        x: coordinate(entry.x, 32, `${pointer}/x`),
        kid,
        alg: 'EdDSA',
        use: 'sig',
      };
    }
    case 'RSA': {
      // Without `alg`, an RSA key is taken as RS256, the algorithm most client libraries use
      // for private_key_jwt; PSS must be asked for explicitly.
      const rsaAlg = alg ?? 'RS256';
      if (rsaAlg !== 'RS256' && rsaAlg !== 'PS256') {
        throw refuse('jwk-alg-mismatch', `${pointer}/alg`, 'RSA keys sign PS256 or RS256');
      }
      const n = rsaInteger(entry.n, `${pointer}/n`);
      const bits = bitLength(n.bytes);
      if (bits < MIN_RSA_BITS) throw refuse('jwk-rsa-too-weak', `${pointer}/n`, `${bits}-bit modulus`);
      if (bits > MAX_RSA_BITS) throw refuse('jwk-rsa-too-large', `${pointer}/n`, `${bits}-bit modulus`);
      const e = rsaInteger(entry.e, `${pointer}/e`);
      if (!acceptableExponent(e.bytes))
        throw refuse(
          'jwk-invalid',
          `${pointer}/e`,
          'the public exponent must be odd, at least 3 and at most 32 bits',
        );
      return { kty: 'RSA', n: n.text, e: e.text, kid, alg: rsaAlg, use: 'sig' };
    }
    default:
      throw refuse('jwk-kty-unsupported', `${pointer}/kty`, 'kty must be EC, OKP or RSA');
  }
}

function checkUse(entry: Record<string, unknown>, pointer: string): void {
  if (entry.use !== undefined && entry.use !== 'sig')
    throw refuse('jwk-use-invalid', `${pointer}/use`, 'use must be "sig"');
  const ops = entry.key_ops;
  if (ops === undefined) return;
  // RFC 7517 section 4.3: a public signature key is for "verify"; nothing else makes sense here.
  if (!Array.isArray(ops) || ops.length === 0 || !ops.every((op) => op === 'verify')) {
    throw refuse('jwk-use-invalid', `${pointer}/key_ops`, 'key_ops may only hold "verify"');
  }
}

function coordinate(value: unknown, length: number, pointer: string): string {
  const bytes = typeof value === 'string' ? decodeBase64url(value) : undefined;
  if (!bytes || bytes.length !== length)
    throw refuse('jwk-invalid', pointer, `expected ${length} base64url-encoded bytes`);
  return value as string;
}

function rsaInteger(value: unknown, pointer: string): { text: string; bytes: Buffer } {
  const bytes = typeof value === 'string' ? decodeBase64url(value) : undefined;
  if (!bytes || bytes.length === 0)
    throw refuse('jwk-invalid', pointer, 'expected a base64url-encoded integer');
  return { text: value as string, bytes };
}

function bitLength(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] ?? 0));
}

function acceptableExponent(bytes: Buffer): boolean {
  if (bitLength(bytes) > 32) return false;
  const value = bytes.reduce((acc, byte) => acc * 256 + byte, 0);
  return value >= 3 && value % 2 === 1;
}

function refuse(reason: TrustReason, pointer: string, message: string, cause?: unknown): TrustError {
  return new TrustError('agency-keys', reason, { errors: [{ pointer, message }], cause });
}
