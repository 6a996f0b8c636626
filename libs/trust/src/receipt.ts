import { createHash } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { importJWK } from 'jose';
import { signCompactJws } from './compact-jws-sign.js';
import type { GatewayAlgorithm } from './compact-jws.util.js';
import {
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
import type { GatewayKeyring } from './gateway-keyring.js';
import type { TrustReason } from './trust-error.js';
import { TrustError } from './trust-error.js';

/** `typ` of every receipt (RFC 8725 section 3.11: explicit typing keeps JWT kinds apart). */
export const RECEIPT_TYP = 'lienthong-receipt+jwt';
/** Longest receipt `verifyReceipt` reads (a batch receipt grows with its records). */
export const RECEIPT_MAX_LENGTH = 1_048_576;

const SHA256_BASE64URL = /^[A-Za-z0-9_-]{43}$/;
const KAFKA_OFFSET = /^(0|[1-9][0-9]{0,18})$/;

/** Where one accepted record landed, and the digest of its exact body bytes. */
export interface ReceiptRecord {
  messageId: string;
  /** base64url (no padding) of the SHA-256 of the body bytes. */
  bodySha256: string;
  topic: string;
  partition: number;
  /** Kafka offset, a 64-bit integer in decimal. */
  offset: string;
}

export interface ReceiptInput extends ReceiptRecord {
  type: string;
  schemaVersion: number;
  /** Agency id of the publisher. */
  publisher: string;
  /** When Kafka acknowledged the write. */
  acceptedAt: Date;
}

export interface BatchReceiptInput {
  type: string;
  schemaVersion: number;
  publisher: string;
  acceptedAt: Date;
  records: readonly ReceiptRecord[];
}

export interface VerifiedReceipt {
  kid: string;
  alg: GatewayAlgorithm;
  issuer: string;
  /** NumericDate seconds at signing. */
  issuedAt: number;
  type: string;
  schemaVersion: number;
  publisher: string;
  /** RFC 3339 timestamp. */
  acceptedAt: string;
  batch: boolean;
  records: ReceiptRecord[];
  /** The record the given body (or message id) matched. */
  matched?: ReceiptRecord;
}

export interface VerifyReceiptOptions {
  /** The body the receipt should cover; its SHA-256 must match. */
  body?: Uint8Array;
  /** Which record of a batch receipt to check; for a single receipt, it must be its id. */
  messageId?: string;
  /** The expected gateway issuer identifier. */
  issuer?: string;
}

/** base64url (no padding) of the SHA-256 of `body`: the digest receipts carry. */
export function sha256Base64url(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url');
}

/**
 * Signs receipts for accepted records with the keyring's newest key: compact JWS (RFC 7515)
 * whose payload is a JWT claims set with `typ: lienthong-receipt+jwt`.
 */
export class ReceiptSigner {
  private readonly now: () => number;

  constructor(
    private readonly keyring: Pick<GatewayKeyring, 'signingKey'>,
    private readonly config: { issuer: string; now?: () => number },
  ) {
    this.now = config.now ?? Date.now;
  }

  /** A receipt for one record. */
  async sign(input: ReceiptInput): Promise<string> {
    const record = checkRecord(input);
    return this.signClaims({
      messageId: record.messageId,
      type: input.type,
      schemaVersion: input.schemaVersion,
      publisher: input.publisher,
      bodySha256: record.bodySha256,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      acceptedAt: input.acceptedAt.toISOString(),
    });
  }

  /** One receipt covering every record of a batch, each by its digest and position. */
  async signBatch(input: BatchReceiptInput): Promise<string> {
    if (input.records.length === 0) throw new RangeError('A batch receipt needs at least one record');
    return this.signClaims({
      type: input.type,
      schemaVersion: input.schemaVersion,
      publisher: input.publisher,
      acceptedAt: input.acceptedAt.toISOString(),
      records: input.records.map(checkRecord),
    });
  }

  private async signClaims(claims: Record<string, unknown>): Promise<string> {
    const { kid, alg, key } = this.keyring.signingKey();
    const payload = { ...claims, iss: this.config.issuer, iat: epochSeconds(this.now()) };
    return signCompactJws({ alg, kid, typ: RECEIPT_TYP }, JSON.stringify(payload), key);
  }
}

/**
 * Verifies a receipt offline against a JWK Set as published at `/.well-known/jwks.json`, and
 * when a body is given, that the receipt covers exactly those bytes. Throws `TrustError` with
 * context `receipt`.
 */
export async function verifyReceipt(
  receipt: string,
  jwks: unknown,
  options: VerifyReceiptOptions = {},
): Promise<VerifiedReceipt> {
  if (typeof receipt !== 'string' || receipt.length === 0) throw fail('missing');
  const jws = splitCompactJws(receipt, 'receipt', { maxLength: RECEIPT_MAX_LENGTH });
  const { alg, kid } = checkHeader(jws, 'receipt', GATEWAY_ALGORITHMS);
  if (!typIs(jws.header.typ, [RECEIPT_TYP])) throw fail('typ-invalid');
  const key = await selectKey(jwks, kid, alg);
  await verifyJwsSignature(jws, key, alg, 'receipt');

  const verified = readReceiptClaims(decodeClaims(jws, 'receipt'), kid, alg as GatewayAlgorithm);
  if (options.issuer !== undefined && verified.issuer !== options.issuer) throw fail('iss-mismatch');
  if (options.messageId !== undefined) {
    const record = verified.records.find((r) => r.messageId === options.messageId);
    if (!record) throw fail('message-id-unknown');
    verified.matched = record;
  }
  if (options.body !== undefined) {
    const digest = sha256Base64url(options.body);
    const record = verified.matched ?? verified.records.find((r) => r.bodySha256 === digest);
    if (!record || record.bodySha256 !== digest) throw fail('body-mismatch');
    verified.matched = record;
  }
  return verified;
}

/** Picks the single key named by `kid` from an untrusted JWK Set and imports it for `alg`. */
export async function selectKey(jwks: unknown, kid: string, alg: string): Promise<CryptoKey> {
  if (!isPlainObject(jwks) || !Array.isArray(jwks.keys)) throw fail('jwks-invalid');
  const candidates = (jwks.keys as unknown[]).filter((k) => isPlainObject(k) && k.kid === kid);
  if (candidates.length === 0) throw fail('kid-unknown');
  if (candidates.length > 1) throw fail('jwks-invalid');
  const jwk = candidates[0] as Record<string, unknown>;
  if (jwk.alg !== undefined && jwk.alg !== alg) throw fail('alg-key-mismatch');
  if (jwk.use !== undefined && jwk.use !== 'sig') throw fail('jwks-invalid');
  const expected = alg === 'ES256' ? { kty: 'EC', crv: 'P-256' } : { kty: 'OKP', crv: 'Ed25519' };
  if (jwk.kty !== expected.kty || jwk.crv !== expected.crv) throw fail('alg-key-mismatch');
  if (typeof jwk.x !== 'string' || (alg === 'ES256' && typeof jwk.y !== 'string')) throw fail('jwks-invalid');
  // Only public members are imported, whatever else the set carries.
  const publicJwk =
    alg === 'ES256' ? { ...expected, x: jwk.x, y: jwk.y as string } : { ...expected, x: jwk.x };
  try {
    return (await importJWK(publicJwk, alg)) as CryptoKey;
  } catch (error) {
    throw new TrustError('receipt', 'jwks-invalid', { cause: error });
  }
}

function readReceiptClaims(
  claims: Record<string, unknown>,
  kid: string,
  alg: GatewayAlgorithm,
): VerifiedReceipt {
  const { iss, iat, type, schemaVersion, publisher, acceptedAt, records } = claims;
  if (iss === undefined) throw fail('iss-missing');
  if (typeof iss !== 'string' || !isNumericDate(iat)) throw fail('claim-invalid');
  if (typeof type !== 'string' || typeof publisher !== 'string' || typeof acceptedAt !== 'string')
    throw fail('claim-invalid');
  if (typeof schemaVersion !== 'number' || !Number.isSafeInteger(schemaVersion)) throw fail('claim-invalid');
  const batch = records !== undefined;
  const list: unknown[] = batch ? (Array.isArray(records) ? records : []) : [claims];
  if (list.length === 0) throw fail('claim-invalid');
  return {
    kid,
    alg,
    issuer: iss,
    issuedAt: iat,
    type,
    schemaVersion,
    publisher,
    acceptedAt,
    batch,
    records: list.map(readRecord),
  };
}

function readRecord(value: unknown): ReceiptRecord {
  if (!isPlainObject(value)) throw fail('claim-invalid');
  try {
    return checkRecord(value as unknown as ReceiptRecord);
  } catch (error) {
    throw new TrustError('receipt', 'claim-invalid', { cause: error });
  }
}

function checkRecord(record: ReceiptRecord): ReceiptRecord {
  const { messageId, bodySha256, topic, partition, offset } = record;
  if (typeof messageId !== 'string' || messageId.length === 0 || messageId.length > 128) {
    throw new RangeError('messageId must be a non-empty string of at most 128 characters');
  }
  if (typeof bodySha256 !== 'string' || !SHA256_BASE64URL.test(bodySha256)) {
    throw new RangeError('bodySha256 must be the base64url SHA-256 of the body');
  }
  if (typeof topic !== 'string' || topic.length === 0)
    throw new RangeError('topic must be a non-empty string');
  if (!Number.isSafeInteger(partition) || partition < 0)
    throw new RangeError('partition must be a whole number');
  if (typeof offset !== 'string' || !KAFKA_OFFSET.test(offset))
    throw new RangeError('offset must be a decimal Kafka offset');
  return { messageId, bodySha256, topic, partition, offset };
}

function fail(reason: TrustReason): TrustError {
  return new TrustError('receipt', reason);
}
