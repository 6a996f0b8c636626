import type { CryptoKey, JWK, KeyObject } from 'jose';
import { errors, flattenedVerify } from 'jose';
import type { TrustContext } from './trust-error.js';
import { TrustError } from './trust-error.js';

/** RFC 7515 section 4.1.4 leaves `kid` free-form; ours are short, path- and quote-free. */
export const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Algorithms an agency key may sign with. Never `none`, never an HMAC. */
export const AGENCY_ALGORITHMS = ['ES256', 'EdDSA', 'PS256', 'RS256'] as const;
export type AgencyAlgorithm = (typeof AGENCY_ALGORITHMS)[number];

/** Algorithms the gateway signs with. */
export const GATEWAY_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type GatewayAlgorithm = (typeof GATEWAY_ALGORITHMS)[number];

/** Default tolerance between clocks, applied to every time check. */
export const CLOCK_SKEW_SECONDS = 30;

/**
 * Header parameters that point at keys or certificates (RFC 7515 sections 4.1.2 to 4.1.6).
 * Honouring any of them would let the token choose its own verification key, so their mere
 * presence refuses the token; nothing is ever fetched.
 */
const KEY_BEARING_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export interface ParsedJws {
  header: Record<string, unknown>;
  protectedB64: string;
  payloadB64: string;
  signatureB64: string;
}

export interface CheckedHeader {
  alg: string;
  kid: string;
}

/** Decodes strict, canonical base64url (RFC 7515 section 2: no padding, no other characters). */
export function decodeBase64url(segment: string): Buffer | undefined {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) return undefined;
  const bytes = Buffer.from(segment, 'base64url');
  // Non-canonical trailing bits would give two spellings of the same bytes.
  return bytes.toString('base64url') === segment ? bytes : undefined;
}

export function encodeBase64url(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString('base64url');
}

/** A JSON object, or undefined when the bytes are not UTF-8 JSON text for an object. */
export function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  return isPlainObject(value) ? value : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Splits a compact JWS (RFC 7515 section 7.1) and decodes its protected header. With
 * `detached`, the payload segment must be empty (RFC 7515 appendix F). The signature segment
 * is checked later, after the header, so that `alg: none` tokens (which have an empty
 * signature) are refused for their algorithm rather than their shape.
 */
export function splitCompactJws(
  token: string,
  context: TrustContext,
  options: { maxLength: number; detached?: boolean },
): ParsedJws {
  if (token.length > options.maxLength) throw new TrustError(context, 'too-large');
  const parts = token.split('.');
  if (parts.length !== 3) throw new TrustError(context, 'malformed');
  const [protectedB64 = '', payloadB64 = '', signatureB64 = ''] = parts;
  if (options.detached ? payloadB64 !== '' : payloadB64 === '') throw new TrustError(context, 'malformed');
  const headerBytes = decodeBase64url(protectedB64);
  const header = headerBytes && headerBytes.length > 0 ? parseJsonObject(headerBytes) : undefined;
  if (!header) throw new TrustError(context, 'malformed');
  return { header, protectedB64, payloadB64, signatureB64 };
}

/**
 * The header rules shared by every JWS Lienthong accepts: an allowed `alg`, no key-bearing
 * parameters, no `b64` outside `crit` (RFC 7797 section 6), no `crit` (RFC 7515 section 4.1.11: we understand no extension, so any listed
 * one must be refused), a well-formed `kid`. Then the signature segment must be present.
 */
export function checkHeader(
  jws: ParsedJws,
  context: TrustContext,
  algorithms: readonly string[],
): CheckedHeader {
  const { header } = jws;
  const alg = header.alg;
  if (typeof alg !== 'string' || !algorithms.includes(alg)) throw new TrustError(context, 'alg-not-allowed');
  for (const name of KEY_BEARING_HEADERS) {
    if (name in header) throw new TrustError(context, 'header-not-allowed');
  }
  // RFC 7797 section 6: `b64` is only meaningful when `crit` lists it. Without `crit`, jose
  // ignores it and verifies the payload as base64url, so a header saying `"b64": false` would be
  // read two ways (by us and by a peer honouring it); refuse it outright.
  if ('b64' in header && !('crit' in header)) throw new TrustError(context, 'header-not-allowed');
  if ('crit' in header) throw new TrustError(context, 'crit-unsupported');
  const kid = header.kid;
  if (kid === undefined) throw new TrustError(context, 'kid-missing');
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) throw new TrustError(context, 'kid-invalid');
  const signature = decodeBase64url(jws.signatureB64);
  if (!signature || signature.length === 0) throw new TrustError(context, 'malformed');
  return { alg, kid };
}

/** Decodes the claims of an attached-payload JWS; they must be a JSON object (RFC 7519 section 7.2). */
export function decodeClaims(jws: ParsedJws, context: TrustContext): Record<string, unknown> {
  const bytes = decodeBase64url(jws.payloadB64);
  const claims = bytes ? parseJsonObject(bytes) : undefined;
  if (!claims) throw new TrustError(context, 'malformed');
  return claims;
}

/**
 * Compares a `typ` header value, ignoring an `application/` prefix and case as RFC 7515
 * section 4.1.9 recommends.
 */
export function typIs(typ: unknown, accepted: readonly string[]): boolean {
  if (typeof typ !== 'string') return false;
  const normalized = typ.toLowerCase().replace(/^application\//, '');
  return accepted.includes(normalized);
}

/**
 * The one place a signature is checked with jose. The key was picked by `kid` beforehand, and
 * the algorithm list holds exactly that key's algorithm, so the token cannot choose either.
 */
export async function verifyJwsSignature(
  jws: ParsedJws,
  key: CryptoKey | KeyObject | JWK,
  alg: string,
  context: TrustContext,
): Promise<void> {
  try {
    await flattenedVerify(
      { protected: jws.protectedB64, payload: jws.payloadB64, signature: jws.signatureB64 },
      key,
      { algorithms: [alg] },
    );
  } catch (error) {
    if (error instanceof errors.JOSEAlgNotAllowed)
      throw new TrustError(context, 'alg-not-allowed', { cause: error });
    if (error instanceof errors.JWSInvalid) throw new TrustError(context, 'malformed', { cause: error });
    // JWSSignatureVerificationFailed, and anything the crypto layer refuses (a key of the
    // wrong shape for the algorithm, an impossible signature length): the token did not verify.
    throw new TrustError(context, 'signature-invalid', { cause: error });
  }
}

/** A whole number of seconds since the epoch, as JWT NumericDate claims count (RFC 7519 section 2). */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** True for a JSON number usable as a NumericDate. */
export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
