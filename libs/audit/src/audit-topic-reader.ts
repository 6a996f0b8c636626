import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { AUDIT_TOPIC } from '@lienthong/delivery';
import type { AuditCheckpoint } from './audit-event.js';
import { AUDIT_CHECKPOINT_KIND } from './audit-event.js';
import type {
  AuditLogEntry,
  AuditVerificationOptions,
  AuditVerificationReport,
} from './audit-verification.js';
import { verifyAuditLog } from './audit-verification.js';

export interface ReadAuditTopicOptions {
  /** Read only records written at or after this time (Kafka timestamps); default: everything. */
  since?: Date;
  /** Give up when the partitions are not read by then. Default 60 s. */
  timeoutMs?: number;
}

export interface AuditTopicSnapshot {
  entries: AuditLogEntry[];
  /** Whether some partition was read from a later offset than its start. */
  partial: boolean;
  /** When the end offsets were taken. */
  snapshotAt: Date;
}

/**
 * Reads `lienthong.audit` from its start (or `since`) up to its end as of the call, every
 * partition in log order.
 */
export async function readAuditTopic(
  kafka: Kafka,
  options: ReadAuditTopicOptions = {},
): Promise<AuditTopicSnapshot> {
  const snapshotAt = new Date();
  const admin = kafka.admin();
  await admin.connect();
  let ranges: Map<number, { start: bigint; end: bigint; low: bigint }>;
  try {
    const offsets = await admin.fetchTopicOffsets(AUDIT_TOPIC);
    const since = options.since
      ? new Map(
          (await admin.fetchTopicOffsetsByTimestamp(AUDIT_TOPIC, options.since.getTime())).map((p) => [
            p.partition,
            BigInt(p.offset),
          ]),
        )
      : undefined;
    ranges = new Map(
      offsets.map((p) => {
        const low = BigInt(p.low);
        const end = BigInt(p.high);
        const from = since?.get(p.partition);
        // Kafka answers -1 (or the end) when nothing is that recent.
        const start = from === undefined || from < 0n ? (since ? end : low) : from > low ? from : low;
        return [p.partition, { start, end, low }];
      }),
    );
  } finally {
    await admin.disconnect();
  }
  const partial = [...ranges.values()].some((r) => r.start > 0n);
  const byPartition = new Map<number, AuditLogEntry[]>();
  const remaining = new Set([...ranges].filter(([, r]) => r.end > r.start).map(([p]) => p));
  if (remaining.size > 0) {
    const consumer = kafka.consumer({ groupId: `lienthong-audit-verify-${randomUUID()}` });
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const timer = setTimeout(finish, options.timeoutMs ?? 60_000);
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: AUDIT_TOPIC, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: ({ batch }) => {
          const range = ranges.get(batch.partition);
          if (!range || !remaining.has(batch.partition)) return Promise.resolve();
          const list = byPartition.get(batch.partition) ?? [];
          byPartition.set(batch.partition, list);
          for (const m of batch.messages) {
            const offset = BigInt(m.offset);
            if (offset < range.start) continue;
            if (offset >= range.end) break;
            list.push({ partition: batch.partition, offset: m.offset, value: m.value });
          }
          if (BigInt(batch.lastOffset()) + 1n >= range.end) {
            remaining.delete(batch.partition);
            if (remaining.size === 0) finish();
          }
          return Promise.resolve();
        },
      });
      // Seeks given after run() apply once the partitions are assigned; records before the start
      // are skipped above in any case.
      for (const [partition, range] of ranges) {
        if (range.start > range.low)
          consumer.seek({ topic: AUDIT_TOPIC, partition, offset: String(range.start) });
      }
      await done;
      if (remaining.size > 0)
        throw new Error(`audit partitions ${[...remaining].join(', ')} not read in time`);
    } finally {
      clearTimeout(timer);
      await consumer.disconnect();
    }
  }
  const entries = [...byPartition.keys()].sort((a, b) => a - b).flatMap((p) => byPartition.get(p)!);
  return { entries, partial, snapshotAt };
}

/** Reads `lienthong.audit` and verifies it (see {@link verifyAuditLog}). */
export async function verifyAuditTopic(
  kafka: Kafka,
  options: Omit<AuditVerificationOptions, 'partial' | 'snapshotAt'> & ReadAuditTopicOptions,
): Promise<AuditVerificationReport> {
  const snapshot = await readAuditTopic(kafka, options);
  return verifyAuditLog(snapshot.entries, {
    ...options,
    partial: snapshot.partial,
    snapshotAt: snapshot.snapshotAt,
  });
}

/** The checkpoint records among audit entries, parsed (unverified: verify them with the log). */
export function auditCheckpointsOf(entries: readonly AuditLogEntry[]): AuditCheckpoint[] {
  const found: AuditCheckpoint[] = [];
  for (const entry of entries) {
    if (entry.value === null) continue;
    try {
      const record = JSON.parse(entry.value.toString('utf8')) as unknown;
      if (
        record !== null &&
        typeof record === 'object' &&
        (record as { kind?: unknown }).kind === AUDIT_CHECKPOINT_KIND
      )
        found.push(record as AuditCheckpoint);
    } catch {
      // Not a checkpoint; verification reports it.
    }
  }
  return found;
}

/**
 * Checkpoints kept outside Kafka: JSON Lines (one checkpoint a line, as `lienthong audit
 * checkpoints` writes them) or a JSON array. Throws on text that is neither.
 */
export function parseAuditCheckpoints(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed.length === 0) return [];
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed)) throw new Error('checkpoints file: expected a JSON array');
    return parsed;
  }
  return trimmed
    .split(/\r?\n/)
    .filter((line) => line.trim().length > 0)
    .map((line, index) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new Error(`checkpoints file: line ${index + 1} is not JSON`);
      }
    });
}
