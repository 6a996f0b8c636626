// Shared by the fault scenarios that check "every receipt issued corresponds to exactly one record
// in Kafka": idempotent publishers that retry until they hold a receipt, and the read-back check.
import { randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import {
  CE_HEADERS,
  IDEMPOTENCY_BATCH_INDEX_HEADER,
  IDEMPOTENCY_RECORD_HEADER,
  recordTopic,
} from '@lienthong/contracts';
import { createKafkaClient } from '@lienthong/kafka';
import { verifyReceipt } from '@lienthong/trust';
import { pollUntil } from '../../support/poll-until.util.js';
import type { CollectedRecord } from '../../support/record-collector.util.js';
import { RecordCollector, topicEndOffsets } from '../../support/record-collector.util.js';
import { dossierStatusRecord } from '../../support/catalogue-fixtures.util.js';

/** The record type the scenarios publish: keyed by dossier code, so records spread over partitions. */
export const FAULT_TYPE = 'procedure.dossier-status';

/** A unique, schema-valid dossier-status record (`run` keeps runs on one broker apart). */
export function dossier(run: string, n: number): string {
  return JSON.stringify(dossierStatusRecord(`000.00.34.H29-251014-${run}${String(n).padStart(5, '0')}`));
}

/** Three digits that tell this run's dossier codes apart from earlier runs on the same broker. */
export function runDigits(): string {
  return String(randomBytes(2).readUInt16BE() % 1000).padStart(3, '0');
}

/** One record a client was given a receipt for. */
export interface ReceivedRecord {
  key: string;
  body: string;
  id: string;
  partition: number;
  offset: string;
  receipt: string;
  /** The final answer said it came from records an earlier attempt had written. */
  recovered: boolean;
}

/** What the clients saw, counted. */
export class OutcomeCounts {
  readonly byKind = new Map<string, number>();

  add(kind: string): void {
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
  }

  get(kind: string): number {
    return this.byKind.get(kind) ?? 0;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.byKind].sort(([a], [b]) => a.localeCompare(b)));
  }
}

export interface IdempotentPublisherOptions {
  url: () => string;
  auth: () => Record<string, string>;
  counts: OutcomeCounts;
  /** Every answer that is neither a receipt nor an expected refusal fails the scenario. */
  expected: (status: number, code: string | undefined) => boolean;
  /** Longest pause between retries, whatever Retry-After says (keeps the suite short). */
  maxPauseMs?: number;
}

/**
 * Publishes `body` (single, or a batch when it is a JSON array) with `key` until the gateway
 * answers with a receipt, retrying with the same key and body on 503, 409 and lost connections
 * as a careful client would. Every refusal must carry `Retry-After` and no receipt.
 */
