import type { KeyObject } from 'node:crypto';
import type { CryptoKey, JWK } from 'jose';
import { CompactSign } from 'jose';
import type { AgencyKey } from './agency-jwks.js';
import type { AgencyAlgorithm } from './compact-jws.util.js';
import {
  AGENCY_ALGORITHMS,
  CLOCK_SKEW_SECONDS,
  KID_PATTERN,
  checkHeader,
  encodeBase64url,
  epochSeconds,
  isNumericDate,
  splitCompactJws,
  verifyJwsSignature,
} from './compact-jws.util.js';
import type { TrustReason } from './trust-error.js';
import { TrustError } from './trust-error.js';

/** Header parameter binding a publisher signature to its message type. */
export const SIGNATURE_TYPE_HEADER = 'lienthong_type';
/** Default acceptance window for the signature's `iat` header. */
export const PUBLISHER_SIGNATURE_MAX_AGE_SECONDS = 300;
/** Longest accepted detached signature, in characters. */
export const PUBLISHER_SIGNATURE_MAX_LENGTH = 4096;

export interface PublisherSignatureOptions {
  /** The message type the body is published as. */
  type: string;
  /** The publishing agency's keys. */
  agencyKeys: readonly AgencyKey[];
  /** Epoch milliseconds; `Date.now` by default. */
  now?: () => number;
  /** How old `iat` may be. Default 300 seconds. */
  maxAgeSeconds?: number;
}

export interface VerifiedPublisherSignature {
  kid: string;
  alg: AgencyAlgorithm;
  type: string;
  /** NumericDate seconds. */
  issuedAt: number;
}

export interface SignDetachedOptions {
  /** Needed only when it cannot be read from the key. */
  alg?: AgencyAlgorithm;
  /** Epoch milliseconds; `Date.now` by default. */
  now?: () => number;
}

/**
 * Signs a body as a publisher: a compact JWS with a detached payload (RFC 7515 appendix F),
 * `header..signature`, whose payload is the base64url of the exact body bytes and whose
 * protected header binds the message type (`lienthong_type`) and the signing time (`iat`).
 */
export async function signDetached(
  body: Uint8Array,
  type: string,
  privateKey: CryptoKey | KeyObject | JWK,
  kid: string,
  options: SignDetachedOptions = {},
): Promise<string> {
  if (!KID_PATTERN.test(kid)) throw new RangeError('kid must match ^[A-Za-z0-9._-]{1,64}$');
  const alg = options.alg ?? algorithmOf(privateKey);
  const iat = epochSeconds((options.now ?? Date.now)());
  const compact = await new CompactSign(body)
    .setProtectedHeader({ alg, kid, [SIGNATURE_TYPE_HEADER]: type, iat })
    .sign(privateKey);
  const [header = '', , signature = ''] = compact.split('.');
  return `${header}..${signature}`;
}

/**
 * Verifies a detached publisher signature over `body` for `type`. The key is the agency's key
 * named by `kid`; its registered algorithm is the only one accepted. Throws `TrustError` with
 * context `publisher-signature`.
 */
export async function verifyPublisherSignature(
  detachedJws: string | undefined,
  body: Uint8Array,
  options: PublisherSignatureOptions,
): Promise<VerifiedPublisherSignature> {
  if (typeof detachedJws !== 'string' || detachedJws.length === 0) throw fail('missing');
  const jws = splitCompactJws(detachedJws, 'publisher-signature', {
    maxLength: PUBLISHER_SIGNATURE_MAX_LENGTH,
    detached: true,
  });
  const { alg, kid } = checkHeader(jws, 'publisher-signature', AGENCY_ALGORITHMS);
  const { header } = jws;
  if (typeof header[SIGNATURE_TYPE_HEADER] !== 'string') throw fail('malformed');
  if (header[SIGNATURE_TYPE_HEADER] !== options.type) throw fail('type-mismatch');
  const iat = header.iat;
  if (iat === undefined) throw fail('iat-missing');
  if (!isNumericDate(iat)) throw fail('claim-invalid');
  const now = epochSeconds((options.now ?? Date.now)());
  if (iat > now + CLOCK_SKEW_SECONDS) throw fail('iat-in-future');
  if (now - iat > (options.maxAgeSeconds ?? PUBLISHER_SIGNATURE_MAX_AGE_SECONDS) + CLOCK_SKEW_SECONDS) {
    throw fail('iat-too-old');
  }

  const key = options.agencyKeys.find((candidate) => candidate.kid === kid);
  if (!key) throw fail('kid-unknown');
  if (key.status !== 'active') throw fail('key-revoked');
  if (key.alg !== alg) throw fail('alg-key-mismatch');
  // The signature covers the body as it arrived, byte for byte (RFC 7515 appendix F).
  await verifyJwsSignature(
    { ...jws, payloadB64: encodeBase64url(body) },
    key.jwk,
    key.alg,
    'publisher-signature',
  );
  return { kid, alg: key.alg, type: options.type, issuedAt: iat };
}

/** Reads the JWS algorithm from a WebCrypto key, a Node key object or a JWK. */
function algorithmOf(key: CryptoKey | KeyObject | JWK): AgencyAlgorithm {
  if ('algorithm' in key && typeof key.algorithm === 'object') {
    const algorithm = key.algorithm as { name?: string; namedCurve?: string };
    if (algorithm.name === 'ECDSA' && algorithm.namedCurve === 'P-256') return 'ES256';
    if (algorithm.name === 'Ed25519') return 'EdDSA';
    if (algorithm.name === 'RSA-PSS') return 'PS256';
    if (algorithm.name === 'RSASSA-PKCS1-v1_5') return 'RS256';
  } else if ('asymmetricKeyType' in key) {
    const keyObject = key;
    if (keyObject.asymmetricKeyType === 'ed25519') return 'EdDSA';
    if (keyObject.asymmetricKeyType === 'ec' && keyObject.asymmetricKeyDetails?.namedCurve === 'prime256v1')
      return 'ES256';
    if (keyObject.asymmetricKeyType === 'rsa-pss') return 'PS256';
  } else {
    const jwk = key as JWK;
    if (jwk.alg && (AGENCY_ALGORITHMS as readonly string[]).includes(jwk.alg))
      return jwk.alg as AgencyAlgorithm;
    if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
    if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  }
  throw new RangeError('Cannot tell the signing algorithm from this key; pass options.alg');
}

function fail(reason: TrustReason): TrustError {
  return new TrustError('publisher-signature', reason);
}
