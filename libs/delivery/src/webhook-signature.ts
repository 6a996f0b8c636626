import type { KeyObject } from 'node:crypto';
import {
  createHmac,
  createPublicKey,
  sign as signBytes,
  timingSafeEqual,
  verify as verifyBytes,
} from 'node:crypto';

/** Standard Webhooks headers (standard-webhooks spec, "Signature scheme"). */
export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** Secrets are `whsec_<base64>` (the prefix is optional), as the Standard Webhooks libraries read them. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** How far `webhook-timestamp` may be from the receiver's clock (the libraries' default). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export interface WebhookSignatureInput {
  /** `webhook-id`: the record's `ce_id`, identical across retries so receivers can drop duplicates. */
  id: string;
  /** Epoch seconds of this attempt. */
  timestamp: number;
  /** The exact bytes POSTed. */
  body: Uint8Array;
  /** The subscription's secret (`whsec_<base64>`): the `v1` HMAC key. */
  secret: string;
  /** The gateway's Ed25519 private key: the `v1a` signature. */
  ed25519Key: KeyObject;
}

/** The bytes both signatures cover: `<id>.<timestamp>.<body>`. */
export function webhookSignedContent(id: string, timestamp: number, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), body]);
}

/** Decodes a `whsec_<base64>` secret into the HMAC key bytes. Throws on anything else. */
export function webhookSecretKey(secret: string): Buffer {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX)
    ? secret.slice(WEBHOOK_SECRET_PREFIX.length)
    : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    throw new RangeError('a webhook secret is whsec_ followed by standard base64');
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 16) throw new RangeError('a webhook secret must hold at least 16 bytes');
  return key;
}

/**
 * The three Standard Webhooks headers for one delivery attempt. `webhook-signature` carries two
 * space-separated signatures over `<id>.<timestamp>.<body>`: `v1,<base64 HMAC-SHA256>` with the
 * subscription's secret (any Standard Webhooks library verifies it) and `v1a,<base64 Ed25519>` by
 * the gateway, whose public key is in the gateway JWKS (non-repudiation).
 */
export function signWebhook(input: WebhookSignatureInput): Record<string, string> {
  const content = webhookSignedContent(input.id, input.timestamp, input.body);
  const v1 = createHmac('sha256', webhookSecretKey(input.secret)).update(content).digest('base64');
  const v1a = signBytes(null, content, input.ed25519Key).toString('base64');
  return {
    [WEBHOOK_HEADERS.id]: input.id,
    [WEBHOOK_HEADERS.timestamp]: String(input.timestamp),
    [WEBHOOK_HEADERS.signature]: `v1,${v1} v1a,${v1a}`,
  };
}

/** The signatures of one version (`v1`, `v1a`) in a `webhook-signature` header. */
export function webhookSignatures(header: string, version: 'v1' | 'v1a'): Buffer[] {
  return header
    .split(' ')
    .map((part) => part.split(','))
    .filter(([v, sig]) => v === version && sig !== undefined && sig.length > 0)
    .map(([, sig]) => Buffer.from(sig!, 'base64'));
}

export interface VerifyWebhookEd25519Options {
  /** Epoch seconds; now by default. */
  now?: number;
  toleranceSeconds?: number;
}

/**
 * Verifies the gateway's `v1a` signature of a delivery with an Ed25519 public key (a JWK from
 * the gateway JWKS or a KeyObject). Returns false when no `v1a` signature verifies or the
 * timestamp is outside the tolerance.
 */
export function verifyWebhookEd25519(
  headers: Record<string, string | undefined>,
  body: Uint8Array,
  publicKey: KeyObject | { kty: 'OKP'; crv: 'Ed25519'; x: string },
  options: VerifyWebhookEd25519Options = {},
): boolean {
  const id = headers[WEBHOOK_HEADERS.id];
  const timestamp = Number(headers[WEBHOOK_HEADERS.timestamp]);
  const header = headers[WEBHOOK_HEADERS.signature];
  if (!id || !header || !Number.isSafeInteger(timestamp)) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) return false;
  const key =
    'kty' in publicKey
      ? createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.x }, format: 'jwk' })
      : publicKey;
  const content = webhookSignedContent(id, timestamp, body);
  return webhookSignatures(header, 'v1a').some(
    (sig) => sig.length === 64 && verifyBytes(null, content, key, sig),
  );
}

/** Verifies the `v1` HMAC in constant time (receivers normally use a Standard Webhooks library). */
export function verifyWebhookHmac(
  headers: Record<string, string | undefined>,
  body: Uint8Array,
  secret: string,
): boolean {
  const id = headers[WEBHOOK_HEADERS.id];
  const timestamp = Number(headers[WEBHOOK_HEADERS.timestamp]);
  const header = headers[WEBHOOK_HEADERS.signature];
  if (!id || !header || !Number.isSafeInteger(timestamp)) return false;
  const expected = createHmac('sha256', webhookSecretKey(secret))
    .update(webhookSignedContent(id, timestamp, body))
    .digest();
  return webhookSignatures(header, 'v1').some(
    (sig) => sig.length === expected.length && timingSafeEqual(sig, expected),
  );
}
