import type { GatewayAlgorithm } from './compact-jws.util.js';
import {
  GATEWAY_ALGORITHMS,
  checkHeader,
  encodeBase64url,
  epochSeconds,
  isNumericDate,
  splitCompactJws,
  typIs,
  verifyJwsSignature,
} from './compact-jws.util.js';
import { signCompactJws } from './compact-jws-sign.js';
import type { GatewayKeyring } from './gateway-keyring.js';
import { selectKey } from './receipt.js';
import { TrustError } from './trust-error.js';

/** `typ` of the signature over a disclosure-log answer. */
export const DISCLOSURE_ANSWER_TYP = 'lienthong-disclosures+json';
/** Response header carrying it: a detached JWS over the exact body bytes. */
export const DISCLOSURE_SIGNATURE_HEADER = 'lienthong-signature';

export interface VerifiedDisclosureAnswer {
  kid: string;
  alg: GatewayAlgorithm;
  issuer: string;
  /** NumericDate seconds at signing. */
  issuedAt: number;
}

/**
 * Signs an answer body as the gateway: a compact JWS with a detached payload (RFC 7515
 * appendix F), `header..signature`; the payload is the base64url of the exact body bytes and the
 * protected header is `{alg, kid, typ: "lienthong-disclosures+json", cty: "json", iss, iat}`.
 */
export async function signDisclosureAnswer(
  body: Uint8Array,
  keyring: Pick<GatewayKeyring, 'signingKey'>,
  issuer: string,
  now: number = Date.now(),
): Promise<string> {
  const { kid, alg, key } = keyring.signingKey();
  const header = { alg, kid, typ: DISCLOSURE_ANSWER_TYP, cty: 'json', iss: issuer, iat: epochSeconds(now) };
  const [protectedB64 = '', , signature = ''] = (await signCompactJws(header, body, key)).split('.');
  return `${protectedB64}..${signature}`;
}

/**
 * Verifies, offline, a disclosure-log answer: the detached JWS from its `Lienthong-Signature`
 * header over the body bytes exactly as received, against a JWK Set as `/.well-known/jwks.json`
 * publishes it. Throws `TrustError` (context `receipt`: the answer is the gateway's receipt of a
 * lookup).
 */
export async function verifyDisclosureAnswer(
  signature: string | undefined,
  body: Uint8Array,
  jwks: unknown,
  options: { issuer?: string } = {},
): Promise<VerifiedDisclosureAnswer> {
  if (typeof signature !== 'string' || signature.length === 0) throw fail('missing');
  const jws = splitCompactJws(signature, 'receipt', { maxLength: 4_096, detached: true });
  const { alg, kid } = checkHeader(jws, 'receipt', GATEWAY_ALGORITHMS);
  if (!typIs(jws.header.typ, [DISCLOSURE_ANSWER_TYP])) throw fail('typ-invalid');
  const iss = jws.header.iss;
  const iat = jws.header.iat;
  if (typeof iss !== 'string') throw fail('iss-missing');
  if (!isNumericDate(iat)) throw fail('iat-missing');
  if (options.issuer !== undefined && iss !== options.issuer) throw fail('iss-mismatch');
  const key = await selectKey(jwks, kid, alg);
  await verifyJwsSignature({ ...jws, payloadB64: encodeBase64url(body) }, key, alg, 'receipt');
  return { kid, alg: alg as GatewayAlgorithm, issuer: iss, issuedAt: iat };
}

function fail(
  reason: 'missing' | 'typ-invalid' | 'iss-missing' | 'iat-missing' | 'iss-mismatch',
): TrustError {
  return new TrustError('receipt', reason);
}
