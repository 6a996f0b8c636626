import type { CryptoKey } from 'jose';
import { flattenedVerify, importJWK } from 'jose';
import { signCompactJws } from '@lienthong/trust';

/** `typ` of a delivery signature, so it cannot be mistaken for a token or a receipt. */
export const DELIVERY_SIGNATURE_TYP = 'lienthong-delivery+jws';

export interface DeliverySigningKey {
  kid: string;
  alg: 'ES256' | 'EdDSA';
  key: CryptoKey;
}

export interface DeliverySignatureClaims {
  /** `ce_id` of the record. */
  messageId: string;
  subscriptionId: string;
}

/**
 * Signs a delivered body as the gateway: a compact JWS with a detached payload
 * (RFC 7515 appendix F) binding the message id and the subscription in its protected header.
 */
export async function signDelivery(
  body: Uint8Array,
  claims: DeliverySignatureClaims,
  signing: DeliverySigningKey,
  now: number = Date.now(),
): Promise<string> {
  const compact = await signCompactJws(
    {
      alg: signing.alg,
      kid: signing.kid,
      typ: DELIVERY_SIGNATURE_TYP,
      iat: Math.floor(now / 1000),
      lienthong_id: claims.messageId,
      lienthong_subscription: claims.subscriptionId,
    },
    body,
    signing.key,
  );
  const [header = '', , signature = ''] = compact.split('.');
  return `${header}..${signature}`;
}

export interface VerifiedDelivery {
  kid: string;
  alg: 'ES256' | 'EdDSA';
  messageId: string;
  subscriptionId: string;
  issuedAt: number;
}

/**
 * Verifies a delivery signature against a JWK Set as published at the gateway's
 * `/.well-known/jwks.json`, over exactly `body`, for `messageId`. Throws an Error saying why not.
 */
export async function verifyDeliverySignature(
  detachedJws: string,
  body: Uint8Array,
  jwks: { keys: Record<string, unknown>[] },
  expected: { messageId: string },
): Promise<VerifiedDelivery> {
  const parts = detachedJws.split('.');
  if (parts.length !== 3 || parts[1] !== '')
    throw new Error('delivery signature: not a detached compact JWS');
  const [protectedB64 = '', , signature = ''] = parts;
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(protectedB64, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new Error('delivery signature: unreadable header');
  }
  const { alg, kid, typ, iat, lienthong_id: messageId, lienthong_subscription: subscriptionId } = header;
  if (alg !== 'ES256' && alg !== 'EdDSA') throw new Error('delivery signature: algorithm not allowed');
  if (typ !== DELIVERY_SIGNATURE_TYP) throw new Error('delivery signature: wrong typ');
  if (typeof kid !== 'string' || typeof iat !== 'number' || typeof subscriptionId !== 'string')
    throw new Error('delivery signature: malformed header');
  if (messageId !== expected.messageId) throw new Error('delivery signature: made for another message');
  if ('jku' in header || 'jwk' in header || 'x5u' in header || 'x5c' in header || 'crit' in header)
    throw new Error('delivery signature: header parameter not allowed');
  const candidates = jwks.keys.filter((k) => k['kid'] === kid);
  const jwk = candidates[0];
  if (candidates.length !== 1 || !jwk)
    throw new Error(`delivery signature: no single key ${kid} in the JWKS`);
  // RFC 7517 section 4.2: a key published for another use (the audit keys) never signs deliveries.
  if (jwk['use'] !== undefined && jwk['use'] !== 'sig')
    throw new Error('delivery signature: the key is not a signing key for deliveries');
  const publicJwk =
    alg === 'ES256'
      ? { kty: 'EC', crv: 'P-256', x: jwk['x'] as string, y: jwk['y'] as string }
      : { kty: 'OKP', crv: 'Ed25519', x: jwk['x'] as string };
  if (jwk['kty'] !== publicJwk.kty || jwk['crv'] !== publicJwk.crv)
    throw new Error('delivery signature: key does not fit the algorithm');
  const key = await importJWK(publicJwk, alg);
  await flattenedVerify(
    { protected: protectedB64, payload: Buffer.from(body).toString('base64url'), signature },
    key,
    { algorithms: [alg] },
  ).catch((cause: unknown) => {
    throw new Error('delivery signature: does not verify over these bytes', { cause });
  });
  return { kid, alg, messageId, subscriptionId, issuedAt: iat };
}
