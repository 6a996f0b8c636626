import { createHash } from 'node:crypto';
import {
  CE_HEADERS,
  DELIVERY_HEADERS,
  GATEWAY_SIGNATURE_HEADER,
  PUBLISHER_SIGNATURE_HEADER,
} from '@lienthong/contracts';
import { verifyDeliverySignature } from '@lienthong/delivery';
import type { AgencyKey } from '@lienthong/trust';
import { TrustError, verifyPublisherSignature } from '@lienthong/trust';
import type { JwksCache } from './jwks-cache.js';
import type { ProcessedRecord } from './record-sink.js';

/** One inbox record as the transport hands it over: raw bytes, headers as strings. */
export interface InboxRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | undefined>;
}

/**
 * A publisher signature is checked for integrity and origin here, not for freshness: a record
 * can sit in an inbox for days before it is read, so the gateway's 5-minute acceptance window
 * does not apply to a subscriber.
 */
const PUBLISHER_SIGNATURE_AGE_SECONDS = 10 * 365 * 24 * 3600;

function reason(error: unknown): string {
  if (error instanceof TrustError) return `${error.reason}`;
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

function kidOf(detachedJws: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(detachedJws.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
      kid?: unknown;
    };
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

/** Checks the gateway's (and, with keys, the publisher's) signature over the exact bytes. */
export async function verifyInboxRecord(
  record: InboxRecord,
  jwks: JwksCache,
  publisherKeys: ReadonlyMap<string, readonly AgencyKey[]>,
): Promise<ProcessedRecord> {
  const h = record.headers;
  const id = h[CE_HEADERS.id] ?? null;
  const type = h[CE_HEADERS.type] ?? null;
  const source = h[CE_HEADERS.source] ?? null;
  const subscription = h[DELIVERY_HEADERS.subscription] ?? null;
  const body = record.value ?? Buffer.alloc(0);
  const out: ProcessedRecord = {
    ce_id: id,
    ce_type: type,
    ce_source: source,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    subscription,
    gateway_verified: false,
    publisher_signature: 'absent',
    key_sha256: record.key === null ? null : createHash('sha256').update(record.key).digest('hex'),
  };

  const gatewaySignature = h[GATEWAY_SIGNATURE_HEADER];
  if (!gatewaySignature) out.gateway_error = 'no gateway signature';
  else if (!id) out.gateway_error = 'no ce_id';
  else {
    try {
      const verified = await verifyDeliverySignature(
        gatewaySignature,
        body,
        await jwks.forKid(kidOf(gatewaySignature)),
        { messageId: id },
      );
      if (verified.subscriptionId !== subscription) {
        out.gateway_error = 'delivery signature: made for another subscription';
      } else {
        out.gateway_verified = true;
      }
    } catch (error) {
      out.gateway_error = reason(error);
    }
  }

  const publisherSignature = h[PUBLISHER_SIGNATURE_HEADER];
  if (publisherSignature) {
    const keys = source === null ? undefined : publisherKeys.get(source);
    if (!keys || !type) {
      out.publisher_signature = 'no-keys';
    } else {
      try {
        await verifyPublisherSignature(publisherSignature, body, {
          type,
          agencyKeys: keys,
          maxAgeSeconds: PUBLISHER_SIGNATURE_AGE_SECONDS,
        });
        out.publisher_signature = 'verified';
      } catch (error) {
        out.publisher_signature = 'failed';
        out.publisher_error = reason(error);
      }
    }
  }
  return out;
}