export async function publishUntilAccepted(
  options: IdempotentPublisherOptions,
  key: string,
  body: string,
  batch: boolean,
): Promise<{ status: number; json: Record<string, unknown>; recovered: boolean }> {
  const path = `/v1/messages/${FAULT_TYPE}${batch ? '/batch' : ''}`;
  for (let attempt = 1; attempt <= 2_000; attempt++) {
    let response: Response;
    try {
      response = await fetch(`${options.url()}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key, ...options.auth() },
        body,
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      options.counts.add(`connection:${cause?.code ?? (error as Error).name}`);
      await pause(200);
      continue;
    }
    const text = await response.text();
    if (response.status === 202 || response.status === 200) {
      const recovered = response.headers.get('idempotent-recovered') !== null;
      options.counts.add(recovered ? 'accepted-recovered' : 'accepted');
      if (response.headers.get('idempotent-replayed') === 'true') options.counts.add('replayed');
      return { status: response.status, json: JSON.parse(text) as Record<string, unknown>, recovered };
    }
    const problem = JSON.parse(text) as { code?: string; receipt?: unknown };
    options.counts.add(`${response.status}:${problem.code}`);
    if (!options.expected(response.status, problem.code)) {
      throw new Error(`unexpected answer ${response.status} for ${key}: ${text}`);
    }
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(problem.receipt).toBeUndefined();
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
    await pause(Math.min(retryAfter * 1000, options.maxPauseMs ?? 1_000));
  }
  throw new Error(`no receipt for ${key} after 2000 attempts`);
}

/** Flattens a single or batch answer into the records it gave receipts for. */
export function receivedRecords(
  key: string,
  body: string,
  answer: { json: Record<string, unknown>; recovered: boolean },
  batch: boolean,
): ReceivedRecord[] {
  const { json, recovered } = answer;
  if (!batch) {
    return [
      {
        key,
        body,
        id: json['id'] as string,
        partition: json['partition'] as number,
        offset: json['offset'] as string,
        receipt: json['receipt'] as string,
        recovered,
      },
    ];
  }
  const items = JSON.parse(body) as unknown[];
  const results = json['results'] as {
    index: number;
    status: string;
    id: string;
    partition: number;
    offset: string;
  }[];
  return results.map((r) => {
    expect(r.status).toBe('accepted');
    return {
      key,
      body: JSON.stringify(items[r.index]),
      id: r.id,
      partition: r.partition,
      offset: r.offset,
      receipt: json['receipt'] as string,
      recovered,
    };
  });
}

/** Reads the whole record topic of FAULT_TYPE back from `brokers`, every record once. */
export async function readBackTopic(brokers: string[]): Promise<CollectedRecord[]> {
  const kafka = createKafkaClient({ brokers, clientId: `fault-reader-${runDigits()}` });
  const topic = recordTopic(FAULT_TYPE);
  const total = Number(await topicEndOffsets(kafka, topic));
  const collector = new RecordCollector(kafka);
  await collector.start([topic]);
  try {
    await pollUntil(() => collector.all.length >= total, {
      timeoutMs: 120_000,
      intervalMs: 200,
      description: `all ${total} records of ${topic} read back`,
    });
    return [...collector.all];
  } finally {
    await collector.stop();
  }
}

export interface ExactlyOnceReport {
  /** Records in the topic carrying one of the scenario's idempotency tags. */
  recordsWithTags: number;
  receipts: number;
  keys: number;
  recoveredKeys: number;
}

/**
 * The invariant, with counts: every receipt names a record in Kafka (same topic, partition,
 * offset, id and body bytes) and verifies against the gateway's keys; and every key the clients
 * used has exactly as many records in Kafka as it got receipts for (one per record of its
 * request), whatever crashed in between. Only `publisher`'s records count (the topic may be shared).
 */
export async function checkExactlyOnce(
  records: readonly CollectedRecord[],
  received: readonly ReceivedRecord[],
  gatewayJwks: unknown,
  publisher: string,
): Promise<ExactlyOnceReport> {
  const topic = recordTopic(FAULT_TYPE);
  const at = new Map(records.map((r) => [`${r.partition}/${r.offset}`, r]));
  for (const r of received) {
    const record = at.get(`${r.partition}/${r.offset}`);
    expect([r.key, record?.headers[CE_HEADERS.id]]).toEqual([r.key, r.id]);
    expect(record!.topic).toBe(topic);
    expect(record!.value!.toString('utf8')).toBe(r.body);
    const verified = await verifyReceipt(r.receipt, gatewayJwks, {
      messageId: r.id,
      body: Buffer.from(r.body),
    });
    expect(verified.matched).toMatchObject({ topic, partition: r.partition, offset: r.offset });
  }
  // Records per idempotency tag: each key's records must be exactly the ones it has receipts for.
  const byTag = new Map<string, CollectedRecord[]>();
  for (const record of records) {
    const tag = record.headers[IDEMPOTENCY_RECORD_HEADER];
    if (tag === undefined || record.headers[CE_HEADERS.source] !== publisher) continue;
    byTag.set(tag, [...(byTag.get(tag) ?? []), record]);
  }
  const receivedIds = new Set(received.map((r) => r.id));
  const keys = new Set(received.map((r) => r.key));
  let recordsWithTags = 0;
  for (const list of byTag.values()) {
    recordsWithTags += list.length;
    // No tag has a record without a receipt (a duplicate, or a write the client never heard of).
    const unreceipted = list.filter((r) => !receivedIds.has(r.headers[CE_HEADERS.id]!));
    expect(
      unreceipted.map((r) => `${r.partition}/${r.offset} index ${r.headers[IDEMPOTENCY_BATCH_INDEX_HEADER]}`),
    ).toEqual([]);
  }
  expect(recordsWithTags).toBe(received.length);
  expect(byTag.size).toBe(keys.size);
  return {
    recordsWithTags,
    receipts: new Set(received.map((r) => r.receipt)).size,
    keys: keys.size,
    recoveredKeys: new Set(received.filter((r) => r.recovered).map((r) => r.key)).size,
  };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
