import type { PinoLogger } from 'nestjs-pino';

/** What the demo reports for one inbox record: identifiers and verdicts, never payload data. */
export interface ProcessedRecord {
  ce_id: string | null;
  ce_type: string | null;
  ce_source: string | null;
  topic: string;
  partition: number;
  offset: string;
  subscription: string | null;
  /** The gateway signature verifies over exactly these bytes, for this ce_id, against the JWKS. */
  gateway_verified: boolean;
  gateway_error?: string;
  /**
   * `verified` / `failed`: the publisher's signature was checked. `absent`: none was forwarded
   * (the body was projected, or the publisher did not sign). `no-keys`: forwarded but not checked,
   * because the publisher's public keys are not available to this subscriber.
   */
  publisher_signature: 'verified' | 'failed' | 'absent' | 'no-keys';
  publisher_error?: string;
  /** Hex SHA-256 of the record key bytes (the key may be a personal identifier); null if none. */
  key_sha256: string | null;
}

export const RECORD_SINK = Symbol('RECORD_SINK');

/** Where processed records go. The default logs one JSON line per record (`logSink`). */
export type RecordSink = (record: ProcessedRecord) => void | Promise<void>;

/**
 * One `inbox record` line per record in the app's JSON log, with the record's `ce_id` as its
 * `requestId`: identifiers and verdicts, never payload data.
 */
export function logSink(logger: PinoLogger): RecordSink {
  logger.setContext('Inbox');
  return (record) => logger.info(record, 'inbox record');
}
